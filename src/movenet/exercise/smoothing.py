"""Smoothing of one angle signal over time: a running median, then a time-constant low-pass.

Both steps are causal (they see only past samples), so a counter can run live.
- **Median of the last 3 valid samples** removes single-frame spikes (a keypoint jumping to the
  wrong limb for one frame): one outlier among three is never the median, so it can neither
  trigger a repetition nor set a range-of-motion extreme. It delays the signal by one sample, and
  there is no output until three samples have been seen (after a start or a long gap).
- **Exponential low-pass with a time constant** (`alpha = 1 - exp(-dt / tau)`), so the smoothing is
  the same at 5 fps and at 60 fps. tau = 80 ms removes the frame-to-frame jitter of the keypoints
  (a few degrees at 30 fps) while a 1 s repetition loses under 1 degree of depth (README,
  "Movement analysis", the smoothing figure).
Invalid samples (NaN) are skipped; after a gap longer than `max_gap_ms` the filter starts over, so
it never smooths across a long loss of the person.
"""

from __future__ import annotations

import math
from collections import deque

MEDIAN_WINDOW = 3  # samples: the smallest window whose median rejects a one-frame spike
DEFAULT_TAU_MS = 80.0  # low-pass time constant (see the module docstring)
DEFAULT_MAX_GAP_MS = 1000.0  # longer gaps restart the filter (and end a repetition in progress)


class SignalSmoother:
    """`update(value, timestamp_ms)` -> the smoothed value, or NaN while there is none."""

    def __init__(self, tau_ms: float = DEFAULT_TAU_MS, median_window: int = MEDIAN_WINDOW, max_gap_ms: float = DEFAULT_MAX_GAP_MS) -> None:
        if tau_ms < 0 or median_window < 1 or median_window % 2 == 0 or max_gap_ms <= 0:
            raise ValueError(f"tau_ms >= 0, an odd median_window >= 1, max_gap_ms > 0 required; got {tau_ms}, {median_window}, {max_gap_ms}")
        self.tau_ms = float(tau_ms)
        self.median_window = int(median_window)
        self.max_gap_ms = float(max_gap_ms)
        self.reset()

    def reset(self) -> None:
        self._window: deque[float] = deque(maxlen=self.median_window)
        self._value = math.nan
        self._last_ms: float | None = None

    @property
    def value(self) -> float:
        return self._value

    def update(self, value: float, timestamp_ms: float) -> float:
        if math.isnan(value):
            return math.nan
        if self._last_ms is not None and timestamp_ms - self._last_ms > self.max_gap_ms:
            self.reset()
        self._window.append(float(value))
        if len(self._window) < self.median_window:  # no median yet: a lone first sample may be a spike
            self._last_ms = timestamp_ms
            return math.nan
        median = sorted(self._window)[self.median_window // 2]
        if self._last_ms is None or math.isnan(self._value):
            self._value = median
        else:
            dt = max(timestamp_ms - self._last_ms, 0.0)
            alpha = 1.0 if self.tau_ms == 0 else 1.0 - math.exp(-dt / self.tau_ms)
            self._value += alpha * (median - self._value)
        self._last_ms = timestamp_ms
        return self._value
