"""The posture checks of a spec (`specs.Check`), evaluated over a repetition.

For each frame with a pose, every check's measure is taken (the trunk lean and hand height from
`signals.Posture`, or a signal). "active" checks use the median over the frames the repetition
spent past `enter` (a median, so a few bad frames do not decide); "rest" checks use the last value
seen when the repetition is counted, which must be recent (within `max_gap_ms`), otherwise the
check fails: a posture that cannot be seen cannot be confirmed.
"""

from __future__ import annotations

import math
import statistics

from movenet.exercise.signals import Posture
from movenet.exercise.specs import HANDS_LOW, LEAN, Check


class CheckTracker:
    def __init__(self, checks: tuple[Check, ...], max_gap_ms: float) -> None:
        self.checks = checks
        self.max_gap_ms = max_gap_ms
        self._posture = Posture() if any(isinstance(c.measure, str) for c in checks) else None
        self.reset()

    def reset(self) -> None:
        if self._posture is not None:
            self._posture.reset()
        self._now = [math.nan] * len(self.checks)
        self._last = [(-math.inf, math.nan)] * len(self.checks)  # (t, value) last seen
        self.begin()

    def begin(self) -> None:
        """A new repetition starts: forget the previous one's active values."""
        self._active: list[list[float]] = [[] for _ in self.checks]

    def frame(self, kps: list, t: float, min_score: float) -> None:
        if not self.checks:
            return
        lean, hands_low = self._posture.update(kps, t, min_score) if self._posture is not None else (math.nan, math.nan)
        for i, check in enumerate(self.checks):
            if check.measure == LEAN:
                value = lean
            elif check.measure == HANDS_LOW:
                value = hands_low
            else:
                value = check.measure.measure(kps, min_score).value
            self._now[i] = value
            if not math.isnan(value):
                self._last[i] = (t, value)

    def no_pose(self) -> None:
        self._now = [math.nan] * len(self.checks)

    def note_active(self) -> None:
        """This frame is past `enter`: its values count for the "active" checks."""
        for i, value in enumerate(self._now):
            if not math.isnan(value):
                self._active[i].append(value)

    def verdict(self, t: float, active_name: str, rest_name: str) -> str:
        """"" when every check passes, else why not."""
        for i, check in enumerate(self.checks):
            if check.phase == "active":
                if not self._active[i]:
                    continue  # never seen past `enter`: nothing to judge
                value, where = statistics.median(self._active[i]), f"at the {active_name}"
            else:
                seen_ms, value = self._last[i]
                if t - seen_ms > self.max_gap_ms:
                    return f"{check.label} not seen when back {rest_name}: {check.why}"
                where = f"when back {rest_name}"
            if not check.low <= value <= check.high:
                return f"{check.label} {value:.0f} {where}, outside {_range(check)}: {check.why}"
        return ""


def _range(check: Check) -> str:
    if math.isinf(check.low):
        return f"<= {check.high:g}"
    if math.isinf(check.high):
        return f">= {check.low:g}"
    return f"{check.low:g}-{check.high:g}"
