"""Fall events: the frozen result type and the JSON-lines writer (flushed per event, for live use).

One JSON line per event:
`{"event": "fall" | "long_lie" | "recovered" | "down_at_end", "track_id", "start_ms", "confirmed_ms",
"confidence", "reason": {...signals...}}`:
- fall: `start_ms` when the fast descent began, `confirmed_ms` when the person had stayed down
  for the confirmation time (Ambianic: the compared frame and the current frame);
- long_lie: still down after the long-lie time (`start_ms`: the fall's start);
- recovered: up again after a fall (`start_ms`: when the upright posture began);
- down_at_end: the stream (a recorded video) ended while the person was still down: `confirmed_ms`
  is the last frame's time, `reason.down_s` how long they had been down and `reason.fall_confirmed`
  whether the fall event had been sent (False: an unconfirmed fall, the recording ended before
  the confirmation time).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

EVENT_KINDS = ("fall", "long_lie", "recovered", "down_at_end")


@dataclass(frozen=True)
class FallEvent:
    event: str  # "fall", "long_lie", "recovered" or "down_at_end"
    track_id: int | None  # the tracker's id; None for a single-person stream
    start_ms: float
    confirmed_ms: float
    confidence: float  # 0..1
    reason: dict = field(default_factory=dict, compare=False)  # the signals behind the decision
    method: str = "default"

    def to_dict(self) -> dict:
        return {
            "event": self.event,
            "track_id": self.track_id,
            "start_ms": round(self.start_ms, 3),
            "confirmed_ms": round(self.confirmed_ms, 3),
            "confidence": round(self.confidence, 4),
            "method": self.method,
            "reason": self.reason,
        }


class EventWriter:
    """Appends events to a JSON-lines file (or standard output for "-"), flushed after each line."""

    def __init__(self, target: str | Path) -> None:
        self._stream: IO[str] = sys.stdout if str(target) == "-" else open(target, "w")  # noqa: SIM115 - open for the whole run

    def write(self, event: FallEvent, **extra) -> None:
        self._stream.write(json.dumps({**event.to_dict(), **extra}) + "\n")
        self._stream.flush()

    def close(self) -> None:
        if self._stream is not sys.stdout:
            self._stream.close()

    def __enter__(self) -> EventWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
