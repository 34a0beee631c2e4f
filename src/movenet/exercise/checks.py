"""The posture checks of a spec (`specs.Check`), evaluated over a repetition.

For each frame with a pose, every check's measure is taken (the trunk lean, hand and hip height
from `posture.Posture`, or a signal). "active" checks use the median over the frames the
repetition spent past `enter` (a median, so a few bad frames do not decide); "rest" checks use the
last value seen when the repetition is counted, which must be recent (within `max_gap_ms`),
otherwise the check fails: a posture that cannot be seen cannot be confirmed.

The **travel** checks (`feet_travel`, `hip_travel`: is the exercise done in place?
`hand_travel`: do the hands stay on the floor? `shoulder_travel`: did the body rise?) take the
largest distance the feet's midpoint (or the mid-hip, mid-shoulder or mid-wrist point) moved
(`shoulder_drop`: how far the mid-shoulder point went down the image below the highest it was) during the repetition, in torso
lengths, from where it was `SETTLE_MS` before the repetition began: someone who walks up and
starts moving straight away has not settled in place. A travel never seen (the ankles unseen)
does not reject a repetition, unless the check is `required`.
"""

from __future__ import annotations

import math
import statistics
from collections import deque

from movenet.exercise.posture import Posture
from movenet.exercise.signals import SignalCache
from movenet.exercise.specs import FEET_TRAVEL, HAND_TRAVEL, HIP_TRAVEL, SHOULDER_DROP, SHOULDER_TRAVEL, Check

# A walker takes a step about every 0.5 s (a cadence of ~2 steps a second), which moves the
# feet's midpoint by half a stride (~0.7 torso lengths): so the place where a repetition is done
# is taken from 0.5 s before it begins, and a person who was still walking then has moved.
SETTLE_MS = 500.0
_TRAVEL = (FEET_TRAVEL, HIP_TRAVEL, SHOULDER_TRAVEL, HAND_TRAVEL, SHOULDER_DROP)


class CheckMeasures:
    """The checks' measures of one frame, taken once for every `CheckTracker` that shares it (the
    signals of one exercise each have a tracker: `counter`): `values(kps, t, min_score)` ->
    (the posture frame or None, each check's value; NaN for travel checks and where unseen)."""

    def __init__(self, checks: tuple[Check, ...], posture: Posture | None = None, signals: SignalCache | None = None) -> None:
        self.checks = checks
        self.posture = (posture or Posture()) if any(isinstance(c.measure, str) for c in checks) else None
        self._signals = signals if signals is not None else SignalCache()
        self._travel = [c.measure in _TRAVEL for c in checks]
        self._last: tuple = (None, math.nan, math.nan, None)

    def values(self, kps, t: float, min_score: float) -> tuple:
        if kps is self._last[0] and t == self._last[1] and min_score == self._last[2]:
            return self._last[3]
        posture = self.posture.update(kps, t, min_score) if self.posture is not None else None
        values = []
        for i, check in enumerate(self.checks):
            if self._travel[i]:
                values.append(math.nan)
            elif isinstance(check.measure, str):
                values.append(math.nan if posture is None else getattr(posture, check.measure))
            else:
                values.append(self._signals.measure(check.measure, kps, t, min_score).value)
        self._last = (kps, t, min_score, (posture, values))
        return posture, values

    def reset(self) -> None:
        if self.posture is not None:
            self.posture.reset()
        self._last = (None, math.nan, math.nan, None)


