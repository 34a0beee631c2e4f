"""Named decoding constants, read from the official graphs by node name (BRIEF section 1).

The weight files carry the values the graph stores (float16, widened to float32 here), so the
decoders reproduce Google's arithmetic exactly. The defaults below are those same values, used
for a network without official weights (tests, training from scratch); a test checks that the
graphs hold exactly these values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# --- SinglePose (graph nodes `StatefulPartitionedCall/...`) -----------------------------------
# `add_5/y`: added to the distance between a keypoint-heatmap pixel and the regressed keypoint
# before the heatmap is divided by it.
DISTANCE_EPSILON = float(np.float16(1.8))
# `ConstantFolding/.../truediv_2_recip` (h, w, 1): centre-heatmap weight, the inverse of the
# distance to the frame centre (h // 2, w // 2) plus the same epsilon, stored as float16.
# `Reshape_13`: keypoint (y, x) in output pixels -> normalised to the input, float16(1 / h).

# --- MultiPose --------------------------------------------------------------------------------
PEAK_POOL_SIZE = 5  # `MaxPool` ksize: a centre is a peak if it equals its 5x5 neighbourhood max
PEAK_TOLERANCE = float(np.float16(1e-6))  # `Less/y`: |centre - maxpool| < this is a peak
SIGMA_SCALE = float(np.float16(0.3))  # `mul_6/y`: keypoint weight exp(-d^2 / (0.3 min(h, w)))
KEYPOINT_SCORE_THRESHOLD = float(np.float16(0.127))  # `Greater_1/y`: keypoints in the pose score
MAX_POSES = 6  # `TopKV2/k`
OUTPUT_STRIDE = 4.0  # `truediv_8/x`, `mul_5/y`: output pixels -> input pixels


def center_weight_table(height: int, width: int) -> np.ndarray:
    """float16(1 / (distance to (h // 2, w // 2) + epsilon)) as float32 (h, w)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    dist = np.sqrt((y - height // 2) ** 2 + (x - width // 2) ** 2)
    return (1.0 / (dist + 1.8)).astype(np.float16).astype(np.float32)


@dataclass(frozen=True, eq=False)
class SinglePoseDecoding:
    center_weight: np.ndarray  # (h, w) float32
    distance_epsilon: float
    output_scale: tuple[float, float]  # (y, x) multipliers, output pixels -> [0, 1]

    @classmethod
    def default(cls, output_size: tuple[int, int]) -> SinglePoseDecoding:
        h, w = output_size
        scale = (float(np.float16(1.0 / h)), float(np.float16(1.0 / w)))
        return cls(center_weight_table(h, w), DISTANCE_EPSILON, scale)


@dataclass(frozen=True)
class MultiPoseDecoding:
    peak_pool_size: int = PEAK_POOL_SIZE
    peak_tolerance: float = PEAK_TOLERANCE
    max_poses: int = MAX_POSES
    sigma_scale: float = SIGMA_SCALE
    keypoint_score_threshold: float = KEYPOINT_SCORE_THRESHOLD
    output_stride: float = OUTPUT_STRIDE
