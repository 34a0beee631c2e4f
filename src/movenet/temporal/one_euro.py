"""The robust One-Euro filter of MoveNet's keypoint smoothing (BRIEF section 2 point 5).

A port of pose-detection `shared/filters/one_euro_filter.ts` (MediaPipe's OneEuroFilter) with its
asinh "threshold" low-pass step: cutoff = minCutOff + beta |dx|, threshold = thresholdCutOff +
thresholdBeta |dx|, y = y_prev + alpha t asinh((x - y_prev) / t). Timestamps in microseconds,
truncated to integers like the original. `official_start=True` keeps the original's quirk: the last
timestamp starts at 0, so a first frame at t = 0 is not recorded and smoothing starts on the third
frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from movenet.temporal.low_pass import LowPassFilter

MICROSECONDS_PER_SECOND = 1_000_000


@dataclass(frozen=True)
class OneEuroConfig:
    """movenet/constants.ts KEYPOINT_FILTER_CONFIG (disableValueScaling: true)."""

    frequency: float = 30.0
    min_cutoff: float = 2.5
    beta: float = 300.0
    derivative_cutoff: float = 2.5
    threshold_cutoff: float = 0.5
    threshold_beta: float = 5.0


KEYPOINT_FILTER_CONFIG = OneEuroConfig()


class OneEuroFilter:
    def __init__(self, config: OneEuroConfig = KEYPOINT_FILTER_CONFIG, official_start: bool = True) -> None:
        self.config = config
        self.official_start = official_start
        self.reset()

    def reset(self) -> None:
        self.frequency = self.config.frequency
        self.x = LowPassFilter(self._alpha(self.config.min_cutoff))
        self.dx = LowPassFilter(self._alpha(self.config.derivative_cutoff))
        self.last_timestamp: int | None = 0 if self.official_start else None

    def _alpha(self, cutoff: float) -> float:
        return 1.0 / (1.0 + self.frequency / (2 * math.pi * cutoff))

    def apply(self, value: float, timestamp_us: float, value_scale: float = 1.0) -> float:
        now = math.trunc(timestamp_us)
        if self.last_timestamp is not None and self.last_timestamp >= now:
            return value  # not after the last one: passed through unfiltered (as the original)
        if self.last_timestamp is not None and (
            not self.official_start or (self.last_timestamp != 0 and now != 0)
        ):
            self.frequency = 1.0 / ((now - self.last_timestamp) / MICROSECONDS_PER_SECOND)
        self.last_timestamp = now
        d_value = (value - self.x.raw) * value_scale * self.frequency if self.x.initialized else 0.0
        ed_value = self.dx.apply_with_alpha(d_value, self._alpha(self.config.derivative_cutoff))
        cutoff = self.config.min_cutoff + self.config.beta * abs(ed_value)
        threshold = self.config.threshold_cutoff + self.config.threshold_beta * abs(ed_value)
        return self.x.apply_with_alpha(value, self._alpha(cutoff), threshold)


class KeypointsFilter:
    """One OneEuroFilter per keypoint and axis, on coordinates normalised to the image."""

    def __init__(self, config: OneEuroConfig = KEYPOINT_FILTER_CONFIG, official_start: bool = True) -> None:
        self.config = config
        self.official_start = official_start
        self.reset()

    def reset(self) -> None:
        self._filters: list[tuple[OneEuroFilter, OneEuroFilter]] | None = None

    def apply(self, keypoints: np.ndarray, timestamp_us: float) -> np.ndarray:
        """(N, 3) of (y, x, score) -> smoothed copy (scores untouched)."""
        if self._filters is None or len(self._filters) != len(keypoints):
            self._filters = [
                (OneEuroFilter(self.config, self.official_start), OneEuroFilter(self.config, self.official_start))
                for _ in range(len(keypoints))
            ]
        out = np.array(keypoints, dtype=np.float64, copy=True)
        for i, (fy, fx) in enumerate(self._filters):
            out[i, 1] = fx.apply(out[i, 1], timestamp_us)  # x first, as the original
            out[i, 0] = fy.apply(out[i, 0], timestamp_us)
        return out
