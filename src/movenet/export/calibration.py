"""Calibration inputs for int8 quantisation: the model inputs the detector builds for photos.

Shared by the onnxruntime quantiser (`export/quantize.py`) and the .tflite one (`export/tflite.py`),
so that both calibrate on exactly the same inputs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from movenet.io.image import load_image
from movenet.pipelines.multi_pose import DEFAULT_MAX_DIMENSION
from movenet.preprocess.crop import (
    crop_and_resize,
    padded_square_region,
    resize_and_pad,
)
from movenet.registry import get_spec

# At most this many calibration photos are used (min-max ranges settle long before).
MAX_CALIBRATION_IMAGES = 256


def whole_image_input(model: str, image: np.ndarray, size: tuple[int, int] | None = None) -> np.ndarray:
    """The int32 model input a still-image detector builds for the whole `image` (default mode);
    MultiPose with a fixed `size` (H, W): the image resized and padded to that size instead."""
    spec = get_spec(model)
    if spec.multi_pose:
        if size is None:
            return resize_and_pad(image, DEFAULT_MAX_DIMENSION)[0]
        return fixed_size_input(image, size)
    return crop_and_resize(image, padded_square_region(*image.shape[:2]), spec.input_size[0])


def fixed_size_input(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """MultiPose: the image resized to fit (H, W) (`resize_and_pad` to the longer side) and padded with
    zeros at the bottom / right to exactly (H, W)."""
    model_input = resize_and_pad(image, max(size))[0]
    out = np.zeros((*size, 3), model_input.dtype)
    h, w = min(size[0], model_input.shape[0]), min(size[1], model_input.shape[1])
    out[:h, :w] = model_input[:h, :w]
    return out


def calibration_inputs(model: str, images: list[Path], size: tuple[int, int] | None = None) -> list[np.ndarray]:
    """The model inputs the detector would build for each photo, as batches of one."""
    return [whole_image_input(model, load_image(path), size)[None] for path in images[:MAX_CALIBRATION_IMAGES]]
