"""Which way the camera sees a person: from the front (or the back), from the side, at an angle, or
head-on (the body pointing at the camera, as a push-up filmed from the head).

The width of the shoulders in the image against the person's upright torso length (the longest
mid-hip to mid-shoulder distance of the last `TORSO_WINDOW_MS`, as `posture.Posture` takes it):
about 0.5-0.7 facing the camera or turned away from it (shoulders ~35-40 cm, torso ~50 cm),
near 0 side-on, where one shoulder hides the other; more than 1 only when the torso points at
the camera (a push-up filmed from the head: the shoulders look wider than the torso is long).
Per frame, then the view seen in most frames.

The limits were read off the tuning clips of WorkoutTracker (`tools/exercise_split.py`), whose
views were judged by eye: medians per clip 0.02-0.29 side-on, 0.47-0.66 (and 1.2-1.5 for push-ups
filmed from the head, called head-on) from the front or back; clips judged "angled" spread over
0.29-0.56, and the middle band is called angled.
"""

from __future__ import annotations

import math
from collections import Counter, deque

from movenet.exercise.posture import TORSO_WINDOW_MS, RecentMax
from movenet.skeleton import KEYPOINT_NAMES

FRONT, SIDE, ANGLED, HEAD_ON = "front", "side", "angled", "head-on"
VIEWS = (FRONT, SIDE, ANGLED, HEAD_ON)
SIDE_BELOW = 0.30  # shoulder width / upright torso below this: side-on
FRONT_FROM = 0.45  # from this up: facing the camera or turned away from it
HEAD_ON_FROM = 1.0  # shoulders wider than the torso is long (~0.75 facing the camera upright): foreshortened
# The view of the moment: the most frequent of the last few seconds (a repetition's; someone may
# walk in facing the camera and exercise side-on).
RECENT_MS = 3000.0

_LS, _RS = KEYPOINT_NAMES.index("left_shoulder"), KEYPOINT_NAMES.index("right_shoulder")
_LH, _RH = KEYPOINT_NAMES.index("left_hip"), KEYPOINT_NAMES.index("right_hip")


def view_of(ratio: float) -> str:
    """The view for a shoulder-width / torso ratio ("" for NaN)."""
    if math.isnan(ratio):
        return ""
    if ratio >= HEAD_ON_FROM:
        return HEAD_ON
    return SIDE if ratio < SIDE_BELOW else FRONT if ratio >= FRONT_FROM else ANGLED


class ViewTracker:
    """`update(rows, t, min_score)` -> this frame's view ("" when the shoulders and hips are not
    all seen); `view`: the one seen most often; `recent`: the one seen most often in the last
    `RECENT_MS`; `reset()`."""

    def __init__(self) -> None:
        self._torso = RecentMax(TORSO_WINDOW_MS)
        self.reset()

    def reset(self) -> None:
        self._torso.reset()
        self.frames: Counter[str] = Counter()
        self._recent: deque[tuple[float, str]] = deque()
        self._recent_counts: Counter[str] = Counter()
        self._last: tuple = (None, math.nan, "")

    def update(self, rows, t: float, min_score: float) -> str:
        if rows is self._last[0] and t == self._last[1]:  # shared by counters: measured once a frame
            return self._last[2]
        view = self._update(rows, t, min_score)
        self._last = (rows, t, view)
        return view

    def _update(self, rows, t: float, min_score: float) -> str:
        ls, rs, lh, rh = rows[_LS], rows[_RS], rows[_LH], rows[_RH]
        if not min(ls[2], rs[2], lh[2], rh[2]) >= min_score:
            return ""
        torso = self._torso.update(math.hypot((ls[0] + rs[0] - lh[0] - rh[0]) / 2.0, (ls[1] + rs[1] - lh[1] - rh[1]) / 2.0), t)
        if not torso > 0:
            return ""
        view = view_of(math.hypot(ls[0] - rs[0], ls[1] - rs[1]) / torso)
        self.frames[view] += 1
        self._recent.append((t, view))
        self._recent_counts[view] += 1
        while self._recent[0][0] < t - RECENT_MS:
            self._recent_counts[self._recent.popleft()[1]] -= 1
        return view

    @property
    def recent(self) -> str:
        """The view of the most frames of the last `RECENT_MS` (else the overall one)."""
        best = max(self._recent_counts.items(), key=lambda kv: kv[1], default=("", 0))
        return best[0] if best[1] > 0 else self.view

    @property
    def view(self) -> str:
        """The view of the most frames ("" before any)."""
        return self.frames.most_common(1)[0][0] if self.frames else ""
