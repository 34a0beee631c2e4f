"""Body geometry from keypoints: joint angles, segment directions and inclinations, body centre.

Pure functions on one pose: a `Pose`, its (17, 3) array of (x, y, score) in image pixels, or its
17 rows `[x, y, score]` (`as_rows`: the fastest, convert a pose once when taking many measures).
Used by every analysis above the detector (exercise counting, balance tests, fall detection, the
web app); none of them ever runs a model. The arithmetic is done on Python floats: a dozen angles
per frame cost several times more on numpy scalars (docs/results/exercise.md, Speed).

Conventions (image coordinates: x to the right, y down; degrees):
- A **joint angle** is the interior angle at the middle keypoint between the two segments, in
  [0, 180]: 180 is a straight limb. elbow = shoulder-elbow-wrist, knee = hip-knee-ankle,
  hip = shoulder-hip-knee (180 standing straight, smaller when the hip flexes),
  shoulder = hip-shoulder-elbow (0 arm along the trunk, 90 arm held out, 180 arm overhead).
  COCO-17 has no foot keypoint, so there is no ankle angle: the ankle gets the shin's inclination
  (knee -> ankle) instead.
- A **segment direction** (from its first point to its second) is measured from "up" in the image
  (-y), clockwise (towards +x) positive, in (-180, 180]: the trunk from mid-hip to mid-shoulder is
  0 upright, +90 lying with the head to the image's right, -90 head to the left, 180 upside down.
- A segment's **inclination to the vertical** is the unsigned angle between its line and the
  vertical, in [0, 90] (0 vertical, 90 horizontal); to the horizontal it is 90 minus that.
- Left and right are the person's own sides, as MoveNet names them (a person facing the camera has
  their left side on the image's right).

Each measurement carries a confidence, the minimum score of the keypoints it used; below
`min_score` the value is NaN, never a number made from a keypoint the model did not see.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from movenet.errors import InvalidInputError
from movenet.skeleton import KEYPOINT_NAMES
from movenet.types import Pose

# Keypoints scoring below this are "not seen": the display threshold of the official demos (0.3),
# which the docs and `movenet predict --threshold` use too.
DEFAULT_MIN_SCORE = 0.3

_INDEX = {name: i for i, name in enumerate(KEYPOINT_NAMES)}
SIDES = ("left", "right")

# joint -> (first, vertex, last) keypoint names without the side prefix.
JOINTS: dict[str, tuple[str, str, str]] = {
    "elbow": ("shoulder", "elbow", "wrist"),
    "shoulder": ("hip", "shoulder", "elbow"),
    "hip": ("shoulder", "hip", "knee"),
    "knee": ("hip", "knee", "ankle"),
}

# segment -> (from, to). "mid_" points are the mean of the left and right keypoints.
SEGMENTS: dict[str, tuple[str, str]] = {
    "trunk": ("mid_hip", "mid_shoulder"),
    "upper_arm": ("shoulder", "elbow"),
    "forearm": ("elbow", "wrist"),
    "thigh": ("hip", "knee"),
    "shin": ("knee", "ankle"),
    "shoulders": ("right_shoulder", "left_shoulder"),
    "hips": ("right_hip", "left_hip"),
}


@dataclass(frozen=True)
class Measurement:
    """A value in degrees (or pixels) and its confidence; `value` is NaN when not measurable."""

    value: float
    confidence: float

    @property
    def valid(self) -> bool:
        return not math.isnan(self.value)


INVALID = Measurement(math.nan, 0.0)


class Rows(list):
    """The 17 rows `[x, y, score]` of one pose, checked once (`as_rows`): measures taken on them
    skip the check."""


def as_rows(pose) -> Rows:
    """The 17 rows `[x, y, score]` of a `Pose`, a (17, 3) array or a list of such rows. Anything
    else is an `InvalidInputError` (a `ValueError`)."""
    if type(pose) is Rows:
        return pose
    if type(pose) is list and len(pose) == len(KEYPOINT_NAMES) and all(type(r) is list and len(r) == 3 for r in pose):
        return Rows(pose)
    if isinstance(pose, Pose):
        if len(pose.keypoints) != len(KEYPOINT_NAMES):
            raise InvalidInputError(f"a pose needs the {len(KEYPOINT_NAMES)} COCO keypoints, got {len(pose.keypoints)}")
        return Rows([k.x, k.y, k.score] for k in pose.keypoints)
    try:
        array = np.asarray(pose, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"a pose must be a movenet.Pose or a (17, 3) array of x, y, score; got {type(pose).__name__}") from exc
    if array.shape != (len(KEYPOINT_NAMES), 3):
        raise InvalidInputError(f"a pose must be a movenet.Pose or a (17, 3) array of x, y, score; got shape {array.shape}")
    return Rows(array.tolist())


def as_array(pose) -> np.ndarray:
    """(17, 3) float64 array of (x, y, score)."""
    return np.array(as_rows(pose), dtype=np.float64)


def _rows(pose) -> Rows:
    return pose if type(pose) is Rows else as_rows(pose)


def point(kps, name: str) -> tuple[float, float, float]:
    """(x, y, score) of a keypoint name, or of "mid_<part>": the mean of both sides (score: the lower).
    `kps`: rows or a (17, 3) array (a `Pose`: convert it with `as_rows` first)."""
    if name.startswith("mid_"):
        left, right = kps[_INDEX["left_" + name[4:]]], kps[_INDEX["right_" + name[4:]]]
        return (left[0] + right[0]) / 2.0, (left[1] + right[1]) / 2.0, min(left[2], right[2])
    x, y, s = kps[_INDEX[name]]
    return x, y, s


def _sided(part: str, side: str) -> str:
    if part.startswith(("mid_", "left_", "right_")):
        return part
    return f"{side}_{part}"


def angle_between(a, b, c) -> float:
    """Interior angle at b of the path a-b-c (points (x, y, ...)), degrees in [0, 180]; NaN if a or
    c coincides with b."""
    v1x, v1y = a[0] - b[0], a[1] - b[1]
    v2x, v2y = c[0] - b[0], c[1] - b[1]
    if (v1x == 0.0 and v1y == 0.0) or (v2x == 0.0 and v2y == 0.0):
        return math.nan
    # atan2 of cross and dot is exact near 0 and 180, where acos of a rounded cosine is not.
    return math.degrees(math.atan2(abs(v1x * v2y - v1y * v2x), v1x * v2x + v1y * v2y))


def direction(p_from, p_to) -> float:
    """Direction of p_from -> p_to from image-up, clockwise positive, degrees in (-180, 180]."""
    dx, dy = p_to[0] - p_from[0], p_to[1] - p_from[1]
    if dx == 0.0 and dy == 0.0:
        return math.nan
    angle = math.degrees(math.atan2(dx, -dy))
    return 180.0 if angle == -180.0 else angle


def wrap_degrees(angle: float) -> float:
    """An angle or a difference of angles brought into (-180, 180]."""
    wrapped = (angle + 180.0) % 360.0 - 180.0
    return 180.0 if wrapped == -180.0 else wrapped


# (joint, side) -> the three keypoint indices; (segment, side) -> the two point names.
_JOINT_INDEX = {(j, s): tuple(_INDEX[f"{s}_{p}"] for p in parts) for j, parts in JOINTS.items() for s in SIDES}
_SEGMENT_POINTS = {(g, s): tuple(_sided(p, s) for p in parts) for g, parts in SEGMENTS.items() for s in SIDES}


def joint_angle(pose, joint: str, side: str, min_score: float = DEFAULT_MIN_SCORE) -> Measurement:
    """The angle at `joint` ("elbow", "shoulder", "hip", "knee") on the person's `side`."""
    idx = _JOINT_INDEX.get((joint, side))
    if idx is None:
        if joint not in JOINTS:
            raise ValueError(f"unknown joint {joint!r}; known: {', '.join(JOINTS)} (no ankle: COCO-17 has no foot keypoint)")
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    kps = _rows(pose)
    a, b, c = kps[idx[0]], kps[idx[1]], kps[idx[2]]
    confidence = min(a[2], b[2], c[2])
    if not confidence >= min_score:  # (a NaN score is not seen either)
        return Measurement(math.nan, confidence)
    return Measurement(angle_between(a, b, c), confidence)


