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

import numpy as np

from movenet.analysis import geometry
from movenet.analysis.geometry import Measurement
from movenet.errors import InvalidInputError
from movenet.skeleton import KEYPOINT_NAMES
from movenet.types import Pose

COMBINE = ("mean", "min", "max", "left", "right")


def pose_array(pose: Pose | np.ndarray) -> np.ndarray:
    """(17, 3) float64 (x, y, score) of a `Pose` or an array; bad input is an InvalidInputError."""
    return np.array(pose_rows(pose), dtype=np.float64)


def pose_rows(pose) -> list[list[float]]:
    """17 rows of [x, y, score] of a `Pose`, an array or rows; bad input is an InvalidInputError.

    The measures below work on these plain lists: per frame a dozen angles are taken, and Python
    floats are several times faster than numpy scalars for that."""
    if isinstance(pose, Pose):
        if len(pose.keypoints) != len(KEYPOINT_NAMES):
            raise InvalidInputError(f"a pose needs the {len(KEYPOINT_NAMES)} COCO keypoints, got {len(pose.keypoints)}")
        return [[k.x, k.y, k.score] for k in pose.keypoints]
    if isinstance(pose, list) and len(pose) == len(KEYPOINT_NAMES) and all(isinstance(r, list) and len(r) == 3 for r in pose):
        return pose
    try:
        array = np.asarray(pose, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"a pose must be a movenet.Pose or a (17, 3) array of x, y, score; got {type(pose).__name__}") from exc
    if array.shape != (len(KEYPOINT_NAMES), 3):
        raise InvalidInputError(f"a pose must be a movenet.Pose or a (17, 3) array of x, y, score; got shape {array.shape}")
    return array.tolist()


_INDEX = {name: i for i, name in enumerate(KEYPOINT_NAMES)}


def _point(rows: list, name: str) -> tuple[float, float, float]:
    """As `geometry.point`: a keypoint, or "mid_<part>" (mean of both sides, the lower score)."""
    if name.startswith("mid_"):
        a, b = rows[_INDEX["left_" + name[4:]]], rows[_INDEX["right_" + name[4:]]]
        return (a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0, min(a[2], b[2])
    return tuple(rows[_INDEX[name]])


def _sided(part: str, side: str) -> str:
    return part if part.startswith(("mid_", "left_", "right_")) else f"{side}_{part}"


def joint_angle(rows: list, joint: str, side: str, min_score: float) -> Measurement:
    """`geometry.joint_angle` on rows (the same numbers: tests/exercise/test_signals.py)."""
    a, b, c = (_point(rows, _sided(part, side)) for part in geometry.JOINTS[joint])
    confidence = min(a[2], b[2], c[2])
    if not confidence >= min_score:
        return Measurement(math.nan, confidence)
    return Measurement(geometry.angle_between(a[:2], b[:2], c[:2]), confidence)


def inclination(rows: list, segment: str, side: str, reference: str, min_score: float) -> Measurement:
    """`geometry.inclination_to_vertical` / `_horizontal` on rows."""
    p, q = (_point(rows, _sided(part, side)) for part in geometry.SEGMENTS[segment])
    confidence = min(p[2], q[2])
    if not confidence >= min_score:
        return Measurement(math.nan, confidence)
    d = geometry.direction(p[:2], q[:2])
    vertical = min(abs(d), 180.0 - abs(d))
    return Measurement(vertical if reference == "vertical" else 90.0 - vertical, confidence)


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
        rows = kps if isinstance(kps, list) else pose_rows(kps)
        if self.combine in ("left", "right"):
            return joint_angle(rows, self.joint, self.combine, min_score)
        return _combine(joint_angle(rows, self.joint, "left", min_score), joint_angle(rows, self.joint, "right", min_score), self.combine)


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
        rows = kps if isinstance(kps, list) else pose_rows(kps)
        if self.segment in ("trunk", "shoulders", "hips") or self.combine in ("left", "right"):  # one segment
            side = self.combine if self.combine in ("left", "right") else "left"
            return inclination(rows, self.segment, side, self.reference, min_score)
        return _combine(*(inclination(rows, self.segment, side, self.reference, min_score) for side in ("left", "right")), self.combine)


@dataclass(frozen=True)
class LargerOf:
    """The larger of several signals (those that are seen): e.g. hip and knee angles for sitting,
    where both are small, unlike a bend at the hips with straight knees."""

    signals: tuple[JointAngle | Inclination, ...]

    @property
    def label(self) -> str:
        return "larger of " + " and ".join(s.label for s in self.signals)

    def measure(self, kps, min_score: float) -> Measurement:
        rows = kps if isinstance(kps, list) else pose_rows(kps)
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
        rows = kps if isinstance(kps, list) else pose_rows(kps)
        shoulder, hip = _point(rows, "mid_shoulder"), _point(rows, "mid_hip")
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
