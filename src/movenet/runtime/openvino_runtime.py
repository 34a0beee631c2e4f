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
from movenet.runtime.onnx_runtime import check_signature, onnx_file

# precision -> (the ONNX file's precision, OpenVINO's inference precision, the CPU capability it needs)
PRECISION_HINTS = {
    "fp32": ("fp32", "f32", None),
    "bf16": ("fp32", "bf16", "BF16"),
    "fp16": ("fp32", "f16", "FP16"),
    "int8": ("int8", "f32", None),
}
MAX_COMPILED_SHAPES = 8  # compiled models kept (MultiPose sizes x batch sizes); the oldest goes first
# bf16: the stem and the first inverted-residual block (full resolution, raw pixels) stay f32: the
# graph is cut where it enters the second block and compiled in two parts. Keypoint deviation from fp32 on the
# COCO val images, Lightning: median / p95 0.43 / 1.77 px all bf16, 0.21 / 1.13 px with these f32
# (docs/results/speed.md). Found by the exporter's scope metadata in our ONNX files; a file without
# it runs all in bf16.
BF16_FROM_MODULE = "network.backbone.blocks.1"  # bf16 from here on


def scope_inputs(path: Path, scope: str) -> set[str]:
    """Names of the tensors that nodes of `scope` (a torch module path) read from computed nodes
    outside it (not weights or constants), from the exporter's `pkg.torch.onnx.name_scopes`
    metadata: where the graph enters that module. Empty when the file has no such metadata."""
    import ast

    import onnx

    graph = onnx.load(str(path), load_external_data=False).graph
    constants = {i.name for i in graph.initializer}
    produced_inside, computed = set(), set()
    nodes = []
    for node in graph.node:
        meta = {p.key: p.value for p in node.metadata_props}
        inside = scope in ast.literal_eval(meta.get("pkg.torch.onnx.name_scopes", "[]"))
        if node.op_type == "Constant" or all(name in constants for name in node.input):
            constants.update(node.output)  # weights, and casts of weights
            continue
        computed.update(node.output)
        if inside:
            produced_inside.update(node.output)
        nodes.append((node, inside))
    return {name for node, inside in nodes if inside for name in node.input
            if name in computed and name not in produced_inside and name not in constants}


def capabilities() -> tuple[str, ...]:
    """OpenVINO's CPU OPTIMIZATION_CAPABILITIES, e.g. ('BF16', 'FP32', 'FP16', 'INT8', ...)."""
    import openvino as ov

    return tuple(ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES"))


def _one_line(exc: Exception, limit: int = 300) -> str:
    """OpenVINO's multi-line exception text on one line, cut to `limit` characters."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Signature:
    """An OpenVINO model's inputs and outputs as onnxruntime describes them (name, type, shape with
    None for a dynamic size), for `check_signature`."""

    TYPES = {"i32": "tensor(int32)", "f32": "tensor(float)"}

    def __init__(self, model) -> None:
        self._inputs = [self._describe(p) for p in model.inputs]
        self._outputs = [self._describe(p) for p in model.outputs]

    def _describe(self, port):
        from types import SimpleNamespace

        shape = [d.get_length() if d.is_static else None for d in port.get_partial_shape()]
        name = next(iter(port.get_names()), "")
        return SimpleNamespace(name=name, type=self.TYPES.get(port.get_element_type().get_type_name(), "?"), shape=shape)

    def get_inputs(self):
        return self._inputs

    def get_outputs(self):
        return self._outputs


def _has_onnx() -> bool:
    import importlib.util

    return importlib.util.find_spec("onnx") is not None


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
            raise WeightsError(f"{path}: not a valid ONNX model for OpenVINO ({_one_line(exc)})") from exc
        check_signature(_Signature(self.model), self.spec, path)
        self.path = path
        self.cut = scope_inputs(path, BF16_FROM_MODULE) if precision == "bf16" and _has_onnx() else set()
        self._compiled: dict[tuple[int, ...], object] = {}
        if self.spec.input_size is not None:
            self._request((1, *self.spec.input_size, 3))  # compile the usual shape now, not on the first call

    def config(self) -> dict:
        """The compile settings: the explicit precision, one stream, latency, `threads` threads."""
        config = {"INFERENCE_PRECISION_HINT": self.hint, "PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": "1"}
        if self.threads is not None:
            config["INFERENCE_NUM_THREADS"] = str(self.threads)
        return config

    def _compile(self, model, config: dict, shape):
        try:
            return self.core.compile_model(model, "CPU", config).create_infer_request()
        except Exception as exc:
            raise WeightsError(f"{self.path}: OpenVINO cannot compile it for input {shape} ({_one_line(exc)})") from exc

    def _request(self, shape: tuple[int, ...]):
        """The function that runs one input of `shape` (compiled on first use)."""
        run = self._compiled.get(shape)
        if run is None:
            model = self.model.clone()
            model.reshape({model.inputs[0]: list(shape)})
            run = self._split(model, shape) if self.cut else self._whole(model, shape)
            if len(self._compiled) >= MAX_COMPILED_SHAPES:
                self._compiled.pop(next(iter(self._compiled)))
            self._compiled[shape] = run
        return run

    def _whole(self, model, shape):
        request = self._compile(model, self.config(), shape)

        def run(x: np.ndarray) -> np.ndarray:
            request.infer({0: x}, share_inputs=True)
            return request.get_output_tensor(0).data.copy()

        run.request = request
        return run

    def _split(self, model, shape):
        """The graph up to the `cut` tensors in f32, the rest in the runtime's precision."""
        import openvino as ov

        ports = [out for op in model.get_ordered_ops() for out in op.outputs() if out.get_names() & self.cut]
        first = ov.Model(ports, list(model.get_parameters()))
        parameters = []
        for port in ports:
            parameter = ov.opset13.parameter(port.get_partial_shape(), port.get_element_type())
            for target in list(port.get_target_inputs()):
                if target.get_node().get_type_name() != "Result":
                    target.replace_source_output(parameter.output(0))
            parameters.append(parameter)
        # the rest may still read the input (its shape), so it is an input of the second part too
        second = ov.Model(model.outputs, parameters + list(model.get_parameters()))
        head = self._compile(first, self.config() | {"INFERENCE_PRECISION_HINT": "f32"}, shape)
        tail = self._compile(second, self.config(), shape)
        n = len(ports)

        def run(x: np.ndarray) -> np.ndarray:
            head.infer({0: x}, share_inputs=True)
            tail.infer({**{i: head.get_output_tensor(i).data for i in range(n)}, n: x}, share_inputs=True)
            return tail.get_output_tensor(0).data.copy()

        run.request = tail
        return run

    def run(self, batch_int32: np.ndarray) -> np.ndarray:
        """One inference on an already valid int32 (B, H, W, 3) batch."""
        return self._request(tuple(batch_int32.shape))(np.ascontiguousarray(batch_int32))
