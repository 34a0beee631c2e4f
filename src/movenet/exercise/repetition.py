"""The record of one repetition, counted or partial, and the counter's state after a frame."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Repetition:
    """One repetition. Times are the stream's milliseconds, interpolated between frames where the
    smoothed signal crosses a level: `start_ms` where it passed `start` (or, for a repetition
    begun before the person was fully back, the top between the two), `end_ms` where it passed
    back past `exit` (the moment it is counted). `range_deg` is the depth reached from the top
    before the repetition; `hold_ms` the time spent past `enter`."""

    start_ms: float
    end_ms: float
    range_deg: float
    peak_deg: float  # the deepest value of the smoothed signal
    peak_ms: float
    hold_ms: float
    shallow: bool  # counted but did not reach the spec's depth
    partial: bool = False  # not counted; `reason` says why
    reason: str = ""
    signal: str = ""  # the signal it was counted on (or given up on); range and peak are in its unit
    # partial only because the recording ended after it had passed `enter` with a full range (the
    # far end reached, the return not seen): labels that mark where each repetition starts count it
    cut_off: bool = False

    @property
    def duration_ms(self) -> float:
        return self.end_ms - self.start_ms

    def to_dict(self) -> dict:
        out = {
            "start_ms": _round(self.start_ms),
            "end_ms": _round(self.end_ms),
            "duration_ms": _round(self.duration_ms),
            "range_deg": _round(self.range_deg),
            "peak_deg": _round(self.peak_deg),
            "hold_ms": _round(self.hold_ms),
            "shallow": self.shallow,
        }
        if self.signal:
            out["signal"] = self.signal
        if self.partial:
            out["reason"] = self.reason
        if self.cut_off:
            out["cut_off"] = True
        return out


def cut_off_count(partials) -> int:
    """1 when one of `partials` is a repetition the stream ended inside past its far end
    (`Repetition.cut_off`: at most one a stream), else 0."""
    return int(any(r.cut_off for r in partials))


@dataclass(frozen=True)
class CounterState:
    """What `RepCounter.update` returns: enough to draw the live overlay."""

    count: int
    phase: str  # waiting, ready, moving, active, returning
    value: float  # smoothed signal, NaN when the person or the joints are not seen
    raw: float  # this frame's measurement, NaN when not seen
    depth: float  # 0 at rest .. 1 at the spec's depth (clipped to 1.2), NaN when not seen
    new_repetition: Repetition | None = None  # counted at this frame
    new_partial: Repetition | None = None  # given up at this frame
    exercise: str = ""  # the exercise counted (in the automatic mode: the leading one, "" if none yet)
    signal: str = ""  # the signal `value` and `depth` are of: the leading one (`RepCounter.signal`)


def _round(x: float, digits: int = 1) -> float | None:
    return None if math.isnan(x) else round(float(x), digits)
