"""The posture checks of a spec (`specs.Check`), evaluated over a repetition.

For each frame with a pose, every check's measure is taken (the trunk lean and hand height from
`signals.Posture`, or a signal). "active" checks use the median over the frames the repetition
spent past `enter` (a median, so a few bad frames do not decide; the feet's travel is measured from
where they were when the repetition began, if seen within `max_gap_ms`); "rest" checks use the last value
seen when the repetition is counted, which must be recent (within `max_gap_ms`), otherwise the
check fails: a posture that cannot be seen cannot be confirmed.
"""

from __future__ import annotations

import math
import statistics

from movenet.exercise.signals import Posture
from movenet.exercise.specs import FEET_TRAVEL, Check


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
        self._feet: tuple[float, tuple[float, float]] | None = None  # (t, feet) last seen
        self._now_ms = -math.inf
        self.begin()

    def begin(self) -> None:
        """A new repetition starts: forget the previous one's active values; the feet's travel is
        measured from where they are now."""
        self._active: list[list[float]] = [[] for _ in self.checks]
        seen = self._feet is not None and self._now_ms - self._feet[0] <= self.max_gap_ms
        self._origin = self._feet[1] if seen else None

    def frame(self, kps: list, t: float, min_score: float) -> None:
        if not self.checks:
            return
        self._now_ms = t
        posture = self._posture.update(kps, t, min_score) if self._posture is not None else None
        travel = math.nan
        if posture is not None and not math.isnan(posture.feet[0]):
            self._feet = (t, posture.feet)
            if self._origin is not None and posture.torso > 0:
                travel = math.hypot(posture.feet[0] - self._origin[0], posture.feet[1] - self._origin[1]) / posture.torso
        for i, check in enumerate(self.checks):
            if isinstance(check.measure, str):
                value = math.nan if posture is None else travel if check.measure == FEET_TRAVEL else getattr(posture, check.measure)
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
