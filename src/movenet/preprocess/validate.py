"""Validation of what the network is fed: a batch of RGB images as the official graph takes them."""

from __future__ import annotations

import numpy as np

from movenet.errors import InvalidInputError
from movenet.registry import INPUT_MULTIPLE, ModelSpec

PIXEL_MIN, PIXEL_MAX = 0, 255


def as_model_input(array: object, spec: ModelSpec) -> np.ndarray:
    """(H, W, 3) or (B, H, W, 3) RGB 0..255 -> (B, H, W, 3) int32 (integer input) or float32.

    SinglePose models need exactly their input size; MultiPose any H, W that are positive
    multiples of 32. Anything else raises InvalidInputError saying what was given and accepted.
    """
    if hasattr(array, "detach") and hasattr(array, "numpy"):  # a torch tensor
        array = array.detach().cpu().numpy()
    if not isinstance(array, np.ndarray):
        raise InvalidInputError(
            f"model input must be a numpy array (H, W, 3) or (B, H, W, 3), got {type(array).__name__}"
        )
    if array.dtype == np.bool_ or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise InvalidInputError(
            f"model input dtype {array.dtype} is not supported; use uint8, int32 or float32 "
            f"RGB values in {PIXEL_MIN}..{PIXEL_MAX}"
        )
    given_shape = array.shape
    if array.ndim == 3:
        array = array[None]
    if array.ndim != 4 or array.shape[-1] != 3:
        raise InvalidInputError(
            f"model input must have shape (H, W, 3) or (B, H, W, 3) with RGB last, got {given_shape}"
        )
    batch, height, width = array.shape[:3]
    if batch == 0:
        raise InvalidInputError("model input is an empty batch (B = 0)")
    if spec.input_size is not None and (height, width) != spec.input_size:
        raise InvalidInputError(
            f"{spec.name} takes {spec.input_size[0]}x{spec.input_size[1]} inputs, "
            f"got {height}x{width}"
        )
    if spec.input_size is None and (
        height <= 0 or width <= 0 or height % INPUT_MULTIPLE or width % INPUT_MULTIPLE
    ):
        raise InvalidInputError(
            f"{spec.name} takes any height and width that are positive multiples of "
            f"{INPUT_MULTIPLE}, got {height}x{width}"
        )
    if np.issubdtype(array.dtype, np.floating) and not np.isfinite(array).all():
        raise InvalidInputError("model input contains NaN or infinite values")
    low, high = array.min(), array.max()
    if low < PIXEL_MIN or high > PIXEL_MAX:
        raise InvalidInputError(
            f"model input values must lie in {PIXEL_MIN}..{PIXEL_MAX}, got {low}..{high}"
        )
    dtype = np.int32 if np.issubdtype(array.dtype, np.integer) else np.float32
    return np.ascontiguousarray(array, dtype=dtype)
