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


def whole_image_input(model: str, image: np.ndarray) -> np.ndarray:
    """The int32 model input a still-image detector builds for the whole `image` (default mode)."""
    spec = get_spec(model)
    if spec.multi_pose:
        return resize_and_pad(image, DEFAULT_MAX_DIMENSION)[0]
    return crop_and_resize(image, padded_square_region(*image.shape[:2]), spec.input_size[0])


def calibration_inputs(model: str, images: list[Path]) -> list[np.ndarray]:
    """The model inputs the detector would build for each photo, as batches of one."""
    return [whole_image_input(model, load_image(path))[None] for path in images[:MAX_CALIBRATION_IMAGES]]
