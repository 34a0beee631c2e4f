"""Our int8 `.tflite` models for LiteRT's XNNPACK kernels (runtime "xnnpack"), made offline.

    movenet quantize --format tflite --calibration ../shared/data/coco-train2017-mini/images ../shared/data/photos

Needs the `tflite-export` extra (litert-torch, which brings torchao, jax and ai-edge-quantizer:
install it in a separate environment; nothing of it is used at run time). Our PyTorch modules
(network + official decoding) are exported with `torch.export`, quantised with PT2E (torchao) and
converted by litert-torch: TFLite's int8 scheme (per-channel symmetric int8 weights, per-tensor
asymmetric int8 activations, XNNPACK's QS8 / QC8 kernels; 8-bit weights, no reduce_range).
The modules of KEEP_FLOAT stay float32, and so does the decoding (its arg-max / gather logic is
the official one). Calibration images must not be the accuracy set (never coco-val2017).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from movenet.export.calibration import calibration_inputs
from movenet.export.tflite_graph import fold_same_padding
from movenet.registry import get_spec
from movenet.runtime.xnnpack_runtime import xnnpack_file

# Modules (of `movenet.model.movenet.MoveNet`) whose convolutions stay float32 (the decoding
# always does). Chosen on the keypoint deviation from the float model on held-out non-val images
# (tools/int8_deviation.py, mean / median / p90 px) against one-thread CPU time paired with
# Google's int8 file (tools/bench_cpu_time.py), Lightning: all int8 4.19 / 1.66 / 5.78 px at 0.83x;
# block 0 + FPN + heads float 1.92 / 0.61 / 2.52 at 0.98x; + block 1 1.28 / 0.55 / 1.93 at 1.06x;
# + stem (the onnxruntime int8 layout) 1.59 / 0.57 / 2.14 at 1.08x; onnxruntime int8 2.05 / 0.73 /
# 2.59 at 1.44x. Thunder, same layout: 0.99 / 0.29 / 1.07 at 1.00-1.04x. docs/results/int8.md.
KEEP_FLOAT_MODULES = ("backbone.blocks.0", "fpn", "heads")
KEEP_FLOAT = {"lightning": KEEP_FLOAT_MODULES, "thunder": KEEP_FLOAT_MODULES, "multipose": KEEP_FLOAT_MODULES}
# Activation ranges: the mean over the calibration images of each image's min and max
# (onnxruntime's CalibMovingAverage, as for the ONNX int8 models).
ACTIVATION_QMIN, ACTIVATION_QMAX = -128, 127
WEIGHT_QMAX = 127  # symmetric weights: -127..127 (TFLite's int8 spec)
EPS = 2.0**-12  # smallest scale (litert-torch's default)
# Models with a .tflite export: those with a fixed input size. MultiPose takes any multiple of 32,
# and torch.export with a dynamic height and width fails on its decoding (a data-dependent float
# guard, GuardOnDataDependentSymNode; torch.onnx.export copes), so it stays on onnxruntime int8.
TFLITE_MODELS = ("lightning", "thunder", "multipose")
MULTIPOSE_SIZES = ((256, 256),)


def export_module(spec):
    """Network + decoding for the conversion: (1, H, W, 3) int32 -> the official layout, with the
    input normalisation done before the NHWC -> NCHW permute (the same float32 elementwise ops,
    so the same values), so that the converted graph starts with no TRANSPOSE of the image, and
    the regression / offset / box heads evaluated only at the pixels the decoding reads
    (`DecodedMoveNet(lean=True)`)."""
    from movenet.runtime.torch_runtime import DecodedMoveNet, TorchRuntime

    decoded = TorchRuntime(spec).module
    return DecodedMoveNet(decoded.network, decoded.decoding, lean=True, nhwc_normalize=True).eval()


def _quantization_config():
    import torch
    from litert_torch.quantize.pt2e_quantizer_utils import QuantizationConfig
    from torchao.quantization.pt2e.observer import (
        MinMaxObserver,
        PerChannelMinMaxObserver,
    )
    from torchao.quantization.pt2e.quantizer import (
        FixedQParamsQuantizationSpec,
        QuantizationSpec,
    )

    class MeanMinMaxObserver(MinMaxObserver):
        """Mean over the calibration batches of each batch's min and max."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.batches = 0

        def forward(self, x_orig):
            if x_orig.numel() == 0:
                return x_orig
            low, high = torch.aminmax(x_orig.detach().to(self.min_val.dtype))
            n = self.batches
            if n == 0:
                self.min_val.resize_(low.shape)
                self.max_val.resize_(high.shape)
                self.min_val.copy_(low)
                self.max_val.copy_(high)
            else:
                self.min_val.copy_((self.min_val * n + low) / (n + 1))
                self.max_val.copy_((self.max_val * n + high) / (n + 1))
            self.batches = n + 1
            return x_orig

    activation = QuantizationSpec(
        dtype=torch.int8, quant_min=ACTIVATION_QMIN, quant_max=ACTIVATION_QMAX,
        qscheme=torch.per_tensor_affine, is_dynamic=False,
        observer_or_fake_quant_ctr=MeanMinMaxObserver.with_args(eps=EPS),
    )
    weight = QuantizationSpec(
        dtype=torch.int8, quant_min=-WEIGHT_QMAX, quant_max=WEIGHT_QMAX, qscheme=torch.per_channel_symmetric,
        ch_axis=0, is_dynamic=False, observer_or_fake_quant_ctr=PerChannelMinMaxObserver.with_args(eps=EPS),
    )
    fixed = FixedQParamsQuantizationSpec(  # sigmoid-like ops, if any reach the quantiser
        dtype=torch.int8, scale=1 / 256, zero_point=-128, quant_min=-128, quant_max=127, qscheme=torch.per_tensor_affine,
    )
    return QuantizationConfig(activation, activation, weight, None, fixed, False, False), activation


