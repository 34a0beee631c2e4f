"""Poses on one still image: model input, network, keypoints back in image pixels.

SinglePose sees the whole image padded to a square (nobody is cut off at the sides); MultiPose
uses the official resize-and-pad. Pose scores follow the official library (BRIEF section 2).
"""

from __future__ import annotations

import numpy as np

from movenet.preprocess.crop import CropRegion, crop_and_resize, padded_square_region, resize_and_pad
from movenet.skeleton import NUM_KEYPOINTS
from movenet.types import Box, Pose

# pose-detection movenet/constants.ts: keypoints above this count in the single-pose score.
MIN_KEYPOINT_SCORE_FOR_POSE = 0.2
# pose-detection movenet/constants.ts MOVENET_CONFIG.minPoseScore (both models).
DEFAULT_MIN_POSE_SCORE = 0.25


def single_pose_score(scores: np.ndarray) -> float:
    """Mean of the keypoint scores above 0.2; 0 when none is (the official pose score)."""
    kept = scores[scores > MIN_KEYPOINT_SCORE_FOR_POSE]
    return float(kept.mean()) if kept.size else 0.0


def keypoints_box(xy_score: np.ndarray, min_score: float = MIN_KEYPOINT_SCORE_FOR_POSE) -> Box | None:
    """Box around the keypoints scoring above `min_score` (None if none does)."""
    kept = xy_score[xy_score[:, 2] > min_score]
    if not len(kept):
        return None
    return Box(float(kept[:, 0].min()), float(kept[:, 1].min()), float(kept[:, 0].max()), float(kept[:, 1].max()))


def single_pose_in_region(runtime, image: np.ndarray, region: CropRegion) -> Pose:
    """Run a SinglePose runtime on `region` of `image`; keypoints in image pixels."""
    height, width = image.shape[:2]
    size = runtime.spec.input_size[0]
    raw = runtime(crop_and_resize(image, region, size))[0, 0]  # (17, 3) y, x, score
    box_h, box_w = region.y_max - region.y_min, region.x_max - region.x_min
    y = (region.y_min + raw[:, 0].astype(np.float64) * box_h) * height
    x = (region.x_min + raw[:, 1].astype(np.float64) * box_w) * width
    xy_score = np.stack([x, y, raw[:, 2]], axis=1)
    return Pose.from_array(xy_score, single_pose_score(raw[:, 2]), keypoints_box(xy_score))


def single_pose(runtime, image: np.ndarray) -> Pose:
    return single_pose_in_region(runtime, image, padded_square_region(*image.shape[:2]))


def multi_pose(
    runtime, image: np.ndarray, max_dimension: int = 256, min_pose_score: float = DEFAULT_MIN_POSE_SCORE
) -> list[Pose]:
    """Run a MultiPose runtime on `image`; poses with score >= min_pose_score, best first."""
    height, width = image.shape[:2]
    model_input, geometry = resize_and_pad(image, max_dimension)
    raw = runtime(model_input)[0]  # (6, 56)
    scale_y = geometry.padded[0] / geometry.resized[0] * height
    scale_x = geometry.padded[1] / geometry.resized[1] * width
    poses = []
    for row in raw:
        score = float(row[55])
        if score < min_pose_score:
            continue
        kpts = row[: 3 * NUM_KEYPOINTS].reshape(NUM_KEYPOINTS, 3).astype(np.float64)
        xy_score = np.stack([kpts[:, 1] * scale_x, kpts[:, 0] * scale_y, kpts[:, 2]], axis=1)
        ymin, xmin, ymax, xmax = row[51:55].astype(np.float64)
        box = Box(
            float(min(xmin * scale_x, width)),
            float(min(ymin * scale_y, height)),
            float(min(xmax * scale_x, width)),
            float(min(ymax * scale_y, height)),
        )
        poses.append(Pose.from_array(xy_score, score, box))
    return sorted(poses, key=lambda p: -p.score)
