"""Live fall alerts for the page's alerts panel: the fall layer's `FallDetector` (either method), fed
the poses of every frame with the frame's capture time, its events and states turned into an alert:

- `alarm` (shown and beeped): someone has fallen (default method: the FALLEN state, from the
  `fall` event until `recovered`; a long lie says so), or, with Ambianic's method, which has no
  states, for `BANNER_S` after each fall event, as `movenet falls` shows its banner;
- `warning` (shown, silent): someone is down after a fast descent and the fall is being confirmed;
- none otherwise.

Events go to the page as they happen (`events`: `FallEvent.to_dict()`, the JSON lines of
`movenet falls --events` without the frame number), for its log.
"""

from __future__ import annotations

from collections.abc import Sequence

from movenet.analysis.per_person import SINGLE
from movenet.falls import FallDetector, State
from movenet.falls.session import BANNER_S
from movenet.types import Pose

PAGE_SETTINGS = ("confirm_s", "long_lie_s", "cooldown_s")  # what the page offers (default method)


class LiveFalls:
    """`update(poses, timestamp_ms, frame_size=None)` -> the alerts panel's result; `reset()`
    forgets everyone. `frame_size` (width, height), when the page sends it, lets a person lost at
    the frame's edge during a fall count as down, as in `movenet falls`."""

    def __init__(self, method: str = "default", **settings) -> None:
        self.detector = FallDetector(method, **settings)
        self.method = self.detector.method.name
        self.reset()

    def reset(self) -> None:
        self.detector.reset()
        self._banner_until_ms = -1.0  # Ambianic: the alarm shows until then
        self.counts: dict[str, int] = {}

    def update(self, poses: Sequence[Pose], timestamp_ms: float, frame_size: tuple[float, float] | None = None) -> dict:
        events = self.detector.update(poses, timestamp_ms, frame_size=frame_size)
        for event in events:
            self.counts[event.event] = self.counts.get(event.event, 0) + 1
        result = {"method": self.method, "people": [], "alert": None, "counts": dict(self.counts)}
        if events:
            result["events"] = [e.to_dict() for e in events]
        if self.detector.method.per_person:
            states = self.detector.states()
            result["people"] = [{"id": _id(k), "state": s.value} for k, s in states.items()]
            result["alert"] = self._state_alert(states)
        elif any(e.event == "fall" for e in events):
            self._banner_until_ms = timestamp_ms + BANNER_S * 1000.0
        if not self.detector.method.per_person and timestamp_ms <= self._banner_until_ms:
            result["alert"] = {"level": "alarm", "message": "Fall detected"}
        result["message"] = _summary(self.method, result["people"])
        return result

    def _state_alert(self, states: dict[int, State]) -> dict | None:
        fallen = [k for k, s in states.items() if s is State.FALLEN]
        if fallen:
            parts = []
            for key in fallen:
                person = self.detector.person(key)
                parts.append(_who(key) + (" still down (long lie)" if person is not None and person.long_lie_sent else ""))
            return {"level": "alarm", "message": "Fall: " + ", ".join(parts)}
        down = [k for k, s in states.items() if s is State.DOWN]
        if down:
            confirm = self.detector.settings.confirm_s
            return {"level": "warning", "message": f"Down after a fast descent: {', '.join(map(_who, down))} "
                                                   f"(a fall if still down {confirm:g} s after)"}
        return None


def _id(key: int) -> int | None:
    return None if key == SINGLE else key


def _who(key: int) -> str:
    return "person" if key == SINGLE else f"person {key}"


def _summary(method: str, people: list[dict]) -> str:
    if method != "default":
        return f"Watching ({method}'s method: one person, a frame a second)"
    if not people:
        return "Watching: nobody seen yet"
    return "Watching: " + ", ".join(f"{'person' if p['id'] is None else '#' + str(p['id'])} {p['state']}" for p in people)