def _in_scope(node, keep_float: tuple[str, ...]) -> bool:
    """Whether an exported node is quantised: call nodes of the network outside `keep_float`."""
    if node.op != "call_function":
        return True  # weights and constants follow the op that uses them
    scopes = [path for path, _ in node.meta.get("nn_module_stack", {}).values()]
    if not any(s.startswith("network.") for s in scopes):
        return False  # the input cast and the decoding stay float
    floats = tuple("network." + m for m in keep_float)
    return not any(s == f or s.startswith(f + ".") for s in scopes for f in floats)


def _annotate_conv_activation(model, config, in_scope) -> None:
    """conv -> ReLU6 / ReLU: one observer, after the activation. litert-torch's own patterns know
    conv -> ReLU only; with ReLU6 the conv output would get the pre-activation range (e.g.
    -57..70 where the ReLU6 keeps 0..6: a tenth of the int8 levels)."""
    import torch
    from torchao.quantization.pt2e.quantizer import QuantizationAnnotation

    activations = (torch.ops.aten.hardtanh.default, torch.ops.aten.relu.default)
    for act in model.graph.nodes:
        conv = act.args[0] if act.op == "call_function" and act.target in activations else None
        if not isinstance(conv, torch.fx.Node) or conv.target != torch.ops.aten.conv2d.default or len(conv.users) != 1:
            continue
        params = [a for a in conv.args[1:3] if isinstance(a, torch.fx.Node)]
        nodes = [conv, act, *params]
        if not all(in_scope(n) for n in nodes) or any("quantization_annotation" in n.meta for n in nodes):
            continue
        conv.meta["quantization_annotation"] = QuantizationAnnotation(
            input_qspec_map={conv.args[0]: config.input_activation, conv.args[1]: config.weight}, _annotated=True,
        )
        act.meta["quantization_annotation"] = QuantizationAnnotation(output_qspec=config.output_activation, _annotated=True)
        for n in params:
            n.meta["quantization_annotation"] = QuantizationAnnotation(_annotated=True)


