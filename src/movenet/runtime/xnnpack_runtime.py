"""Our own int8 `.tflite` models in LiteRT (XNNPACK kernels): the fast int8 path.

The files ship in the package (`weights/<model>_int8.tflite`), made offline from our PyTorch
modules by `movenet quantize --format tflite` (README, Precision). Same weights and decoding as
the onnxruntime int8 models, but LiteRT's XNNPACK int8 kernels are faster on x86 than
onnxruntime's, and they compute int8 x int8 products without the 16-bit saturation that forces
7-bit weights on onnxruntime without VNNI. Needs the `litert` extra; the default int8 runtime when
it is installed (`movenet.runtime.default_runtime("int8")`). Input int32 (1, H, W, 3), output the
official layout; MultiPose takes any multiple-of-32 size (the interpreter is re-planned when the
size changes).
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
