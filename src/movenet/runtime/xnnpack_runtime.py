"""Our own int8 `.tflite` models in LiteRT (XNNPACK kernels): the fast int8 path.

The files ship in the package (`weights/<model>_int8.tflite`), made offline from our PyTorch
modules by `movenet quantize --format tflite` (docs/results/int8.md). Same weights and float
decoding as the onnxruntime int8 models; LiteRT's XNNPACK int8 kernels were 1.4-1.6x faster than
onnxruntime's on this project's CPU. Needs the `litert` extra; the default int8 runtime for the
models whose file ships, when it is installed (`movenet.runtime.default_runtime("int8", model)`).
Lightning and Thunder only (fixed input sizes); input int32 (1, H, W, 3), output the official
layout.
"""

from __future__ import annotations

from pathlib import Path

from movenet.runtime.litert_runtime import LiteRTRuntime

PACKAGE_WEIGHTS_DIR = Path(__file__).resolve().parents[1] / "weights"


def xnnpack_file(model: str, precision: str = "int8") -> Path:
    return PACKAGE_WEIGHTS_DIR / f"{model}_{precision}.tflite"


class XnnpackRuntime(LiteRTRuntime):
    """`runtime(batch)` -> numpy output in the official layout, one image at a time."""

    name = "xnnpack"
    precisions = ("int8",)
    missing = "int8 .tflite model not found (make it with `movenet quantize --format tflite --calibration PHOTOS...`)"

    def __init__(self, model="lightning", weights=None, threads=None, precision: str = "int8") -> None:
        super().__init__(model, weights=weights, threads=threads, precision=precision)

    def default_file(self, precision: str) -> Path:
        return xnnpack_file(self.spec.name, precision)