def make_quantizer(keep_float: tuple[str, ...]):
    """litert-torch's PT2E quantizer, restricted to the network outside `keep_float`, with the
    activation after each conv observed once (ReLU6 fused); residual and FPN additions are
    quantised too."""
    import torch
    from litert_torch.quantize.pt2e_quantizer import PT2EQuantizer
    from litert_torch.quantize.pt2e_quantizer_utils import propagate_annotation
    from torchao.quantization.pt2e.quantizer import QuantizationAnnotation

    config, activation = _quantization_config()

    class Quantizer(PT2EQuantizer):
        def annotate(self, model):
            in_scope = lambda n: _in_scope(n, keep_float)
            _annotate_conv_activation(model, config, in_scope)
            self._annotate_all_static_patterns(model, config, in_scope)
            for n in model.graph.nodes:
                if (n.op == "call_function" and n.target == torch.ops.aten.add.Tensor and _in_scope(n, keep_float)
                        and "quantization_annotation" not in n.meta
                        and all(isinstance(a, torch.fx.Node) for a in n.args[:2])):
                    n.meta["quantization_annotation"] = QuantizationAnnotation(
                        input_qspec_map={n.args[0]: activation, n.args[1]: activation},
                        output_qspec=activation, _annotated=True,
                    )
            propagate_annotation(model)
            return model

    return Quantizer().set_global(config)


def quantize_tflite(model: str, calibration: list[Path], out: Path | None = None,
                    keep_float: tuple[str, ...] | None = None, size: tuple[int, int] | None = None) -> Path:
    """Write `<model>_int8.tflite` (or `out`), calibrated on the photos `calibration`. MultiPose:
    one static input `size` (default 256x256), calibrated on the photos resized and padded to it."""
    import litert_torch
    import torch
    from litert_torch.quantize.quant_config import QuantConfig
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    spec = get_spec(model)
    if spec.name not in TFLITE_MODELS:
        raise ValueError(f"no .tflite export for {spec.name} (models with one: {', '.join(TFLITE_MODELS)}); "
                         "its int8 model is the ONNX one (movenet quantize --format onnx)")
    keep_float = KEEP_FLOAT[spec.name] if keep_float is None else keep_float
    size = spec.input_size or size or MULTIPOSE_SIZES[0]
    inputs = calibration_inputs(spec.name, calibration, size)
    if not inputs:
        raise ValueError("no calibration images")
    module = export_module(spec)
    example = (torch.zeros((1, *size, 3), dtype=torch.int32),)
    quantizer = make_quantizer(tuple(keep_float))
    exported = torch.export.export(module, example).module()
    prepared = prepare_pt2e(exported, quantizer)
    with torch.no_grad():
        for x in inputs:
            prepared(torch.from_numpy(np.ascontiguousarray(x, dtype=np.int32)))
    converted = convert_pt2e(prepared, fold_quantize=False)
    target = Path(out) if out is not None else xnnpack_file(spec.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    edge = litert_torch.convert(converted, example, quant_config=QuantConfig(pt2e_quantizer=quantizer))
    with tempfile.TemporaryDirectory() as tmp:
        edge.export(str(Path(tmp) / "converted.tflite"))
        data, _ = fold_same_padding((Path(tmp) / "converted.tflite").read_bytes())
    target.write_bytes(data)
    return target


def convert_float_tflite(model: str, out: Path | None = None, size: tuple[int, int] | None = None) -> Path:
    """Write `<model>_fp32.tflite` (or `out`): network + decoding in float32 for LiteRT, the same
    module as the int8 export (normalisation before the NHWC -> NCHW permute), not quantised."""
    import litert_torch
    import torch

    spec = get_spec(model)
    size = spec.input_size or size or MULTIPOSE_SIZES[0]
    example = (torch.zeros((1, *size, 3), dtype=torch.int32),)
    edge = litert_torch.convert(export_module(spec), example)
    target = Path(out) if out is not None else xnnpack_file(spec.name, "fp32")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        edge.export(str(Path(tmp) / "converted.tflite"))
        data, _ = fold_same_padding((Path(tmp) / "converted.tflite").read_bytes())
    target.write_bytes(data)
    return target
