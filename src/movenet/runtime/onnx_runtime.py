"""Run the exported network + decoding with onnxruntime on the CPU (the default runtime).

Session settings chosen by measurement (`movenet bench`, docs/results/speed.md): all graph optimisations
(onnxruntime's NCHWc layout transform and the folding of the float16 weight casts), sequential
execution, one inter-op thread, intra-op threads = `threads` (default: onnxruntime's choice, the
physical cores), spinning worker threads (turning spinning off cost 15-30 % at 2 threads).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from movenet.errors import WeightsError
from movenet.limits import check_threads
from movenet.registry import AnySpec, get_spec
from movenet.runtime.base import Runtime, model_file
from movenet.skeleton import NUM_KEYPOINTS

MULTI_POSE_ROW = 56  # 17 x (y, x, score), box (4), score: the official MultiPose output row

PACKAGE_WEIGHTS_DIR = Path(__file__).resolve().parents[1] / "weights"


def onnx_file(spec: AnySpec, precision: str = "fp32") -> Path:
    suffix = "" if precision == "fp32" else f"_{precision}"
    return PACKAGE_WEIGHTS_DIR / f"{spec.name}{suffix}.onnx"


def check_signature(session, spec: AnySpec, path: Path) -> None:
    """WeightsError unless the session takes and returns what `spec`'s exported graph does: one
    int32 (B, H, W, 3) input (H, W fixed for SinglePose) and the official output layout."""
    inputs, outputs = session.get_inputs(), session.get_outputs()
    onnx_type = {"int32": "tensor(int32)", "float32": "tensor(float)"}[spec.input_dtype]
    if len(inputs) != 1 or inputs[0].type != onnx_type or len(inputs[0].shape) != 4 or len(outputs) != 1:
        raise WeightsError(
            f"{path}: not a movenet ONNX model for {spec.name}: expected one {spec.input_dtype} "
            f"(B, H, W, 3) input and one output, found inputs {[(i.name, i.type, i.shape) for i in inputs]}"
        )
    size = tuple(d if isinstance(d, int) else None for d in inputs[0].shape[1:3])
    found_layout = tuple(d if isinstance(d, int) else None for d in outputs[0].shape[1:])
    if spec.family == "posenet":  # any 16k+1 size; (h, w, all head channels)
        expected_size = (None, None)
        layout = (None, None, sum(spec.head_channels.values()))
    else:
        expected_size = spec.input_size or (None, None)
        layout = (spec.max_poses, MULTI_POSE_ROW) if spec.multi_pose else (1, NUM_KEYPOINTS, 3)
    if size != expected_size or found_layout != layout:
        raise WeightsError(
            f"{path}: a model with input {size} and output {found_layout}, not {spec.name} "
            f"(input {expected_size}, output {layout}; None = any size)"
        )


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
        threads = check_threads(threads)
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
        check_signature(self.session, self.spec, path)
        self._input = self.session.get_inputs()[0].name

    def run(self, batch_int32: np.ndarray) -> np.ndarray:
        """The bare session call on an already valid int32 (B, H, W, 3) batch."""
        return self.session.run(None, {self._input: batch_int32})[0]
