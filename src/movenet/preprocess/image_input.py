"""Anything a user may pass as an image -> (H, W, 3) uint8 RGB, or a clear error.

Accepted: a file path (str or Path; EXIF orientation applied), a PIL image, a numpy array of
uint8 with shape (H, W) grey, (H, W, 1), (H, W, 3) or (H, W, 4) (alpha dropped). Arrays are RGB by
default; `color="bgr"` says they come from OpenCV (BGR / BGRA).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from movenet.errors import InvalidInputError, InvalidOptionError
from movenet.io.image import check_pixel_count, load_image, pil_to_rgb

COLOR_ORDERS = ("rgb", "bgr")


def to_rgb_array(image: object, color: str = "rgb") -> np.ndarray:
    if color not in COLOR_ORDERS:
        raise InvalidOptionError(f"color must be one of {COLOR_ORDERS}, got {color!r}")
    if isinstance(image, (str, Path)):
        return load_image(image)
    try:
        from PIL import Image, ImageOps
    except ImportError:  # pragma: no cover - pillow is a dependency
        Image = None
    if Image is not None and isinstance(image, Image.Image):
        if image.width == 0 or image.height == 0:
            raise InvalidInputError(f"PIL image has zero size {image.width}x{image.height}")
        check_pixel_count(image.width, image.height, "PIL image")
        return pil_to_rgb(ImageOps.exif_transpose(image), "PIL image")
    if not isinstance(image, np.ndarray):
        raise InvalidInputError(
            f"image must be a file path, a PIL image or a numpy array, got {type(image).__name__}"
        )
    return _from_array(np.asarray(image), color)  # subclasses (np.matrix, masked) as plain arrays


def _from_array(array: np.ndarray, color: str) -> np.ndarray:
    if array.dtype != np.uint8:
        hint = " (scale to 0..255 and use .astype(np.uint8))" if np.issubdtype(array.dtype, np.floating) else ""
        raise InvalidInputError(f"image arrays must be uint8, got {array.dtype}{hint}")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 2:
        check_pixel_count(array.shape[1], array.shape[0], f"image array {array.shape}")
        array = np.repeat(array[:, :, None], 3, axis=2)
    if array.ndim != 3 or array.shape[2] not in (3, 4):
        raise InvalidInputError(
            f"image array must have shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), got {array.shape}"
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise InvalidInputError(f"image array has zero size: shape {array.shape}")
    check_pixel_count(array.shape[1], array.shape[0], f"image array {array.shape}")
    channels = array.shape[2]
    if color == "rgb" and channels == 3:
        return np.ascontiguousarray(array)
    import cv2  # channel swaps and alpha removal: OpenCV's SIMD copy, 10x numpy's strided one

    code = {("bgr", 3): cv2.COLOR_BGR2RGB, ("bgr", 4): cv2.COLOR_BGRA2RGB, ("rgb", 4): cv2.COLOR_RGBA2RGB}
    return cv2.cvtColor(np.ascontiguousarray(array), code[(color, channels)])


def mirror(rgb: np.ndarray) -> np.ndarray:
    """The image flipped left-right (selfie view), contiguous."""
    import cv2

    return cv2.flip(np.ascontiguousarray(rgb), 1)
