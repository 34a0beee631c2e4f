"""Crop-and-resize and MultiPose resize-and-pad, bit-exact with the official TF.js (wasm) runtime.

`crop_and_resize` is `tf.image.cropAndResize(image[None], [[y1, x1, y2, x2]], [0], [S, S],
'bilinear', extrapolationValue=0)` followed by the cast to int32 (truncation), every intermediate
rounded to float32 as the wasm kernels compute (shared/oracle/README.md, "What you must match").
`resize_and_pad` is the MultiPose path: legacy bilinear resize (no half-pixel centres) so the
longer side is `max_dimension`, then zero padding at the bottom/right to multiples of 32.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movenet.registry import INPUT_MULTIPLE

f32 = np.float32


@dataclass(frozen=True)
class CropRegion:
    """A box normalised to the image: may extend outside [0, 1] (zero padding)."""

    y_min: float
    x_min: float
    y_max: float
    x_max: float


def padded_square_region(height: int, width: int) -> CropRegion:
    """The whole image padded to a centred square (official `initCropRegion(firstFrame=false)`)."""
    if width > height:
        box_h, box_w = width / height, 1.0
        y_min, x_min = (height / 2 - width / 2) / height, 0.0
    else:
        box_h, box_w = 1.0, height / width
        y_min, x_min = 0.0, (width / 2 - height / 2) / width
    return CropRegion(y_min, x_min, y_min + box_h, x_min + box_w)


def center_square_region(height: int, width: int) -> CropRegion:
    """The centred square of side min(H, W) (official `initCropRegion(firstFrame=true)`)."""
    if width > height:
        box_h, box_w = 1.0, height / width
        y_min, x_min = 0.0, (width / 2 - height / 2) / width
    else:
        box_h, box_w = width / height, 1.0
        y_min, x_min = (height / 2 - width / 2) / height, 0.0
    return CropRegion(y_min, x_min, y_min + box_h, x_min + box_w)


# cv2.remap's fixed-point map holds int16 coordinates: larger images gather with numpy instead.
_REMAP_MAX_SIDE = 32767


def _gather(image: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """image[rows][:, cols] as float32 (len(rows), len(cols) * channels).

    OpenCV's nearest-neighbour remap on integer coordinates copies exactly those pixels, 2x
    faster than numpy's fancy indexing (docs/results/speed.md)."""
    height, width, channels = image.shape
    if max(height, width) <= _REMAP_MAX_SIDE:
        import cv2

        coords = np.empty((len(rows), len(cols), 2), np.int16)
        coords[:, :, 0] = cols[None, :]
        coords[:, :, 1] = rows[:, None]
        picked = cv2.remap(image, coords, None, cv2.INTER_NEAREST)
    else:
        picked = image.reshape(-1, channels).take((rows * width)[:, None] + cols[None, :], axis=0)
    return picked.astype(f32).reshape(len(rows), len(cols) * channels)


def _bilinear(image: np.ndarray, ys: np.ndarray, xs: np.ndarray, top, bottom, left, right):
    """Blend the four neighbours in float32 in TF's order (top row, bottom row, then rows).

    Same float32 operations as `top + (bottom - top) * y_lerp` etc., done in place on (rows,
    cols * channels) arrays so that every broadcast runs along contiguous memory (20 % faster,
    bit-identical: a test compares against the oracle's recorded model inputs)."""
    channels = image.shape[2]
    y_lerp = (ys - top.astype(f32)).astype(f32)[:, None]
    x_lerp = np.repeat((xs - left.astype(f32)).astype(f32), channels)[None, :]
    top_row, bottom_row = _gather(image, top, right), _gather(image, bottom, right)
    top_left, bottom_left = _gather(image, top, left), _gather(image, bottom, left)
    top_row -= top_left
    top_row *= x_lerp
    top_row += top_left  # top_left + (top_right - top_left) * x_lerp
    bottom_row -= bottom_left
    bottom_row *= x_lerp
    bottom_row += bottom_left
    bottom_row -= top_row
    bottom_row *= y_lerp
    bottom_row += top_row  # top_row + (bottom_row - top_row) * y_lerp
    return bottom_row.reshape(len(ys), len(xs), channels)


# Output rows per worker below which splitting the crop costs more than it saves.
MIN_ROWS_PER_WORKER = 32
MAX_CROP_WORKERS = 8
_POOL = None


def _pool():
    global _POOL
    if _POOL is None:
        from concurrent.futures import ThreadPoolExecutor

        _POOL = ThreadPoolExecutor(max_workers=MAX_CROP_WORKERS - 1, thread_name_prefix="movenet-crop")
    return _POOL


