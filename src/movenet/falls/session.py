"""One fall-detection run over a stream: the detector, and what happens on each event (JSON line,
hooks, evidence), with the callbacks of `movenet.cli.video.run_video` (analyse / render / record).
Used by `movenet falls`; usable by any loop that has frames with poses."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from movenet.falls.detector import FallDetector
from movenet.falls.events import EventWriter, FallEvent
from movenet.falls.evidence import EvidenceRecorder
from movenet.falls.overlay import FrameInfo, draw_falls
from movenet.falls.state import State

BANNER_S = 3.0  # Ambianic (no states): how long the FALL banner stays after an event


class FallSession:
    def __init__(self, detector: FallDetector, *, events: EventWriter | None = None,
                 evidence: EvidenceRecorder | None = None, hooks: Sequence[Callable[[dict], None]] = (),
                 threshold: float = 0.3, log: Callable[[str], None] | None = None) -> None:
        self.detector = detector
        self.events = events
        self.evidence = evidence
        self.hooks = list(hooks)
        self.threshold = threshold
        self.log = log or (lambda line: print(line, file=sys.stderr))
        self.counts: dict[str, int] = {}
        self._banner_until = -1.0
        self._banner = None
        self._last_frame: int | None = None

    def analyse(self, fp) -> FrameInfo:
        """Per frame, in order: the detector, then the events' consequences."""
        t = fp.frame.timestamp_ms
        self._last_frame = fp.frame.index
        height, width = fp.frame.image.shape[:2]
        found = self.detector.update(fp.poses, t, (width, height))
        if self.evidence is not None:
            self.evidence.add(fp.frame.image, fp.poses, t)
        lines = []
        for event in found:
            line = {**event.to_dict(), "frame": fp.frame.index}
            lines.append(line)
            self._handle(event, line)
        return FrameInfo(self._states(), self._banner_text(t, found), lines)

    def finish(self, hold_s: float = 0.0) -> list[FallEvent]:
        """The end of the video: `hold_s` seconds of its last frame (`FallDetector.finish`), then a
        `down_at_end` event and a line for everyone still down."""
        events = self.detector.finish(hold_s)
        for event in events:
            self._handle(event, {**event.to_dict(), "frame": self._last_frame})
        return events

    def _handle(self, event: FallEvent, line: dict) -> None:
        self.counts[event.event] = self.counts.get(event.event, 0) + 1
        who = "person" if event.track_id is None else f"person {event.track_id}"
        if event.event == "down_at_end":
            self.log(down_at_end_line(event))
        else:
            self.log(f"{event.confirmed_ms / 1000:8.2f} s  {event.event.upper():9s} {who} (confidence {event.confidence:.2f})")
        if self.events is not None:
            self.events.write(event, frame=line["frame"])
        if self.evidence is not None and not (event.event == "down_at_end" and event.reason.get("fall_confirmed")):
            self.evidence.event(event)  # a confirmed fall has its evidence already
        for hook in self.hooks:
            hook(line)

    def _states(self) -> dict[int, str]:
        return {key: state.value for key, state in self.detector.states().items()} if self.detector.method.per_person else {}

    def _banner_text(self, t: float, found: list[FallEvent]) -> str | None:
        if self.detector.method.per_person:
            down = [k for k, s in self.detector.states().items() if s is State.FALLEN]
            if not down:
                return None
            return "FALL: " + ", ".join("person" if k == 0 else f"person {k}" for k in down)
        if any(e.event == "fall" for e in found):
            self._banner_until = t + BANNER_S * 1000.0
        return "FALL" if t <= self._banner_until else None

    def render(self, image, poses, info):
        return draw_falls(image, poses, info, self.threshold)

    def record(self, fp, info: FrameInfo) -> dict:
        return {
            "frame": fp.frame.index, "timestamp_ms": fp.frame.timestamp_ms,
            "poses": [p.to_dict() for p in fp.poses],
            "states": [{"track_id": None if k == 0 else k, "state": s} for k, s in info.states.items()],
            "events": list(info.events),
        }

    def summary(self) -> str:
        if not self.counts:
            return "no fall events"
        return ", ".join(f"{n} {kind} event{'s' if n > 1 else ''}" for kind, n in self.counts.items())

    def close(self) -> None:
        if self.evidence is not None:
            self.evidence.close()
            for path in self.evidence.written:
                self.log(f"evidence: {path}")
        for hook in self.hooks:
            close = getattr(hook, "close", None)
            if close is not None:
                close()
        if self.events is not None:
            self.events.close()

    def __enter__(self) -> FallSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def down_at_end_line(event: FallEvent) -> str:
    """The line for a `down_at_end` event: who, since when, for how long, confirmed or not."""
    who = "person" if event.track_id is None else f"person {event.track_id}"
    reason = event.reason
    since = reason.get("down_ms", event.start_ms) / 1000.0
    if reason.get("fall_confirmed"):
        status = "fall confirmed"
    else:
        status = f"UNCONFIRMED fall: the video ended before the {reason.get('confirm_s', 0):g} s confirmation"
    held = f" (its last frame held {reason['held_s']:g} s)" if reason.get("held_s") else ""
    return (f"{event.confirmed_ms / 1000:8.2f} s  DOWN AT END {who}: down for {reason.get('down_s', 0):.1f} s "
            f"(since {since:.2f} s) when the video ended{held}; {status}")