def segment_direction(pose, segment: str, side: str = "left", min_score: float = DEFAULT_MIN_SCORE) -> Measurement:
    """Signed direction of a segment (see the module's conventions); `side` for limbs."""
    names = _SEGMENT_POINTS.get((segment, side))
    if names is None:
        if segment not in SEGMENTS:
            raise ValueError(f"unknown segment {segment!r}; known: {', '.join(SEGMENTS)}")
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    kps = _rows(pose)
    p, q = point(kps, names[0]), point(kps, names[1])
    confidence = min(p[2], q[2])
    if not confidence >= min_score:
        return Measurement(math.nan, confidence)
    return Measurement(direction(p, q), confidence)


def inclination_to_vertical(pose, segment: str, side: str = "left", min_score: float = DEFAULT_MIN_SCORE) -> Measurement:
    """Unsigned angle between the segment's line and the vertical, [0, 90]."""
    d = segment_direction(pose, segment, side, min_score)
    if not d.valid:
        return d
    a = abs(d.value)
    return Measurement(min(a, 180.0 - a), d.confidence)


def inclination_to_horizontal(pose, segment: str, side: str = "left", min_score: float = DEFAULT_MIN_SCORE) -> Measurement:
    """Unsigned angle between the segment's line and the horizontal, [0, 90]."""
    v = inclination_to_vertical(pose, segment, side, min_score)
    return Measurement(90.0 - v.value, v.confidence) if v.valid else v


def distance(pose, first: str, second: str, min_score: float = DEFAULT_MIN_SCORE) -> Measurement:
    """Pixel distance between two keypoints (or "mid_" points)."""
    kps = _rows(pose)
    p, q = point(kps, first), point(kps, second)
    confidence = min(p[2], q[2])
    if not confidence >= min_score:
        return Measurement(math.nan, confidence)
    return Measurement(math.hypot(q[0] - p[0], q[1] - p[1]), confidence)


def torso_length(pose, min_score: float = DEFAULT_MIN_SCORE) -> Measurement:
    """Mid-hip to mid-shoulder distance in pixels: the body's own length unit (scale-free signals)."""
    return distance(pose, "mid_hip", "mid_shoulder", min_score)


def hip_center(pose, min_score: float = DEFAULT_MIN_SCORE) -> tuple[float, float, float]:
    """(x, y, confidence) of the mid-hip point; x, y NaN below `min_score`."""
    x, y, s = point(_rows(pose), "mid_hip")
    return (x, y, s) if s >= min_score else (math.nan, math.nan, s)
