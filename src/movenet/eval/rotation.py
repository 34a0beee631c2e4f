"""Quarter turns of a test image and of the poses found in it (`movenet eval --rotate`).

The image is turned counter-clockwise by 90, 180 or 270 degrees (`np.rot90`); the poses the
model finds in the turned image are turned back into the original image, which scores them exactly
as the turned ground truth would score the unturned poses (OKS depends on distances only). Points
are continuous pixel coordinates: a turn of 90 maps (x, y) in a W x H image to (y, W - x).
"""

from __future__ import annotations

import numpy as np

from movenet.errors import InvalidOptionError

ROTATIONS = (0, 90, 180, 270)


def check_rotation(degrees: int) -> int:
    if degrees not in ROTATIONS:
        raise InvalidOptionError(f"rotation must be one of {', '.join(map(str, ROTATIONS))} degrees, got {degrees!r}")
    return degrees


def rotate_image(image: np.ndarray, degrees: int) -> np.ndarray:
    """The image turned counter-clockwise by `degrees` (a contiguous copy; 0: the image itself)."""
    turns = check_rotation(degrees) // 90
    return image if turns == 0 else np.ascontiguousarray(np.rot90(image, turns))


def rotate_points(xy: np.ndarray, degrees: int, height: int, width: int) -> np.ndarray:
    """(N, 2) points (x, y) of an H x W image -> the same points in the image turned by `degrees`."""
    xy = np.asarray(xy, dtype=np.float64)
    x, y = xy[:, 0], xy[:, 1]
    turns = check_rotation(degrees) // 90
    if turns == 1:
        return np.stack([y, width - x], axis=1)
    if turns == 2:
        return np.stack([width - x, height - y], axis=1)
    if turns == 3:
        return np.stack([height - y, x], axis=1)
    return xy.copy()


def unrotate_points(xy: np.ndarray, degrees: int, height: int, width: int) -> np.ndarray:
    """Points found in the turned image (of the original H x W image) back in the original."""
    turned_h, turned_w = (width, height) if check_rotation(degrees) in (90, 270) else (height, width)
    return rotate_points(xy, (360 - degrees) % 360, turned_h, turned_w)
