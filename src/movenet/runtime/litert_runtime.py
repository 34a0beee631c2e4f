"""Run Google's own MoveNet `.tflite` files in LiteRT: the official runtime, as a reference.

Not ours and not the default: it exists so that `movenet eval` and `movenet bench` can put Google's
runtime (and Google's int8 models) beside ours on identical model inputs. The `.tflite` files are
not shipped: pass `weights=` or keep them in `../shared/peers/tflite/` next to a source checkout
(the `litert` extra installs `ai-edge-litert`). Their input is int32 (1, H, W, 3) and their output
is the official layout, like our runtimes. Google's MultiPose file has a fixed 256x256 input.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from movenet.errors import InvalidInputError, InvalidOptionError, WeightsError
from movenet.limits import check_threads
from movenet.registry import ModelSpec, get_spec
from movenet.runtime.base import Runtime, model_file

# Where Google's .tflite files are looked for (docs/data.md): peers/tflite of the folder the
# MOVENET_SHARED environment variable names, by default `shared/` beside a source checkout. The
# package never downloads them.
PEERS_DIR = Path(os.environ.get("MOVENET_SHARED", Path(__file__).resolve().parents[4] / "shared")) / "peers" / "tflite"

# precision -> file name pattern. "fp32" is Google's float model (weights stored as float16,
# computed in float32, like ours); "int8" the full-integer one (MultiPose: float post-processing).
TFLITE_FILES = {
    ("lightning", "fp32"): "lightning_fp16.tflite",
    ("lightning", "int8"): "lightning_int8.tflite",
    ("thunder", "fp32"): "thunder_fp16.tflite",
    ("thunder", "int8"): "thunder_int8.tflite",
    ("multipose", "fp32"): "multipose_fp16.tflite",
    ("multipose", "int8"): "multipose_int8_fpost.tflite",
}


def tflite_file(model: str, precision: str = "fp32", peers_dir: Path = PEERS_DIR) -> Path:
    if (model, precision) not in TFLITE_FILES:
        have = sorted({m for m, _ in TFLITE_FILES})
        raise InvalidOptionError(f"no Google .tflite file for {model} ({precision}); LiteRT runs {', '.join(have)}")
    return peers_dir / TFLITE_FILES[(model, precision)]


class LiteRTRuntime(Runtime):
    """`runtime(batch)` -> numpy output in the official layout, one image at a time."""

    name = "litert"
    precisions = ("fp32", "int8")
    missing = (
        "LiteRT model not found (Google's .tflite files are not shipped; pass weights=PATH, "
        "or keep them in shared/peers/tflite next to the checkout)"
    )

    def default_file(self, precision: str) -> Path:
        return tflite_file(self.spec.name, precision)

    def __init__(
        self,
        model: str | ModelSpec = "lightning",
        weights: str | Path | None = None,
        threads: int | None = None,
        precision: str = "fp32",
    ) -> None:
        from ai_edge_litert.interpreter import Interpreter

        self.spec = get_spec(model)
        self.precision = precision
        threads = check_threads(threads)
        path = model_file(weights, self.default_file(precision), self.missing)
        try:
            self.interpreter = Interpreter(model_path=str(path), num_threads=threads)
            self.interpreter.allocate_tensors()
        except (RuntimeError, ValueError) as exc:
            raise WeightsError(f"{path}: not a valid .tflite model for LiteRT ({exc})") from exc
        self._input = self.interpreter.get_input_details()[0]
        self._output = self.interpreter.get_output_details()[0]
        self.input_shape = tuple(int(v) for v in self._input["shape"][1:3])
        if self.spec.input_size is not None and self.input_shape != self.spec.input_size:
            raise WeightsError(
                f"{path}: a model with {self.input_shape[0]}x{self.input_shape[1]} inputs, not {self.spec.name} "
                f"({self.spec.input_size[0]}x{self.spec.input_size[1]})"
            )

    def run(self, batch_int32: np.ndarray) -> np.ndarray:
        """The bare interpreter calls on an already valid int32 (B, H, W, 3) batch."""
        if tuple(batch_int32.shape[1:3]) != self.input_shape:
            raise InvalidInputError(
                f"this .tflite model takes {self.input_shape[0]}x{self.input_shape[1]} inputs, got "
                f"{batch_int32.shape[1]}x{batch_int32.shape[2]} (MultiPose: use multipose_max_dimension=256 "
                "on square images, or another runtime)"
            )
        outputs = []
        for image in batch_int32:
            self.interpreter.set_tensor(self._input["index"], image[None].astype(self._input["dtype"], copy=False))
            self.interpreter.invoke()
            outputs.append(self.interpreter.get_tensor(self._output["index"]).copy())
        return np.concatenate(outputs)
