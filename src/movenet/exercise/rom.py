"""Range of motion over a session: per joint, the extremes of the smoothed angle and when.

Every measure is taken on both sides, from `movenet.analysis.geometry` (NaN below the keypoint score
threshold: frames where a joint is not seen are left out). The ankle has no angle in COCO-17 (no
foot keypoint): the shin's inclination to the vertical stands in for it.

Outliers: each measure goes through the same smoother as the counters (`smoothing`): a running
spike filter over 3 samples, then a 40 ms low-pass. A single-frame spike is never the median of three, so it
can neither set a minimum nor a maximum (tests/exercise/test_rom.py); two consecutive bad frames
can. The smoothing also trims true extremes slightly (README: the smoothing figure).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from movenet.analysis.geometry import DEFAULT_MIN_SCORE
from movenet.exercise.signals import Inclination, JointAngle, pose_rows
from movenet.exercise.smoothing import (
    DEFAULT_MAX_GAP_MS,
    DEFAULT_TAU_MS,
    SignalSmoother,
)

# name -> measure, in the order of the CSV columns of `movenet angles`.
MEASURES: dict[str, JointAngle | Inclination] = {
    f"{side}_{joint}": JointAngle(joint, side) for joint in ("elbow", "shoulder", "hip", "knee") for side in ("left", "right")
}
MEASURES.update({
    "left_shin": Inclination("shin", "vertical", "left"),  # stands in for the ankle
    "right_shin": Inclination("shin", "vertical", "right"),
    "trunk": Inclination("trunk", "vertical"),
})


def measure_all(pose, min_score: float = DEFAULT_MIN_SCORE) -> dict[str, float]:
    """Every measure of one pose, degrees (NaN where a keypoint scores below `min_score`)."""
    rows = pose_rows(pose)
    return {name: m.measure(rows, min_score).value for name, m in MEASURES.items()}


@dataclass(frozen=True)
class JointRange:
    min_deg: float
    max_deg: float
    min_ms: float  # when the minimum was reached
    max_ms: float
    frames: int  # frames where the joint was seen

    @property
    def range_deg(self) -> float:
        return self.max_deg - self.min_deg

    def to_dict(self) -> dict:
        return {
            "min_deg": round(self.min_deg, 1), "max_deg": round(self.max_deg, 1), "range_deg": round(self.range_deg, 1),
            "min_ms": round(self.min_ms, 1), "max_ms": round(self.max_ms, 1), "frames": self.frames,
        }


class RangeOfMotion:
    """`update(pose or None, timestamp_ms)` each frame; `result()` the ranges so far."""

    def __init__(self, measures: list[str] | None = None, *, min_score: float = DEFAULT_MIN_SCORE, tau_ms: float = DEFAULT_TAU_MS, max_gap_ms: float = DEFAULT_MAX_GAP_MS) -> None:
        names = list(MEASURES) if measures is None else list(measures)
        unknown = [n for n in names if n not in MEASURES]
        if unknown:
            raise ValueError(f"unknown measure(s) {', '.join(unknown)}; known: {', '.join(MEASURES)}")
        self.names = names
        self.min_score = min_score
        self._smoothers = {n: SignalSmoother(tau_ms=tau_ms, max_gap_ms=max_gap_ms) for n in names}
        self.reset()

    def reset(self) -> None:
        for s in self._smoothers.values():
            s.reset()
        self._ext: dict[str, list[float]] = {}  # name -> [min, min_ms, max, max_ms, frames]

    def update(self, pose, timestamp_ms: float) -> dict[str, float]:
        """The smoothed value of each measure at this frame (NaN where not seen)."""
        if pose is None:
            return {n: math.nan for n in self.names}
        rows = pose_rows(pose)
        out = {}
        for name in self.names:
            raw = MEASURES[name].measure(rows, self.min_score).value
            value = self._smoothers[name].update(raw, timestamp_ms)
            out[name] = value
            if math.isnan(value):
                continue
            e = self._ext.get(name)
            if e is None:
                self._ext[name] = [value, timestamp_ms, value, timestamp_ms, 1]
                continue
            if value < e[0]:
                e[0], e[1] = value, timestamp_ms
            if value > e[2]:
                e[2], e[3] = value, timestamp_ms
            e[4] += 1
        return out

    def result(self) -> dict[str, JointRange]:
        return {n: JointRange(e[0], e[2], e[1], e[3], int(e[4])) for n in self.names if (e := self._ext.get(n))}
