"""Run our ONNX models (network + official decoding) in OpenVINO's CPU plugin (the `openvino` extra).

The same files as onnxruntime (`weights/<model>.onnx`, `<model>_int8.onnx`), read by OpenVINO and
compiled for one input shape at a time (a fixed shape lets the plugin pick its kernels and memory
layout once; MultiPose's other sizes and other batch sizes compile on first use, a few hundred ms,
and stay cached).

Precision is the caller's, never the plugin's: OpenVINO's CPU plugin computes in bfloat16 by default
on a CPU with BF16 (it reports it in OPTIMIZATION_CAPABILITIES), which moves keypoints by pixels. So
every compile sets INFERENCE_PRECISION_HINT explicitly: "fp32" -> f32; "bf16" -> bf16 and "fp16" ->
f16 (named precisions the user chooses, only where the CPU has them, else a one-line error); "int8"
-> the quantised ONNX file (its QDQ convolutions run in int8; what stays float computes in f32).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from movenet.errors import InvalidOptionError, WeightsError
from movenet.limits import check_threads
from movenet.registry import AnySpec, get_spec
from movenet.runtime.base import Runtime, model_file
from movenet.runtime.onnx_runtime import onnx_file

# precision -> (the ONNX file's precision, OpenVINO's inference precision, the CPU capability it needs)
PRECISION_HINTS = {
    "fp32": ("fp32", "f32", None),
    "bf16": ("fp32", "bf16", "BF16"),
    "fp16": ("fp32", "f16", "FP16"),
    "int8": ("int8", "f32", None),
}
MAX_COMPILED_SHAPES = 8  # compiled models kept (MultiPose sizes x batch sizes); the oldest goes first


def capabilities() -> tuple[str, ...]:
    """OpenVINO's CPU OPTIMIZATION_CAPABILITIES, e.g. ('BF16', 'FP32', 'FP16', 'INT8', ...)."""
    import openvino as ov

    return tuple(ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES"))


class OpenVinoRuntime(Runtime):
    """`runtime(batch)` -> numpy output in the official layout, for validated inputs."""

    name = "openvino"
    precisions = ("fp32", "bf16", "fp16", "int8")

    def __init__(
        self,
        model: str | AnySpec = "lightning",
        weights: str | Path | None = None,
        threads: int | None = None,
        precision: str = "fp32",
    ) -> None:
        import openvino as ov

        self.spec = get_spec(model)
        if precision not in PRECISION_HINTS:
            raise InvalidOptionError(f"openvino precision must be one of {', '.join(PRECISION_HINTS)}, got {precision!r}")
        file_precision, self.hint, needs = PRECISION_HINTS[precision]
        self.precision = precision
        self.threads = check_threads(threads)
        self.core = ov.Core()
        if needs is not None and needs not in self.core.get_property("CPU", "OPTIMIZATION_CAPABILITIES"):
            from movenet.runtime.cpu import cpu_features

            raise InvalidOptionError(
                f"precision {precision!r} needs a CPU with {needs} arithmetic, which OpenVINO does not find on "
                f"this one ({cpu_features().summary}); use fp32 or int8"
            )
        how = "movenet export-onnx" if file_precision == "fp32" else "movenet quantize --calibration PHOTOS..."
        path = model_file(weights, onnx_file(self.spec, file_precision), f"ONNX model not found (make it with `{how}`)")
        try:
            self.model = self.core.read_model(str(path))
        except Exception as exc:  # OpenVINO raises RuntimeError and its own types
            raise WeightsError(f"{path}: not a valid ONNX model for OpenVINO ({exc})") from exc
        if len(self.model.inputs) != 1 or len(self.model.outputs) != 1:
            raise WeightsError(f"{path}: not a movenet ONNX model (one input and one output expected)")
        self.path = path
        self._compiled: dict[tuple[int, ...], object] = {}
        if self.spec.input_size is not None:
            self._request((1, *self.spec.input_size, 3))  # compile the usual shape now, not on the first call

    def config(self) -> dict:
        """The compile settings: the explicit precision, one stream, latency, `threads` threads."""
        config = {"INFERENCE_PRECISION_HINT": self.hint, "PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": "1"}
        if self.threads is not None:
            config["INFERENCE_NUM_THREADS"] = str(self.threads)
        return config

    def _request(self, shape: tuple[int, ...]):
        request = self._compiled.get(shape)
        if request is None:
            model = self.model.clone()
            model.reshape({model.inputs[0]: list(shape)})
            try:
                compiled = self.core.compile_model(model, "CPU", self.config())
            except Exception as exc:
                raise WeightsError(f"{self.path}: OpenVINO cannot compile it for input {shape} ({exc})") from exc
            if len(self._compiled) >= MAX_COMPILED_SHAPES:
                self._compiled.pop(next(iter(self._compiled)))
            request = self._compiled[shape] = compiled.create_infer_request()
        return request

    def run(self, batch_int32: np.ndarray) -> np.ndarray:
        """One inference on an already valid int32 (B, H, W, 3) batch."""
        request = self._request(tuple(batch_int32.shape))
        request.infer({0: np.ascontiguousarray(batch_int32)}, share_inputs=True)
        return request.get_output_tensor(0).data.copy()
