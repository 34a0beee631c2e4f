"""Posture measures that hold in any camera view, frame by frame: trunk lean, hand height, hip
height, and where the person is (for the posture and in-place checks of `checks`).

In a frontal view a trunk leaning towards the camera still looks vertical in the image, but it
looks shorter. So the **lean** is estimated as `acos(vertical hip-to-shoulder rise / upright torso
length)`, with the upright torso length taken as the longest mid-hip to mid-shoulder distance of
the last `TORSO_WINDOW_MS` (`RecentMax`). 0 deg upright, 90 lying, more than 90 head down. This
assumes a roughly level camera.
`tilt`: the trunk's angle from upright *in the image* (mid-hip to mid-shoulder against image-up),
0-180: 0 upright, 90 lying, 180 head down. Unlike `lean` it does not see a trunk leaning towards
the camera (which only looks shorter), so it does not mistake knees tucked in front of a hanging
body for a lean; it does see a body head down.
`hands_low`: 1 when the mean wrist is below the mean knee (hands on the floor or the shins).
`hand_height`: the height of the mean wrist above the mean ankle, as a share of the standing hip
height (below): ~1 hands at the hips, ~0.5 at a standing person's knees, 0 on the floor. Unlike
`hands_low` it does not depend on where the knees are now (a kneeling person's knees are on the
floor, a crouching person's pushed towards the camera).
`hip_height`: the height of the mid-hip above the mean ankle, as a share of its largest value of
the last `TORSO_WINDOW_MS` (1 standing tall, ~0.6 at the bottom of a squat): a squat lowers the
hips, a knee that only looks bent (occluded legs, a walking step seen from above) does not.
`hip_raise` / `shoulder_raise`: the height of the mid-hip / mid-shoulder point above the mean
ankle, in torso lengths: ~0 for a body lying or sitting on the floor with the feet on it (a sit-up
keeps the hips down, a glute bridge the shoulders), about a thigh's length (~0.9) kneeling or on
all fours, ~1.8 standing.
`feet` (the midpoint of the ankles, both seen), `hips` (the mid-hip point), `shoulders` (the
mid-shoulder point) and `hands` (the midpoint of the wrists, both seen): where the person is, to
tell exercises done in place from walking, and a body that rises (a pull-up) from arms that move
alone.

The two references (upright torso length, standing hip height) belong to a place: someone who
walks towards or away from the camera grows or shrinks in the image, and a reference taken
elsewhere would make them look leaning or crouched. So they start again when the person moves
away from where they were taken: the feet's midpoint by more than `REFERENCE_MOVE_FEET` torso
lengths, or, while the feet are not seen, the hips by more than `REFERENCE_MOVE_HIPS` (more,
because a squat or a chair stand moves the hips by about one torso length while the feet stay).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from movenet.analysis import geometry
from movenet.skeleton import KEYPOINT_NAMES

# How far back the body's own length unit looks (the person standing or sitting upright). Long
# enough to cover a set's repetitions, short enough to follow someone walking towards the camera.
TORSO_WINDOW_MS = 10_000.0
# Moves that restart the references (torso lengths); see the module docstring.
REFERENCE_MOVE_FEET = 1.0  # a walking stride moves the feet's midpoint ~1.4; in-place exercises ~0 (lunges < 1)
REFERENCE_MOVE_HIPS = 1.5  # squats and chair stands move the hips up to ~1 torso length

_WRISTS = (KEYPOINT_NAMES.index("left_wrist"), KEYPOINT_NAMES.index("right_wrist"))
_KNEES = (KEYPOINT_NAMES.index("left_knee"), KEYPOINT_NAMES.index("right_knee"))
_ANKLES = (KEYPOINT_NAMES.index("left_ankle"), KEYPOINT_NAMES.index("right_ankle"))
_NOWHERE = (math.nan, math.nan)


class RecentMax:
    """The largest value of the last `window_ms`, after a 3-sample median (so that a one-frame
    glitch cannot set it): a sliding-window maximum."""

    def __init__(self, window_ms: float) -> None:
        self.window_ms = window_ms
        self.reset()

    def reset(self) -> None:
        self._recent: deque[float] = deque(maxlen=3)
        self._queue: deque[tuple[float, float]] = deque()  # (t, value), values decreasing

    @property
    def value(self) -> float:
        return self._queue[0][1] if self._queue else math.nan

    def update(self, value: float, t: float) -> float:
        self._recent.append(value)
        value = sorted(self._recent)[(len(self._recent) - 1) // 2]
        while self._queue and self._queue[-1][1] <= value:
            self._queue.pop()
        self._queue.append((t, value))
        while self._queue[0][0] < t - self.window_ms:
            self._queue.popleft()
        return self._queue[0][1]


@dataclass(frozen=True)
class PostureFrame:
    lean: float  # degrees from upright
    hands_low: float  # 1.0 hands below the knees, 0.0 above, NaN unseen
    hip_height: float  # share of the standing height of the hips above the ankles
    hand_height: float  # height of the wrists above the ankles, as a share of the standing hip height
    hip_raise: float  # height of the hips above the ankles, torso lengths
    shoulder_raise: float  # height of the shoulders above the ankles, torso lengths
    feet: tuple[float, float]  # midpoint of the two ankles (pixels), NaN unless both are seen
    hips: tuple[float, float]  # the mid-hip point (pixels), NaN unless seen
    torso: float  # the upright torso length (pixels), the unit of distances; NaN until seen
    shoulders: tuple[float, float] = (math.nan, math.nan)  # the mid-shoulder point (pixels), NaN unless both seen
    hands: tuple[float, float] = (math.nan, math.nan)  # the midpoint of the wrists (pixels), NaN unless both seen
    tilt: float = math.nan  # the trunk's angle from upright in the image, degrees (0 upright, 180 head down)


class Posture:
    """`update(pose rows, t, min_score)` -> this frame's `PostureFrame`; `reset()`. Counters of one
    person may share one (the automatic mode): the same rows at the same time are measured once."""

    def __init__(self, window_ms: float = TORSO_WINDOW_MS) -> None:
        self.window_ms = window_ms
        self._torso = RecentMax(window_ms)
        self._hip = RecentMax(window_ms)
        self.reset()

    def reset(self) -> None:
        self._torso.reset()
        self._hip.reset()
        self._place: list = [None, None]  # where the references were taken: feet, hips
        self._last: tuple = (None, math.nan, math.nan, None)  # (rows, t, min_score, frame) of the last update

    def _follow(self, feet: tuple[float, float], hips: tuple[float, float]) -> None:
        """Restart the references when the person has moved away from where they were taken."""
        unit = self._torso.value
        moved = False
        for i, (where, limit) in enumerate(((feet, REFERENCE_MOVE_FEET), (hips, REFERENCE_MOVE_HIPS))):
            if math.isnan(where[0]):
                continue
            if self._place[i] is None:
                self._place[i] = where
            elif unit > 0 and math.hypot(where[0] - self._place[i][0], where[1] - self._place[i][1]) > limit * unit:
                moved = True
            if i == 0:
                break  # the feet, when seen, decide alone
        if moved:
            self.reset()
            self._place = [None if math.isnan(feet[0]) else feet, None if math.isnan(hips[0]) else hips]

    def update(self, kps, t: float, min_score: float) -> PostureFrame:
        """This frame's measures (NaN where not measurable)."""
        rows = geometry.as_rows(kps)
        if rows is self._last[0] and t == self._last[1] and min_score == self._last[2]:
            return self._last[3]
        frame = self._measure(rows, t, min_score)
        self._last = (rows, t, min_score, frame)
        return frame

    def _measure(self, rows, t: float, min_score: float) -> PostureFrame:
        shoulder, hip = geometry.point(rows, "mid_shoulder"), geometry.point(rows, "mid_hip")
        hips = (hip[0], hip[1]) if hip[2] >= min_score else _NOWHERE
        ankles = [rows[i] for i in _ANKLES if rows[i][2] >= min_score]
        feet = _NOWHERE
        if len(ankles) == 2:  # both: the midpoint of one foot alone moves with each step
            feet = ((ankles[0][0] + ankles[1][0]) / 2.0, (ankles[0][1] + ankles[1][1]) / 2.0)
        self._follow(feet, hips)
        lean = hip_height = tilt = math.nan
        if min(shoulder[2], hip[2]) >= min_score:
            tilt = abs(geometry.direction(hip, shoulder))
            upright = self._torso.update(math.hypot(shoulder[0] - hip[0], shoulder[1] - hip[1]), t)
            if upright > 0:
                rise = (hip[1] - shoulder[1]) / upright
                lean = math.degrees(math.acos(min(max(rise, -1.0), 1.0)))
        ankle_y = sum(a[1] for a in ankles) / len(ankles) if ankles else math.nan
        unit = self._torso.value
        hip_raise = (ankle_y - hip[1]) / unit if hip[2] >= min_score and unit > 0 else math.nan
        shoulder_raise = (ankle_y - shoulder[1]) / unit if shoulder[2] >= min_score and unit > 0 else math.nan
        if hip[2] >= min_score and ankles:
            height = ankle_y - hip[1]
            tallest = self._hip.update(height, t)
            if tallest > 0:
                hip_height = height / tallest
        wrists = [rows[i][1] for i in _WRISTS if rows[i][2] >= min_score]
        knees = [rows[i][1] for i in _KNEES if rows[i][2] >= min_score]
        hands_low = hand_height = math.nan
        if wrists:
            wrist_y = sum(wrists) / len(wrists)
            if knees:
                hands_low = float(wrist_y > sum(knees) / len(knees))
            standing = self._hip.value
            if ankles and standing > 0:
                hand_height = (ankle_y - wrist_y) / standing
        shoulders = (shoulder[0], shoulder[1]) if shoulder[2] >= min_score else _NOWHERE
        hands = _NOWHERE
        if rows[_WRISTS[0]][2] >= min_score and rows[_WRISTS[1]][2] >= min_score:
            hands = ((rows[_WRISTS[0]][0] + rows[_WRISTS[1]][0]) / 2.0, (rows[_WRISTS[0]][1] + rows[_WRISTS[1]][1]) / 2.0)
        return PostureFrame(lean, hands_low, hip_height, hand_height, hip_raise, shoulder_raise, feet, hips, self._torso.value, shoulders, hands, tilt)
