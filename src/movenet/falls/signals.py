"""Per-frame signals of one pose for fall detection: pure functions, pixels of the frame.

- **trunk direction**: mid-hip -> mid-shoulder from image-up, clockwise positive, wrapped to
  (-180, 180] (`movenet.analysis.geometry` conventions): 0 upright, +-90 lying, 180 upside down.
  With one side of the body unseen, that side's own hip -> shoulder is used.
- **trunk inclination**: |direction|, 0 upright .. 90 lying .. 180 head down; wrapped, so a
  person lying still whose trunk jitters across the horizontal stays near 90 (Ambianic's unwrapped
  angle reads that as a 358 degree turn).
- **hip centre** (x, y) and **torso length** (mid-hip to mid-shoulder, pixels): the body's own
  unit, so speeds and drops are in torso lengths and do not depend on the distance to the camera.
- **box** of the confident keypoints: width / height aspect (lying across the view: > 1); its top
  and bottom (the body's height in the image, whatever the direction it lies in: a person lying
  along the line of sight still looks short), and the lowest ankle seen (where the feet stand: the
  floor line while upright).
Below `min_score` a keypoint is not seen; a frame without a measurable trunk has no signals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from movenet.analysis.geometry import DEFAULT_MIN_SCORE, as_array, direction
from movenet.skeleton import KEYPOINT_NAMES
from movenet.types import Pose

_I = {name: i for i, name in enumerate(KEYPOINT_NAMES)}
_TORSO = np.array([_I["left_shoulder"], _I["right_shoulder"], _I["left_hip"], _I["right_hip"]])
_ANKLES = np.array([_I["left_ankle"], _I["right_ankle"]])
_HEAD = np.array([_I[n] for n in ("nose", "left_eye", "right_eye", "left_ear", "right_ear")])


@dataclass(frozen=True)
class FrameSignals:
    """What one frame says about one person (pixels; degrees)."""

    trunk_deg: float  # direction of hip -> shoulder from up, (-180, 180]
    hip_x: float
    hip_y: float
    shoulder_x: float
    shoulder_y: float
    torso_px: float  # hip-centre to shoulder-centre distance
    box_width: float  # box of the keypoints seen
    box_height: float
    confidence: float  # lowest score of the torso keypoints used
    box_top: float = math.nan  # y of the highest keypoint seen
    box_bottom: float = math.nan  # y of the lowest keypoint seen
    foot_y: float = math.nan  # y of the lowest ankle seen (NaN: no ankle seen)
    head_seen: bool = True  # nose, an eye or an ear seen
    box_left: float = math.nan  # x of the leftmost keypoint seen
    box_right: float = math.nan  # x of the rightmost keypoint seen

    @property
    def inclination_deg(self) -> float:
        """Angle of the trunk to the upward vertical, 0..180 (90 lying)."""
        return abs(self.trunk_deg)

    @property
    def aspect(self) -> float:
        """Box width / height (inf for a flat box)."""
        return self.box_width / self.box_height if self.box_height > 0 else math.inf


def _torso_points(kps: np.ndarray, min_score: float) -> tuple[np.ndarray, np.ndarray, float] | None:
    """(hip xy, shoulder xy, confidence): the mid points when both sides are seen, else one side."""
    ls, rs, lh, rh = kps[_TORSO]
    left_ok = ls[2] >= min_score and lh[2] >= min_score
    right_ok = rs[2] >= min_score and rh[2] >= min_score
    if left_ok and right_ok:
        return (lh[:2] + rh[:2]) / 2.0, (ls[:2] + rs[:2]) / 2.0, float(min(ls[2], rs[2], lh[2], rh[2]))
    if not (left_ok or right_ok):
        return None
    shoulder, hip = (ls, lh) if left_ok else (rs, rh)
    return hip[:2].copy(), shoulder[:2].copy(), float(min(shoulder[2], hip[2]))


def frame_signals(pose: Pose | np.ndarray, min_score: float = DEFAULT_MIN_SCORE) -> FrameSignals | None:
    """The signals of one pose, or None when its trunk is not seen (no shoulder-hip pair)."""
    kps = as_array(pose)
    torso = _torso_points(kps, min_score)
    if torso is None:
        return None
    hip, shoulder, confidence = torso
    trunk = direction((hip[0], hip[1]), (shoulder[0], shoulder[1]))
    if math.isnan(trunk):
        return None
    seen = kps[kps[:, 2] >= min_score]
    width = float(seen[:, 0].max() - seen[:, 0].min())
    height = float(seen[:, 1].max() - seen[:, 1].min())
    length = float(math.hypot(shoulder[0] - hip[0], shoulder[1] - hip[1]))
    ankles = kps[_ANKLES]
    ankles = ankles[ankles[:, 2] >= min_score]
    foot_y = float(ankles[:, 1].max()) if len(ankles) else math.nan
    head_seen = bool((kps[_HEAD, 2] >= min_score).any())
    return FrameSignals(
        trunk, float(hip[0]), float(hip[1]), float(shoulder[0]), float(shoulder[1]), length, width, height,
        confidence, float(seen[:, 1].min()), float(seen[:, 1].max()), foot_y, head_seen,
        float(seen[:, 0].min()), float(seen[:, 0].max()),
    )


def trunk_seen(pose: Pose, min_score: float = DEFAULT_MIN_SCORE) -> bool:
    """Whether a pose gives signals: the rotation retry's rule for "the upright pass is sure"."""
    return frame_signals(pose, min_score) is not None
