"""The one-dimensional signal an exercise is counted on, measured from one pose.

Built on `movenet.analysis.geometry` (angles in degrees, NaN below the keypoint score threshold,
never a value from a keypoint the model did not see). A signal combines the person's two sides:
- `mean`: the mean of the sides that are seen (one side when the other is hidden, as in a side
  view); for exercises done with both limbs together. Walking bends one knee at a time, so the
  mean of both knees stays high and a walk is not a squat.
- `min` / `max`: the more (less) bent side, for exercises done one side at a time.
- `left` / `right`: one side only (the person's own side, as MoveNet names it).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from movenet.analysis import geometry
from movenet.analysis.geometry import SIDES, Measurement
from movenet.skeleton import KEYPOINT_NAMES

COMBINE = ("mean", "min", "max", "left", "right")


# The poses' rows (`geometry.as_rows`): converted once per frame, then measured many times.
pose_rows = geometry.as_rows
pose_array = geometry.as_array


def _side_inclination(rows: list, segment: str, side: str, reference: str, min_score: float) -> Measurement:
    if reference == "vertical":
        return geometry.inclination_to_vertical(rows, segment, side, min_score)
    return geometry.inclination_to_horizontal(rows, segment, side, min_score)


def _combine(left: Measurement, right: Measurement, combine: str) -> Measurement:
    if combine == "left":
        return left
    if combine == "right":
        return right
    seen = [m for m in (left, right) if m.valid]
    if not seen:
        return Measurement(math.nan, max(left.confidence, right.confidence))
    confidence = min(m.confidence for m in seen)
    if combine == "mean":
        return Measurement(sum(m.value for m in seen) / len(seen), confidence)
    pick = min if combine == "min" else max
    return Measurement(pick(m.value for m in seen), confidence)


@dataclass(frozen=True)
class JointAngle:
    """The angle at a joint (geometry.JOINTS: elbow, shoulder, hip, knee), sides combined."""

    joint: str
    combine: str = "mean"

    def __post_init__(self) -> None:
        if self.joint not in geometry.JOINTS:
            raise ValueError(f"unknown joint {self.joint!r}; known: {', '.join(geometry.JOINTS)}")
        if self.combine not in COMBINE:
            raise ValueError(f"combine must be one of {', '.join(COMBINE)}, got {self.combine!r}")

    @property
    def label(self) -> str:
        return f"{self.joint} angle" + ("" if self.combine in ("left", "right") else f" ({self.combine} of both sides)")

    def measure(self, kps, min_score: float) -> Measurement:
        rows = pose_rows(kps)
        if self.combine in ("left", "right"):
            return geometry.joint_angle(rows, self.joint, self.combine, min_score)
        return _combine(geometry.joint_angle(rows, self.joint, "left", min_score), geometry.joint_angle(rows, self.joint, "right", min_score), self.combine)


@dataclass(frozen=True)
class Inclination:
    """A segment's inclination to the horizontal (0 level, 90 upright) or vertical, degrees."""

    segment: str
    reference: str = "horizontal"
    combine: str = "mean"

    def __post_init__(self) -> None:
        if self.segment not in geometry.SEGMENTS:
            raise ValueError(f"unknown segment {self.segment!r}; known: {', '.join(geometry.SEGMENTS)}")
        if self.reference not in ("horizontal", "vertical"):
            raise ValueError(f"reference must be 'horizontal' or 'vertical', got {self.reference!r}")

    @property
    def label(self) -> str:
        return f"{self.segment} inclination to the {self.reference}"

    def measure(self, kps, min_score: float) -> Measurement:
        rows = pose_rows(kps)
        if self.segment in ("trunk", "shoulders", "hips") or self.combine in ("left", "right"):  # one segment
            side = self.combine if self.combine in ("left", "right") else "left"
            return _side_inclination(rows, self.segment, side, self.reference, min_score)
        return _combine(*(_side_inclination(rows, self.segment, side, self.reference, min_score) for side in SIDES), self.combine)


@dataclass(frozen=True)
class LargerOf:
    """The larger of several signals (those that are seen): e.g. hip and knee angles for sitting,
    where both are small, unlike a bend at the hips with straight knees."""

    signals: tuple[JointAngle | Inclination, ...]

    @property
    def label(self) -> str:
        return "larger of " + " and ".join(s.label for s in self.signals)

    def measure(self, kps, min_score: float) -> Measurement:
        rows = pose_rows(kps)
        seen = [m for m in (s.measure(rows, min_score) for s in self.signals) if m.valid]
        if not seen:
            return Measurement(math.nan, 0.0)
        best = max(seen, key=lambda m: m.value)
        return best


Signal = JointAngle | Inclination | LargerOf


