"""`FallDetector`: fall events from the poses of each video frame, per person.

    from movenet.falls import FallDetector
    detector = FallDetector(method="default", confirm_s=2.0)
    for frame in video:
        events = detector.update(poses_of_the_frame, frame.timestamp_ms)   # list of FallEvent
    events = detector.finish(hold_s=0.0)    # a recorded video's end: who is still down

`detect_falls(frames)` runs one over an iterable of (timestamp_ms, poses) and returns every event.
The default method keeps one state machine per track id (`Pose.id`; SinglePose poses, without an
id, are one person); a person not seen in a frame has their timers run on (a person lying on the
floor is often lost by the model), and is forgotten after `forget_s` without a pose unless they
are down. A person the tracker lost while down and found again under a new id, lying where they
went down, keeps their state (`PersonFallState.found_again`), so their getting up is seen. The
`ambianic` method looks at the first pose only, as theirs does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from movenet.analysis.per_person import SINGLE, PerPerson, person_key
from movenet.errors import InvalidInputError
from movenet.falls.ambianic import AmbianicHeuristic
from movenet.falls.events import FallEvent
from movenet.falls.methods import get_method
from movenet.falls.signals import FrameSignals, frame_signals
from movenet.falls.state import PersonFallState, State
from movenet.types import Pose

# People not seen for this long are forgotten (unless down: they stay until their long-lie time).
# 10 s: far longer than the tracker keeps a lost track (1 s), short enough to free memory.
DEFAULT_FORGET_S = 10.0


class FallDetector:
    def __init__(self, method: str = "default", *, forget_s: float = DEFAULT_FORGET_S, classifier=None,
                 **settings) -> None:
        """`classifier`: the learned method's model (`movenet.falls.learned.LogisticModel`; default:
        the shipped one)."""
        self.method = get_method(method)
        self.settings = self.method.settings(**settings)
        make = self.method.state_type
        extra = {"model": classifier} if classifier is not None else {}
        self.forget_ms = float(forget_s) * 1000.0
        self._heuristic = None if self.method.per_person else AmbianicHeuristic(self.settings)
        self._people: PerPerson[PersonFallState] = PerPerson(lambda: make(self.settings, **extra), self.forget_ms)
        self._alias: dict[int, int] = {}  # track id -> the person found again under it (`found_again`)
        self._last_ms: float | None = None
        self._last_poses: list[Pose] = []
        self._step_ms: float | None = None  # the last interval between frames (held frames' step)
        self._frame_size: tuple[float, float] | None = None

    def due(self, timestamp_ms: float) -> bool:
        """Whether the frame at `timestamp_ms` will be looked at (Ambianic skips frames less than
        1 s after the last kept one: a caller may then skip the model)."""
        return self._heuristic.due(timestamp_ms) if self._heuristic is not None else True

    def update(self, poses: Sequence[Pose], timestamp_ms: float,
               frame_size: tuple[float, float] | None = None) -> list[FallEvent]:
        """The events of this frame; `poses` as the detector gives them (ids from the tracker).
        `frame_size` (width, height), when known, lets a person lost at the frame's edge during a
        fast descent count as down (`movenet.falls.state`)."""
        previous = self._last_ms
        t = self._check_timestamp(timestamp_ms)
        if frame_size is not None:
            self._frame_size = frame_size
        if previous is not None:
            self._step_ms = t - previous
        self._last_poses = list(poses)
        if self._heuristic is not None:
            return self._update_ambianic(poses, t)
        events: list[FallEvent] = []
        seen: dict[int, FrameSignals | None] = {}  # person key -> this frame's signals
        for pose in poses:
            key = self._alias.get(person_key(pose), person_key(pose))
            if key not in seen:  # two poses with one id: the first (best) one
                seen[key] = frame_signals(pose, self.settings.min_score)
        for key in [k for k in seen if k not in self._people and k != SINGLE and seen[k] is not None]:
            # a person the tracker lost while down, found again lying where they went down: theirs
            found = next((k for k, state in self._people.items() if k not in seen and state.found_again(seen[key])), None)
            if found is not None:
                self._alias[key] = found
                seen[found] = seen.pop(key)
        for key, signals in seen.items():
            track_id = None if key == SINGLE else key
            events += [dataclasses.replace(e, track_id=track_id) for e in self._people.get(key, t).update(signals, t, self._frame_size)]
        for key, state in self._people.items():
            if key not in seen:
                track_id = None if key == SINGLE else key
                events += [dataclasses.replace(e, track_id=track_id) for e in state.update(None, t)]
        stale = self._people.drop_stale(t, keep=lambda state: state.state in (State.DOWN, State.FALLEN) and not state.long_lie_sent)
        if stale:
            self._alias = {k: v for k, v in self._alias.items() if v not in stale}
        return events

    def _update_ambianic(self, poses: Sequence[Pose], t: float) -> list[FallEvent]:
        fall = self._heuristic.update(poses[0] if poses else None, t)
        if fall is None:
            return []
        reason = {"leaning_angle_deg": round(fall.leaning_angle, 2), "compared_with": f"t-{fall.slot}",
                  "keypoint_corr": fall.keypoint_corr}
        return [FallEvent("fall", poses[0].id, fall.compared_ms, fall.timestamp_ms, fall.confidence, reason, "ambianic")]

    def _check_timestamp(self, timestamp_ms: float) -> float:
        if isinstance(timestamp_ms, bool) or not isinstance(timestamp_ms, (int, float)):
            raise InvalidInputError(f"timestamp_ms must be a number of milliseconds, got {type(timestamp_ms).__name__}")
        t = float(timestamp_ms)
        if self._last_ms is not None and not t > self._last_ms:
            raise InvalidInputError(f"timestamps must increase: got {t} ms after {self._last_ms} ms (reset() starts over)")
        self._last_ms = t
        return t

    def finish(self, hold_s: float = 0.0) -> list[FallEvent]:
        """The end of a stream (a recorded video, a stopped camera). With `hold_s`, the last frame's
        poses are first repeated for that long at the last frame interval, as if the camera kept
        showing the final scene (a recorded fall ends before the confirmation time); then everyone
        still down gets a `down_at_end` event (default method), with how long they had been down
        and whether the fall had been confirmed. The detector can go on afterwards (or `reset()`)."""
        if self._last_ms is None:
            return []
        events: list[FallEvent] = []
        step = self._step_ms or 1000.0 / 30.0
        poses = self._last_poses
        for _ in range(int(max(hold_s, 0.0) * 1000.0 / step)):
            events += self.update(poses, self._last_ms + step)
        if self._heuristic is not None:
            return events
        held = {"held_s": round(max(hold_s, 0.0), 3)} if hold_s > 0 else {}
        for key, state in self._people.items():
            track_id = None if key == SINGLE else key
            events += [dataclasses.replace(e, track_id=track_id, reason={**e.reason, **held}) for e in state.finish(self._last_ms)]
        return events

    def states(self) -> dict[int, State]:
        """Each person's state now (default method), by person key (track id, 0 without one)."""
        return {key: state.state for key, state in self._people.items()}

    def person(self, key: int) -> PersonFallState | None:
        """One person's state machine (its `state`, `posture`), by person key; None if unknown."""
        return self._people.get(key) if key in self._people else None

    def reset(self) -> None:
        self._people.reset()
        self._alias = {}
        self._last_ms = None
        self._last_poses, self._step_ms, self._frame_size = [], None, None
        if self._heuristic is not None:
            self._heuristic.reset()


def detect_falls(frames: Iterable[tuple[float, Sequence[Pose]]], method: str = "default", **settings) -> list[FallEvent]:
    """Every event over `frames`, an iterable of (timestamp_ms, poses), e.g. from
    `movenet.pipelines.video.stream_poses` (fp.frame.timestamp_ms, fp.poses)."""
    detector = FallDetector(method, **settings)
    events: list[FallEvent] = []
    for timestamp_ms, poses in frames:
        events += detector.update(list(poses), timestamp_ms)
    return events
