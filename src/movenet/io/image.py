"""Read an image file into an RGB uint8 array, with a clear error for anything unreadable.

Pillow decodes; every mode becomes 8-bit RGB: 16-bit grey is scaled to 8 bits (Pillow's own
conversion would clip it to white), 32-bit integer and float images must hold values in 0..255,
palettes, CMYK and alpha are converted by Pillow. Animated images and multi-page TIFFs give their
first frame. Images above `MAX_IMAGE_PIXELS` are refused before decoding (decompression bombs).
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from movenet.errors import InvalidInputError
from movenet.limits import MAX_IMAGE_PIXELS

SIXTEEN_BIT_MODES = frozenset({"I;16", "I;16L", "I;16B", "I;16N"})
WIDE_MODES = frozenset({"I", "F"})  # 32-bit integer and float: accepted when within 0..255


def check_pixel_count(width: int, height: int, what: str) -> None:
    if width * height > MAX_IMAGE_PIXELS:
        raise InvalidInputError(
            f"{what}: {width}x{height} = {width * height:,} pixels, above the limit of "
            f"{MAX_IMAGE_PIXELS:,} (Pillow's decompression-bomb limit); downscale it first"
        )


def pil_to_rgb(img: Image.Image, what: str) -> np.ndarray:
    """(H, W, 3) uint8 RGB from a PIL image of any mode, or InvalidInputError naming `what`."""
    if img.width == 0 or img.height == 0:
        raise InvalidInputError(f"{what}: image has zero size {img.width}x{img.height}")
    check_pixel_count(img.width, img.height, what)
    if img.mode in SIXTEEN_BIT_MODES:
        wide = np.asarray(img).astype(np.uint32)
        grey = ((wide * 255 + 32767) // 65535).astype(np.uint8)  # round(v / 257): 0..65535 -> 0..255
        return np.repeat(grey[:, :, None], 3, axis=2)
    if img.mode in WIDE_MODES:
        wide = np.asarray(img)
        if not np.isfinite(wide).all() or wide.min() < 0 or wide.max() > 255:
            raise InvalidInputError(
                f"{what}: {img.mode}-mode image ({'float' if img.mode == 'F' else '32-bit integer'}) with values "
                f"{wide.min()}..{wide.max()}; accepted: values in 0..255 (convert it to 8 bits first)"
            )
        grey = np.rint(wide).astype(np.uint8)
        return np.repeat(grey[:, :, None], 3, axis=2)
    try:
        return np.asarray(img.convert("RGB"), dtype=np.uint8)
    except ValueError as exc:  # e.g. "conversion from La to L not supported"
        raise InvalidInputError(f"{what}: PIL image mode {img.mode!r} cannot be converted to RGB ({exc})") from exc


def load_image(path: str | Path, exif_orientation: bool = True) -> np.ndarray:
    """(H, W, 3) uint8 RGB. Grey is replicated, alpha dropped; EXIF orientation applied."""
    path = Path(path)
    if path.is_symlink() and not path.exists():
        raise InvalidInputError(f"{path}: broken symbolic link (to {os.readlink(path)})")
    if not path.exists():
        raise InvalidInputError(f"{path}: no such file")
    if not path.is_file():
        raise InvalidInputError(f"{path}: not a file")
    if path.stat().st_size == 0:
        raise InvalidInputError(f"{path}: empty file")
    try:
        with warnings.catch_warnings():
            # Pillow warns from half its bomb limit; MAX_IMAGE_PIXELS is checked below instead.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                check_pixel_count(img.width, img.height, str(path))
                img.load()
                if exif_orientation:
                    img = ImageOps.exif_transpose(img)
                return pil_to_rgb(img, str(path))
    except Image.DecompressionBombError as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(found.group(1)):,} pixels" if found else "too many pixels"
        raise InvalidInputError(
            f"{path}: image of {size}, above the limit of {MAX_IMAGE_PIXELS:,} (Pillow's "
            "decompression-bomb limit); downscale it first"
        ) from exc
    except UnidentifiedImageError as exc:
        raise InvalidInputError(f"{path}: not an image file Pillow can read") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        if isinstance(exc, InvalidInputError):
            raise
        raise InvalidInputError(f"{path}: damaged or truncated image ({exc})") from exc