# How far back the body's own length unit looks (the person standing or sitting upright). Long
# enough to cover a set's repetitions, short enough to follow someone walking towards the camera.
TORSO_WINDOW_MS = 10_000.0


class _RecentMax:
    """The largest value of the last `window_ms`, after a 3-sample median (so that a one-frame
    glitch cannot set it): a sliding-window maximum."""

    def __init__(self, window_ms: float) -> None:
        self.window_ms = window_ms
        self._recent: deque[float] = deque(maxlen=3)
        self._queue: deque[tuple[float, float]] = deque()  # (t, value), values decreasing

    def update(self, value: float, t: float) -> float:
        self._recent.append(value)
        value = sorted(self._recent)[(len(self._recent) - 1) // 2]
        while self._queue and self._queue[-1][1] <= value:
            self._queue.pop()
        self._queue.append((t, value))
        while self._queue[0][0] < t - self.window_ms:
            self._queue.popleft()
        return self._queue[0][1]


class Posture:
    """Trunk lean, hand height and hip height that hold in any camera view, frame by frame.

    In a frontal view a trunk leaning towards the camera still looks vertical in the image, but
    it looks shorter. So the lean is estimated as `acos(vertical hip-to-shoulder rise / upright
    torso length)`, with the upright torso length taken as the longest mid-hip to mid-shoulder
    distance of the last `TORSO_WINDOW_MS` (`_RecentMax`). 0 deg upright, 90 lying, more than 90
    head down. This assumes a roughly level camera and a person not moving towards it during a
    repetition.
    `hands_low`: 1 when the mean wrist is below the mean knee (hands on the floor or the shins).
    `hip_height`: the height of the mid-hip above the mean ankle, as a share of its largest value
    of the last `TORSO_WINDOW_MS` (1 standing tall, ~0.6 at the bottom of a squat): a squat lowers
    the hips, a knee that only looks bent (occluded legs, a walking step seen from above) does not.
    `feet`: the midpoint of the ankles, to tell exercises done in place from walking.
    """

    def __init__(self, window_ms: float = TORSO_WINDOW_MS) -> None:
        self.window_ms = window_ms
        self.reset()

    def reset(self) -> None:
        self._torso = _RecentMax(self.window_ms)
        self._hip = _RecentMax(self.window_ms)

    def update(self, kps, t: float, min_score: float) -> PostureFrame:
        """This frame's measures (NaN where not measurable)."""
        rows = pose_rows(kps)
        shoulder, hip = geometry.point(rows, "mid_shoulder"), geometry.point(rows, "mid_hip")
        lean = hip_height = upright = math.nan
        if min(shoulder[2], hip[2]) >= min_score:
            upright = self._torso.update(math.hypot(shoulder[0] - hip[0], shoulder[1] - hip[1]), t)
            if upright > 0:
                rise = (hip[1] - shoulder[1]) / upright
                lean = math.degrees(math.acos(min(max(rise, -1.0), 1.0)))
        ankles = [rows[i] for i in _ANKLES if rows[i][2] >= min_score]
        feet = (math.nan, math.nan)
        if len(ankles) == 2:  # both: the midpoint of one foot alone moves with each step
            feet = ((ankles[0][0] + ankles[1][0]) / 2.0, (ankles[0][1] + ankles[1][1]) / 2.0)
        if hip[2] >= min_score and ankles:
            height = sum(a[1] for a in ankles) / len(ankles) - hip[1]
            tallest = self._hip.update(height, t)
            if tallest > 0:
                hip_height = height / tallest
        wrists = [rows[i][1] for i in _WRISTS if rows[i][2] >= min_score]
        knees = [rows[i][1] for i in _KNEES if rows[i][2] >= min_score]
        hands_low = math.nan
        if wrists and knees:
            hands_low = float(sum(wrists) / len(wrists) > sum(knees) / len(knees))
        return PostureFrame(lean, hands_low, hip_height, feet, upright)


@dataclass(frozen=True)
class PostureFrame:
    lean: float  # degrees from upright
    hands_low: float  # 1.0 hands below the knees, 0.0 above, NaN unseen
    hip_height: float  # share of the standing height of the hips above the ankles
    feet: tuple[float, float]  # midpoint of the two ankles (pixels), NaN unless both are seen
    torso: float  # the upright torso length (pixels), the unit of distances


_WRISTS = (KEYPOINT_NAMES.index("left_wrist"), KEYPOINT_NAMES.index("right_wrist"))
_KNEES = (KEYPOINT_NAMES.index("left_knee"), KEYPOINT_NAMES.index("right_knee"))
_ANKLES = (KEYPOINT_NAMES.index("left_ankle"), KEYPOINT_NAMES.index("right_ankle"))