def crop_and_resize(image: np.ndarray, region: CropRegion, size: int, workers: int = 1) -> np.ndarray:
    """(H, W, 3) uint8 -> (size, size, 3) int32, outside the image = 0.

    `workers` > 1 splits the output rows between threads (OpenCV and numpy release the GIL): the
    same float32 operations on each row, so the result is identical."""
    height, width = image.shape[:2]
    y1, x1, y2, x2 = (f32(v) for v in (region.y_min, region.x_min, region.y_max, region.x_max))
    steps = np.arange(size, dtype=f32)
    last = f32(size - 1)
    y_step = f32(f32(f32(y2 - y1) * f32(height - 1)) / last)
    x_step = f32(f32(f32(x2 - x1) * f32(width - 1)) / last)
    ys = f32(y1 * f32(height - 1)) + steps * y_step
    xs = f32(x1 * f32(width - 1)) + steps * x_step
    valid_y = (ys >= 0) & (ys <= height - 1)
    valid_x = (xs >= 0) & (xs <= width - 1)
    top = np.clip(np.floor(ys), 0, height - 1).astype(np.intp)
    bottom = np.clip(np.ceil(ys), 0, height - 1).astype(np.intp)
    left = np.clip(np.floor(xs), 0, width - 1).astype(np.intp)
    right = np.clip(np.ceil(xs), 0, width - 1).astype(np.intp)
    out = np.zeros((size, size, image.shape[2]), dtype=np.int32)
    rows, cols = np.flatnonzero(valid_y), np.flatnonzero(valid_x)  # contiguous: ys, xs increase
    if not (rows.size and cols.size):
        return out
    c = slice(cols[0], cols[-1] + 1)

    def fill(r: slice) -> None:
        # the assignment casts float32 -> int32 by truncation toward zero, as tf.cast
        out[r, c] = _bilinear(image, ys[r], xs[c], top[r], bottom[r], left[c], right[c])

    parts = max(1, min(int(workers), MAX_CROP_WORKERS, rows.size // MIN_ROWS_PER_WORKER))
    bounds = np.linspace(rows[0], rows[-1] + 1, parts + 1).round().astype(int)
    slices = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]
    futures = [_pool().submit(fill, r) for r in slices[1:]]
    fill(slices[0])
    for future in futures:
        future.result()
    return out


def resize_bilinear_legacy(image: np.ndarray, out_h: int, out_w: int) -> np.ndarray:
    """`tf.image.resizeBilinear(alignCorners=false, halfPixelCenters=false)`, float32 result."""
    height, width = image.shape[:2]
    ys = np.arange(out_h, dtype=f32) * f32(f32(height) / f32(out_h))
    xs = np.arange(out_w, dtype=f32) * f32(f32(width) / f32(out_w))
    top = np.floor(ys).astype(np.intp)
    left = np.floor(xs).astype(np.intp)
    bottom = np.minimum(top + 1, height - 1)
    right = np.minimum(left + 1, width - 1)
    return _bilinear(image, ys, xs, top, bottom, left, right)


def js_round(value: float) -> int:
    """JavaScript Math.round: halves round up."""
    return int(np.floor(value + 0.5))


@dataclass(frozen=True)
class ResizePad:
    """Where the image sits in the padded MultiPose input (top-left aligned)."""

    resized: tuple[int, int]  # (height, width) of the resized image
    padded: tuple[int, int]  # (height, width) of the model input


def multipose_geometry(height: int, width: int, max_dimension: int) -> ResizePad:
    # The shorter side is at least 1 pixel (the official code resizes a 1x4000 image to 0x256 and
    # fails inside the network).
    if width > height:
        resized = (max(1, js_round(max_dimension * height / width)), max_dimension)
    else:
        resized = (max_dimension, max(1, js_round(max_dimension * width / height)))
    padded = tuple(-(-side // INPUT_MULTIPLE) * INPUT_MULTIPLE for side in resized)
    return ResizePad(resized, padded)  # type: ignore[arg-type]


def resize_and_pad(image: np.ndarray, max_dimension: int = 256) -> tuple[np.ndarray, ResizePad]:
    """(H, W, 3) uint8 -> padded int32 model input and its geometry (official MultiPose)."""
    geometry = multipose_geometry(image.shape[0], image.shape[1], max_dimension)
    out = np.zeros((*geometry.padded, 3), dtype=np.int32)
    out[: geometry.resized[0], : geometry.resized[1]] = resize_bilinear_legacy(image, *geometry.resized)  # truncates
    return out, geometry
