"""MultiPose on images: the official resize-and-pad, poses back in image pixels.

Boxes are returned in image pixels like the keypoints (the official library leaves them
normalised to the padded model input), `max_poses` is honoured and a `min_pose_score` of 0 means 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movenet.pipelines.single_pose import DEFAULT_MIN_POSE_SCORE
from movenet.preprocess.crop import resize_and_pad
from movenet.skeleton import NUM_KEYPOINTS
from movenet.types import Box, Pose

DEFAULT_MAX_DIMENSION = 256  # constants.ts MOVENET_MULTIPOSE_DEFAULT_MAX_DIMENSION
MAX_POSES = 6


@dataclass(frozen=True)
class MultiPoseOptions:
    max_dimension: int = DEFAULT_MAX_DIMENSION
    max_poses: int = MAX_POSES
    min_pose_score: float = DEFAULT_MIN_POSE_SCORE
    compat: bool = False  # keep the model's order (by centre peak) instead of best score first


class MultiPoseDetector:
    def __init__(self, runtime, options: MultiPoseOptions = MultiPoseOptions()) -> None:
        self.runtime = runtime
        self.options = options

    def reset(self) -> None:
        """Nothing spans calls on still images (tracking comes with video)."""

    def __call__(self, image: np.ndarray) -> list[Pose]:
        height, width = image.shape[:2]
        model_input, geometry = resize_and_pad(image, self.options.max_dimension)
        raw = self.runtime(model_input)[0].astype(np.float64)  # (6, 56)
        scale_y = geometry.padded[0] / geometry.resized[0]
        scale_x = geometry.padded[1] / geometry.resized[1]
        poses = []
        for row in raw:
            score = float(row[-1])
            if score < self.options.min_pose_score:
                continue
            kpts = row[: 3 * NUM_KEYPOINTS].reshape(NUM_KEYPOINTS, 3)
            xy_score = np.stack(
                [kpts[:, 1] * scale_x * width, kpts[:, 0] * scale_y * height, kpts[:, 2]], axis=1
            )
            y0, x0, y1, x1 = row[51:55]
            box = Box(
                min(x0 * scale_x, 1.0) * width,
                min(y0 * scale_y, 1.0) * height,
                min(x1 * scale_x, 1.0) * width,
                min(y1 * scale_y, 1.0) * height,
            )
            poses.append(Pose.from_array(xy_score, score, box))
        if not self.options.compat:
            poses.sort(key=lambda p: -p.score)
        return poses[: self.options.max_poses]
