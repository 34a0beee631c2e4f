"""The official smart crop: where to look in the next frame, from this frame's keypoints.

Pure functions after pose-detection `movenet/crop_utils.ts` (BRIEF section 2 point 4). Keypoints
are (y, x, score) normalised to the image; arithmetic in float64 like JavaScript numbers.
"""

from __future__ import annotations

import numpy as np

from movenet.preprocess.crop import CropRegion, padded_square_region
from movenet.skeleton import KeypointName

MIN_CROP_KEYPOINT_SCORE = 0.2  # constants.ts MIN_CROP_KEYPOINT_SCORE
TORSO_EXPANSION_RATIO = 1.9  # crop_utils.ts determineNextCropRegion
BODY_EXPANSION_RATIO = 1.2

_HIPS = (KeypointName.LEFT_HIP.index, KeypointName.RIGHT_HIP.index)
_SHOULDERS = (KeypointName.LEFT_SHOULDER.index, KeypointName.RIGHT_SHOULDER.index)
_TORSO = (*_SHOULDERS, *_HIPS)


def torso_visible(scores: np.ndarray) -> bool:
    """A hip and a shoulder score above 0.2."""
    return bool(
        max(scores[i] for i in _HIPS) > MIN_CROP_KEYPOINT_SCORE
        and max(scores[i] for i in _SHOULDERS) > MIN_CROP_KEYPOINT_SCORE
    )


def next_crop_region(keypoints: np.ndarray, height: int, width: int) -> CropRegion:
    """Square crop around the body (may leave the image), or the padded whole image.

    `keypoints`: (17, 3) of (y, x, score), y and x normalised to the image.
    """
    kp = np.asarray(keypoints, dtype=np.float64)
    scores = kp[:, 2]
    if not torso_visible(scores):
        return padded_square_region(height, width)
    target_y, target_x = kp[:, 0] * height, kp[:, 1] * width
    center_y = (target_y[_HIPS[0]] + target_y[_HIPS[1]]) / 2
    center_x = (target_x[_HIPS[0]] + target_x[_HIPS[1]]) / 2
    dist_y, dist_x = np.abs(center_y - target_y), np.abs(center_x - target_x)
    torso = [i for i in _TORSO]
    body = scores >= MIN_CROP_KEYPOINT_SCORE
    torso_y, torso_x = dist_y[torso].max(), dist_x[torso].max()
    body_y = dist_y[body].max() if body.any() else 0.0
    body_x = dist_x[body].max() if body.any() else 0.0
    half = max(
        torso_x * TORSO_EXPANSION_RATIO,
        torso_y * TORSO_EXPANSION_RATIO,
        body_y * BODY_EXPANSION_RATIO,
        body_x * BODY_EXPANSION_RATIO,
    )
    half = min(half, max(center_x, width - center_x, center_y, height - center_y))
    if half > max(width, height) / 2:
        return padded_square_region(height, width)
    corner_y, corner_x = center_y - half, center_x - half
    length = half * 2
    return CropRegion(
        corner_y / height, corner_x / width, (corner_y + length) / height, (corner_x + length) / width
    )
