"""What every runtime shares: validate any image or batch, then call its own `run`."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from movenet.errors import WeightsError
from movenet.preprocess.validate import as_model_input


def model_file(weights: str | Path | None, default: Path, missing: str) -> Path:
    """`weights` or the default file; WeightsError("<missing>: path (...)") when it is not there."""
    if weights is not None and not isinstance(weights, (str, os.PathLike)):
        raise WeightsError(f"weights must be a file path (str or Path), got {type(weights).__name__}")
    path = Path(weights) if weights is not None else default
    if not path.is_file():
        raise WeightsError(f"{missing}: {path}")
    return path


class Runtime:
    """Subclasses set `name`, `precisions`, `spec` and implement `run(int32 (B, H, W, 3))`."""

    name: str
    precisions: tuple[str, ...] = ("fp32",)

    def run(self, batch_int32: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, images: np.ndarray) -> np.ndarray:
        """Model output in the official layout for one image (H, W, 3) or a batch, uint8 or int32
        (PoseNet, whose official input is the resized image as float: float32 too)."""
        batch = as_model_input(images, self.spec)
        dtype = np.dtype(self.spec.input_dtype)  # int32 (MoveNet: float input is truncated) or float32
        return self.run(batch if batch.dtype == dtype else batch.astype(dtype))
