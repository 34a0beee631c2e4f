"""Ambianic's model input: the image shrunk into the model's square, padded at the right and bottom.

Ambianic's fall detector (FALLS.md section 1, "Input") never crops: it shrinks the whole frame
keeping its aspect ratio with Pillow's `Image.thumbnail` (which never enlarges), pads it with black
at the right and bottom only (top-left aligned) to the model's input square, and runs a SinglePose
model on that. A keypoint keeps its score only if it lies strictly inside the square. This
detector reproduces that input exactly (same Pillow call) and returns the single pose in pixels of
the image given, whatever its score. It is stateless: timestamps are accepted and ignored.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from movenet.errors import InvalidOptionError
from movenet.pipelines.single_pose import keypoints_box, single_pose_score
from movenet.preprocess.image_input import to_rgb_array
from movenet.registry import get_spec
from movenet.runtime import create_runtime
from movenet.types import Pose

DEFAULT_MODEL = "thunder"  # Ambianic's MoveNet tests and default model: SinglePose Thunder, 256x256


def thumbnail_input(rgb: np.ndarray, size: int) -> tuple[np.ndarray, tuple[int, int]]:
    """(size, size, 3) uint8 model input and the (width, height) of the shrunk image inside it."""
    thumb = Image.fromarray(rgb)
    thumb.thumbnail((size, size))  # Pillow's defaults, as Ambianic calls it
    square = np.zeros((size, size, 3), dtype=np.uint8)
    square[: thumb.height, : thumb.width] = np.asarray(thumb)
    return square, thumb.size


def square_keypoints_to_image(raw: np.ndarray, size: int, thumb_size: tuple[int, int], height: int, width: int) -> np.ndarray:
    """The model's (17, 3) (y, x, score) on the square -> (17, 3) (x, y, score) in image pixels;
    keypoints not strictly inside the square get score 0 (Ambianic's rule)."""
    x_square = raw[:, 1].astype(np.float64) * size
    y_square = raw[:, 0].astype(np.float64) * size
    inside = (x_square > 0) & (x_square < size) & (y_square > 0) & (y_square < size)
    scores = np.where(inside, raw[:, 2].astype(np.float64), 0.0)
    thumb_w, thumb_h = thumb_size
    return np.stack([x_square * width / thumb_w, y_square * height / thumb_h, scores], axis=1)


class ThumbnailDetector:
    """SinglePose on Ambianic's top-left padded input; `estimate_poses` returns one pose."""

    def __init__(self, model: str = DEFAULT_MODEL, *, runtime: str | None = None, threads: int | None = None,
                 weights=None, precision: str = "fp32") -> None:
        self.spec = get_spec(model)
        if self.spec.multi_pose:
            raise InvalidOptionError("Ambianic's input is for a SinglePose model (lightning or thunder), not multipose")
        extra = {"precision": precision} if precision != "fp32" else {}
        self.runtime = create_runtime(self.spec.name, runtime, weights=weights, threads=threads, **extra)
        self.size = self.spec.input_size[0]

    def estimate_poses(self, image, timestamp_ms: float | None = None) -> list[Pose]:
        rgb = to_rgb_array(image)
        height, width = rgb.shape[:2]
        square, thumb_size = thumbnail_input(rgb, self.size)
        raw = self.runtime.run(square[None].astype(np.int32))[0, 0]
        xy_score = square_keypoints_to_image(raw, self.size, thumb_size, height, width)
        return [Pose.from_array(xy_score, single_pose_score(xy_score[:, 2]), keypoints_box(xy_score))]

    def reset(self) -> None:
        """Stateless; here for the detector interface."""