class CheckTracker:
    def __init__(self, checks: tuple[Check, ...], max_gap_ms: float, posture: Posture | None = None, measures: CheckMeasures | None = None) -> None:
        """`measures`: shared with the other trackers of the same checks (one per signal of an
        exercise), so that each frame is measured once; by default its own."""
        self.checks = checks
        self.max_gap_ms = max_gap_ms
        self._measures = measures if measures is not None else CheckMeasures(checks, posture)
        self._travel = [c.measure in _TRAVEL for c in checks]
        # the travel measures these checks use: (position in a place, key, the checks' indices)
        self._kinds = [(n, key, [i for i, c in enumerate(checks) if c.measure == key]) for n, key in enumerate(_TRAVEL) if any(c.measure == key for c in checks)]
        self.reset()

    def reset(self) -> None:
        self._measures.reset()
        self._now = [math.nan] * len(self.checks)
        self._last = [(-math.inf, math.nan)] * len(self.checks)  # (t, value) last seen
        self._places: deque[tuple] = deque()  # (t, feet, hips, shoulders, hands, shoulders again: for the drop)
        self._torso = math.nan  # the last upright torso length seen (pixels)
        self._now_ms = -math.inf
        self.begin()

    def begin(self) -> None:
        """A new repetition starts: forget the previous one's values; its travel is measured from
        where the person was last seen `SETTLE_MS` ago or before (the oldest place kept)."""
        self._active: list[list[float]] = [[] for _ in self.checks]
        self._origin = dict.fromkeys(_TRAVEL)
        self._moved = [math.nan] * len(self.checks)
        for _, *where in self._places:
            self._measure_travel(*where)

    def _measure_travel(self, *places: tuple[float, float]) -> None:
        for n, key, indices in self._kinds:
            where = places[n]
            if math.isnan(where[0]):
                continue
            origin = self._origin[key]
            if origin is None:
                self._origin[key] = where
                continue
            if not self._torso > 0:
                continue
            if key == SHOULDER_DROP:  # down the image only, from the highest point since the origin
                if where[1] < origin[1]:
                    self._origin[key] = origin = where
                moved = (where[1] - origin[1]) / self._torso
            else:
                moved = math.hypot(where[0] - origin[0], where[1] - origin[1]) / self._torso
            for i in indices:
                if not moved <= self._moved[i]:
                    self._moved[i] = moved

    def frame(self, kps: list, t: float, min_score: float) -> None:
        if not self.checks:
            return
        self._now_ms = t
        posture, values = self._measures.values(kps, t, min_score)
        if posture is not None and self._kinds:
            if posture.torso > 0:
                self._torso = posture.torso
            self._places.append((t, posture.feet, posture.hips, posture.shoulders, posture.hands, posture.shoulders))
            while len(self._places) > 1 and self._places[1][0] <= t - SETTLE_MS:
                self._places.popleft()  # the oldest kept is the last place seen SETTLE_MS ago or before
            self._measure_travel(posture.feet, posture.hips, posture.shoulders, posture.hands, posture.shoulders)
        for i, value in enumerate(values):
            if self._travel[i]:
                continue
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

    def verdict(self, t: float, active_name: str, rest_name: str, view: str = "") -> str:
        """"" when every check passes, else why not. `view`: the camera view seen (`view`): a check
        limited to other views is not judged (a hip angle means nothing seen from the head)."""
        for i, check in enumerate(self.checks):
            if check.views and view not in check.views:
                continue
            if self._travel[i]:
                value, where = self._moved[i], "during the repetition"
                if math.isnan(value):
                    if check.required:
                        return f"{check.label} not seen during the repetition: {check.why}"
                    continue  # never seen: nothing to judge
            elif check.phase == "active":
                if not self._active[i]:
                    if check.required:
                        return f"{check.label} not seen at the {active_name}: {check.why}"
                    continue  # never seen past `enter`: nothing to judge
                value, where = statistics.median(self._active[i]), f"at the {active_name}"
            else:
                seen_ms, value = self._last[i]
                if t - seen_ms > self.max_gap_ms:
                    return f"{check.label} not seen when back {rest_name}: {check.why}"
                where = f"when back {rest_name}"
            if not check.low <= value <= check.high:
                return f"{check.label} {value:.{1 if self._travel[i] else 0}f} {where}, outside {_range(check)}: {check.why}"
        return ""


def _range(check: Check) -> str:
    if math.isinf(check.low):
        return f"<= {check.high:g}"
    if math.isinf(check.high):
        return f">= {check.low:g}"
    return f"{check.low:g}-{check.high:g}"
