"""Read an image file into an RGB uint8 array, with a clear error for anything unreadable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from movenet.errors import InvalidInputError


def load_image(path: str | Path, exif_orientation: bool = True) -> np.ndarray:
    """(H, W, 3) uint8 RGB. Grey is replicated, alpha dropped; EXIF orientation applied."""
    path = Path(path)
    if not path.exists():
        raise InvalidInputError(f"{path}: no such file")
    if not path.is_file():
        raise InvalidInputError(f"{path}: not a file")
    if path.stat().st_size == 0:
        raise InvalidInputError(f"{path}: empty file")
    try:
        with Image.open(path) as img:
            img.load()
            if exif_orientation:
                img = ImageOps.exif_transpose(img)
            rgb = img.convert("RGB")
    except UnidentifiedImageError as exc:
        raise InvalidInputError(f"{path}: not an image file Pillow can read") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise InvalidInputError(f"{path}: damaged or truncated image ({exc})") from exc
    array = np.asarray(rgb, dtype=np.uint8)
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise InvalidInputError(f"{path}: image has zero size {array.shape[1]}x{array.shape[0]}")
    return array
