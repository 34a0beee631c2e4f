"""Where a training sample's pixels and keypoints go: one affine map per sample, as at inference.

Two maps describe what the detector does at inference (`pipelines/`), as 3x3 matrices on (x, y, 1):
- `pixels`: model-input pixel index -> source pixel index (what the crop / resize samples);
- `grid`: source point (continuous pixel coordinates, COCO's) -> output-grid point (what the
  decoding's keypoints map back from).
SinglePose: the person crop (the evaluation's crop rule) padded to a centred square and sampled
like `crop_and_resize` (index i -> y1 (H - 1) + i (y2 - y1) (H - 1) / (S - 1)); the decoded grid
point g maps back to (y1 + g / h_out (y2 - y1)) H. MultiPose: legacy resize (index i -> i H / h_r),
g maps back to 4 g H / h_r. An augmentation A (flip, scale, rotation, translation, in continuous
source coordinates) moves both: keypoints by `grid @ A`, pixels by `A^-1` between the two, so the
keypoints move with the pixels exactly, in a single resampling (OpenCV `warpAffine`).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from movenet.preprocess.crop import multipose_geometry, padded_square_region
from movenet.registry import OUTPUT_STRIDE

HALF_PIXEL = 0.5  # pixel index i covers continuous [i, i + 1): its centre is i + 0.5


def translation(dx: float, dy: float) -> np.ndarray:
    return np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]], np.float64)


def scaling(sx: float, sy: float) -> np.ndarray:
    return np.diag([sx, sy, 1.0])


def rotation(degrees: float) -> np.ndarray:
    """Counter-clockwise on the screen (y down) by `degrees`."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, s, 0], [-s, c, 0], [0, 0, 1]], np.float64)


def single_pose_maps(height: int, width: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(pixels, grid) for an image (the person crop) shown padded to a square of `size` pixels."""
    r = padded_square_region(height, width)
    step_x = (r.x_max - r.x_min) * (width - 1) / (size - 1)
    step_y = (r.y_max - r.y_min) * (height - 1) / (size - 1)
    pixels = np.array([[step_x, 0, r.x_min * (width - 1)], [0, step_y, r.y_min * (height - 1)], [0, 0, 1]])
    out = size / OUTPUT_STRIDE
    grid = scaling(out / (width * (r.x_max - r.x_min)), out / (height * (r.y_max - r.y_min))) @ translation(
        -r.x_min * width, -r.y_min * height)
    return pixels, grid


def multi_pose_maps(height: int, width: int, max_dimension: int) -> tuple[np.ndarray, np.ndarray]:
    """(pixels, grid) for a whole image resized so that its longer side is `max_dimension`."""
    resized = multipose_geometry(height, width, max_dimension).resized
    pixels = scaling(width / resized[1], height / resized[0])
    grid = scaling(resized[1] / (width * OUTPUT_STRIDE), resized[0] / (height * OUTPUT_STRIDE))
    return pixels, grid


def augmentation_matrix(center: tuple[float, float], degrees: float = 0.0, scale: float = 1.0,
                        flip: bool = False, shift: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """Flip, scale and rotate about `center` (x, y), then shift, in continuous source pixels."""
    cx, cy = center
    flip_m = scaling(-1.0 if flip else 1.0, 1.0)
    return translation(cx + shift[0], cy + shift[1]) @ rotation(degrees) @ scaling(scale, scale) @ flip_m @ \
        translation(-cx, -cy)


def warp(image: np.ndarray, pixels: np.ndarray, augmentation: np.ndarray, out_hw: tuple[int, int]) -> np.ndarray:
    """The model input: input index -> augmented index -> source index, bilinear, zeros outside."""
    to_source = translation(-HALF_PIXEL, -HALF_PIXEL) @ np.linalg.inv(augmentation) @ \
        translation(HALF_PIXEL, HALF_PIXEL) @ pixels
    return cv2.warpAffine(image, to_source[:2], (out_hw[1], out_hw[0]),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def apply(matrix: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """(N, 2) points (x, y) through a 3x3 affine matrix."""
    xy = np.asarray(xy, np.float64)
    return xy @ matrix[:2, :2].T + matrix[:2, 2]
