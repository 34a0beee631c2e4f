"""Validation of what the network is fed: a batch of RGB images as the official graph takes them."""

from __future__ import annotations

import numpy as np

from movenet.errors import InvalidInputError
from movenet.registry import AnySpec

PIXEL_MIN, PIXEL_MAX = 0, 255


def as_model_input(array: object, spec: AnySpec) -> np.ndarray:
    """(H, W, 3) or (B, H, W, 3) RGB 0..255 -> (B, H, W, 3) int32 (integer input) or float32.

    SinglePose models need exactly their input size; MultiPose any H, W that are positive
    multiples of 32; PoseNet any H, W of the form 16k + 1 (`spec.accepts_size`). Anything else
    raises InvalidInputError saying what was given and accepted.
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
    if not spec.accepts_size(height, width):
        raise InvalidInputError(f"{spec.name} takes {spec.size_rule}, got {height}x{width}")
    if np.issubdtype(array.dtype, np.floating) and not np.isfinite(array).all():
        raise InvalidInputError("model input contains NaN or infinite values")
    low, high = array.min(), array.max()
    if low < PIXEL_MIN or high > PIXEL_MAX:
        raise InvalidInputError(
            f"model input values must lie in {PIXEL_MIN}..{PIXEL_MAX}, got {low}..{high}"
        )
    dtype = np.int32 if np.issubdtype(array.dtype, np.integer) else np.float32
    return np.ascontiguousarray(array, dtype=dtype)
