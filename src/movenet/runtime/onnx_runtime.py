"""Run the exported network + decoding with onnxruntime on the CPU (the default runtime).

Session settings chosen by measurement (`movenet bench`, README): all graph optimisations
(onnxruntime's NCHWc layout transform and the folding of the float16 weight casts), sequential
execution, one inter-op thread, intra-op threads = `threads` (default: onnxruntime's choice, the
physical cores), spinning worker threads (turning spinning off cost 15-30 % at 2 threads).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from movenet.errors import WeightsError
from movenet.registry import AnySpec, get_spec
from movenet.runtime.base import Runtime, model_file

PACKAGE_WEIGHTS_DIR = Path(__file__).resolve().parents[1] / "weights"


def onnx_file(spec: AnySpec, precision: str = "fp32") -> Path:
    suffix = "" if precision == "fp32" else f"_{precision}"
    return PACKAGE_WEIGHTS_DIR / f"{spec.name}{suffix}.onnx"


class OnnxRuntime(Runtime):
    """`runtime(batch)` -> numpy output in the official layout, for validated inputs."""

    name = "onnxruntime"
    precisions = ("fp32", "int8")

    def __init__(
        self,
        model: str | AnySpec = "lightning",
        weights: str | Path | None = None,
        threads: int | None = None,
        precision: str = "fp32",
        spinning: bool = True,
    ) -> None:
        """spinning: intra-op threads busy-wait between calls (faster back-to-back calls; off where
        other work needs the cores between calls, as in `movenet serve` beside a browser)."""
        import onnxruntime as ort

        self.spec = get_spec(model)
        self.precision = precision
        how = "movenet export-onnx" if precision == "fp32" else "movenet quantize --calibration PHOTOS..."
        path = model_file(weights, onnx_file(self.spec, precision), f"ONNX model not found (make it with `{how}`)")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.inter_op_num_threads = 1
        if threads is not None:
            options.intra_op_num_threads = int(threads)
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
        options.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            raise WeightsError(f"{path}: not a valid ONNX model for onnxruntime ({exc})") from exc
        inputs = self.session.get_inputs()
        onnx_type = {"int32": "tensor(int32)", "float32": "tensor(float)"}[self.spec.input_dtype]
        if len(inputs) != 1 or inputs[0].type != onnx_type:
            raise WeightsError(
                f"{path}: expected one {self.spec.input_dtype} input for {self.spec.name}, "
                f"found {[(i.name, i.type) for i in inputs]}"
            )
        self._input = inputs[0].name

    def run(self, batch_int32: np.ndarray) -> np.ndarray:
        """The bare session call on an already valid int32 (B, H, W, 3) batch."""
        return self.session.run(None, {self._input: batch_int32})[0]
