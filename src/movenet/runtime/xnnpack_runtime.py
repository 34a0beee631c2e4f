"""Our own int8 `.tflite` models in LiteRT (XNNPACK kernels): the fast int8 path.

The files ship in the package (`weights/<model>_int8.tflite`), made offline from our PyTorch
modules by `movenet quantize --format tflite` (docs/guide/runtimes.md). Same weights and float
decoding as the onnxruntime int8 models; LiteRT's XNNPACK int8 kernels are faster than
onnxruntime's (docs/results/speed.md). Needs the `litert` extra; the default int8 runtime for the
models whose file ships, when it is installed (`movenet.runtime.default_runtime("int8", model)`).
Input int32 (1, H, W, 3), output the official layout.

Lightning and Thunder have fixed input sizes. MultiPose takes any multiple of 32, but a `.tflite`
graph is exported for one size (`torch.export` of the decoding with a dynamic size fails): its file
is 256x256 (the size of every square image at the default multipose_max_dimension, and Google's
own MultiPose `.tflite` size). A smaller input (e.g. 256x192 for a 4:3 photo) is padded with zeros
at the bottom / right to 256x256, as the official resize-and-pad already pads it up to a multiple of
32, and the normalised coordinates are scaled back to the input; larger inputs are refused with
the reason (`create_detector` then picks onnxruntime for a larger multipose_max_dimension).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from movenet.errors import InvalidInputError
from movenet.runtime.litert_runtime import LiteRTRuntime
from movenet.skeleton import NUM_KEYPOINTS

PACKAGE_WEIGHTS_DIR = Path(__file__).resolve().parents[1] / "weights"
KEYPOINT_VALUES = 3 * NUM_KEYPOINTS  # MultiPose row: 17 x (y, x, score), then the box, then the score


def xnnpack_file(model: str, precision: str = "int8") -> Path:
    return PACKAGE_WEIGHTS_DIR / f"{model}_{precision}.tflite"


def rescale_multi_pose(output: np.ndarray, input_size: tuple[int, int], padded: tuple[int, int]) -> np.ndarray:
    """MultiPose output for a zero-padded `padded` input -> normalised to the `input_size` part:
    keypoint y, x and the box scaled by padded / input, the box clipped to [0, 1] again."""
    out = output.copy()
    sy, sx = padded[0] / input_size[0], padded[1] / input_size[1]
    out[..., 0:KEYPOINT_VALUES:3] *= sy
    out[..., 1:KEYPOINT_VALUES:3] *= sx
    box = out[..., KEYPOINT_VALUES:KEYPOINT_VALUES + 4]
    box *= np.array([sy, sx, sy, sx], dtype=out.dtype)
    np.clip(box, 0.0, 1.0, out=box)
    return out


class XnnpackRuntime(LiteRTRuntime):
    """`runtime(batch)` -> numpy output in the official layout, one image at a time."""

    name = "xnnpack"
    precisions = ("int8",)
    missing = "int8 .tflite model not found (make it with `movenet quantize --format tflite --calibration PHOTOS...`)"

    def __init__(self, model="lightning", weights=None, threads=None, precision: str = "int8") -> None:
        super().__init__(model, weights=weights, threads=threads, precision=precision)

    def default_file(self, precision: str) -> Path:
        return xnnpack_file(self.spec.name, precision)

    def run(self, batch_int32: np.ndarray) -> np.ndarray:
        size = tuple(batch_int32.shape[1:3])
        if not self.spec.multi_pose or size == self.input_shape:
            return super().run(batch_int32)
        if size[0] > self.input_shape[0] or size[1] > self.input_shape[1]:
            raise InvalidInputError(
                f"this MultiPose .tflite model takes inputs up to {self.input_shape[0]}x{self.input_shape[1]}, got "
                f"{size[0]}x{size[1]} (use multipose_max_dimension <= {max(self.input_shape)}, or runtime onnxruntime)"
            )
        padded = np.zeros((batch_int32.shape[0], *self.input_shape, 3), batch_int32.dtype)
        padded[:, : size[0], : size[1]] = batch_int32
        return rescale_multi_pose(super().run(padded), size, self.input_shape)
