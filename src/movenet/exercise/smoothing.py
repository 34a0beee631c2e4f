"""Smoothing of one angle signal over time: a spike filter, then a time-constant low-pass.

Both steps are causal (they see only past samples), so a counter can run live.
- **Spike filter** (a causal Hampel filter): a sample further than `spike_deg` (20 degrees) from
  the median of the last 3 valid samples is replaced by that median. A single-frame spike (a
  keypoint jumping to the wrong limb for one frame) is never the median of three, so it can
  neither trigger a repetition nor set a range-of-motion extreme; a true extreme, which its
  neighbours approach, is kept (a plain median would cut the deepest sample of a quick bottom at
  5 fps). There is no output until three samples have been seen (after a start or a long gap),
  so a spike in the very first frame cannot pass either.
- **Exponential low-pass with a time constant** (`alpha = 1 - exp(-dt / tau)`), so the smoothing is
  the same at 5 fps and at 60 fps. tau = 40 ms halves the frame-to-frame jitter of the angles at
  30 fps (about 2 -> 1 degree on the real clips) for ~40 ms of lag and a mean change of 0.6-2.7
  degrees; 80 ms would take out more jitter but shrink fast ranges of motion more (README,
  "Movement analysis"; `tools/exercise_smoothing.py`).
Invalid samples (NaN) are skipped; after a gap longer than `max_gap_ms` the filter starts over, so
it never smooths across a long loss of the person.
"""

from __future__ import annotations

import math
from collections import deque

MEDIAN_WINDOW = 3  # samples: the smallest window whose median rejects a one-frame spike
DEFAULT_SPIKE_DEG = 20.0  # chosen: above the frame-to-frame change of a fast movement at 30 fps
DEFAULT_TAU_MS = 40.0  # low-pass time constant (see the module docstring)
DEFAULT_MAX_GAP_MS = 1000.0  # longer gaps restart the filter (and end a repetition in progress)


class SignalSmoother:
    """`update(value, timestamp_ms)` -> the smoothed value, or NaN while there is none."""

    def __init__(self, tau_ms: float = DEFAULT_TAU_MS, spike_deg: float = DEFAULT_SPIKE_DEG, max_gap_ms: float = DEFAULT_MAX_GAP_MS) -> None:
        if not (tau_ms >= 0 and spike_deg > 0 and max_gap_ms > 0):
            raise ValueError(f"tau_ms >= 0, spike_deg > 0 and max_gap_ms > 0 are required; got {tau_ms}, {spike_deg}, {max_gap_ms}")
        self.tau_ms = float(tau_ms)
        self.spike_deg = float(spike_deg)
        self.max_gap_ms = float(max_gap_ms)
        self.reset()

    def reset(self) -> None:
        self._window: deque[float] = deque(maxlen=MEDIAN_WINDOW)
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
        dt = 0.0 if self._last_ms is None else max(timestamp_ms - self._last_ms, 0.0)
        self._last_ms = timestamp_ms
        if len(self._window) < MEDIAN_WINDOW:  # no median yet: a lone first sample may be a spike
            return math.nan
        median = sorted(self._window)[MEDIAN_WINDOW // 2]
        sample = value if abs(value - median) <= self.spike_deg else median
        if math.isnan(self._value):
            self._value = sample
        else:
            alpha = 1.0 if self.tau_ms == 0 else 1.0 - math.exp(-dt / self.tau_ms)
            self._value += alpha * (sample - self._value)
        return self._value
