"""Which official graph tensor fills which parameter of our modules, found by node name.

Every parameter of `MoveNet` gets a graph constant name (a regular expression where the graph's
numbering differs between models, e.g. `kpt_heatmap_0/separable_conv2d_\\d+/...`) that must match
exactly one constant. The graph node that consumes each weight is then checked against the
module: op type, stride, padding and fused activation; a mismatch raises WeightsError naming the
tensor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from torch import nn

from movenet.errors import WeightsError
from movenet.model.layers import ConvAct
from movenet.model.movenet import MoveNet
from movenet.weights.tfjs_graph import GraphModel

ROOT = "StatefulPartitionedCall/"
EXTRACTOR = ROOT + "center_net_mobile_net_v2fpn_feature_extractor/model_1/"
BACKBONE = EXTRACTOR + "model/"
# Keras names of the FPN layers, coarsest level first.
FPN_LATERALS = ("conv2d", "conv2d_1", "conv2d_2", "conv2d_3")
FPN_SMOOTH = ("separable_conv2d", "separable_conv2d_1", "separable_conv2d_2")
_FUSED_ACT = {"Relu6": "relu6", "Relu": "relu"}


@dataclass(frozen=True)
class ConvSource:
    """Graph names of one conv's kernel and bias (bias None: the graph has none)."""

    module: str  # dotted path of the ConvAct in our model
    kernel: str  # exact name or regex
    bias: str | None


def conv_sources(model: MoveNet) -> list[ConvSource]:
    """Graph sources of every ConvAct in `model`, from the Keras / TF OD API layer names."""
    sources: list[ConvSource] = []

    def keras(module: str, layer: str, kind: str) -> None:
        sources.append(
            ConvSource(module, f"{BACKBONE}{layer}/{kind}_weights", f"{BACKBONE}{layer}/{kind}_bn_offset")
        )

    keras("backbone.stem", "Conv1", "Conv2D")
    for i, block in enumerate(model.backbone.blocks):
        name = "expanded_conv" if i == 0 else f"block_{i}"
        if block.expand is not None:
            keras(f"backbone.blocks.{i}.expand", f"{name}_expand", "Conv2D")
        keras(f"backbone.blocks.{i}.depthwise", f"{name}_depthwise", "depthwise")
        keras(f"backbone.blocks.{i}.project", f"{name}_project", "Conv2D")
    keras("backbone.last", "Conv_1", "Conv2D")
    for i, layer in enumerate(FPN_LATERALS):
        sources.append(
            ConvSource(
                f"fpn.laterals.{i}",
                f"{EXTRACTOR}{layer}/Conv2D/ReadVariableOp",
                f"{EXTRACTOR}{layer}/BiasAdd/ReadVariableOp",
            )
        )
    for i, layer in enumerate(FPN_SMOOTH):
        base = f"{EXTRACTOR}{layer}/separable_conv2d"
        sources.append(ConvSource(f"fpn.smooth.{i}.depthwise", f"{base}/ReadVariableOp", None))
        sources.append(ConvSource(f"fpn.smooth.{i}.pointwise", f"{base}_weights", f"{base}_bn_offset"))
    for head in model.heads:
        sep = re.escape(f"{ROOT}{head}_0/") + r"separable_conv2d_\d+/"
        out = re.escape(f"{ROOT}{head}_0/") + r"conv2d_\d+/"
        sources.append(
            ConvSource(f"heads.{head}.hidden.depthwise", sep + "separable_conv2d/ReadVariableOp", None)
        )
        sources.append(
            ConvSource(
                f"heads.{head}.hidden.pointwise",
                sep + "separable_conv2d/ReadVariableOp_1",
                sep + "BiasAdd/ReadVariableOp",
            )
        )
        sources.append(
            ConvSource(f"heads.{head}.out", out + "Conv2D/ReadVariableOp", out + "BiasAdd/ReadVariableOp")
        )
    return sources


def resolve(graph: GraphModel, pattern: str) -> str:
    """The one graph constant named `pattern` (exact, or a regex with `\\d+`)."""
    if pattern in graph.weights:
        return pattern
    matches = [n for n in graph.weights if re.fullmatch(pattern, n)]
    if len(matches) != 1:
        shown = pattern.replace("\\", "")
        what = "no constant" if not matches else f"{len(matches)} constants ({matches})"
        raise WeightsError(f"{graph.path}: expected one tensor named {shown!r}, found {what}")
    return matches[0]


def _check_consumer(graph: GraphModel, name: str, conv: nn.Conv2d, act: str | None) -> None:
    users = [n for n in graph.consumers(name) if n.op != "Const"]
    if len(users) != 1:
        raise WeightsError(f"{graph.path}: tensor {name!r} is used by {len(users)} nodes, expected 1")
    node = users[0]
    depthwise = conv.groups > 1
    ops = ("FusedDepthwiseConv2dNative", "DepthwiseConv2dNative") if depthwise else ("_FusedConv2D",)
    if node.op not in ops:
        raise WeightsError(f"{graph.path}: {name!r} feeds a {node.op}, expected {' or '.join(ops)}")
    stride = conv.stride[0]
    if node.attr_value("strides") != [1, stride, stride, 1]:
        raise WeightsError(
            f"{graph.path}: {node.name!r} has strides {node.attr_value('strides')}, "
            f"our layer uses {stride}"
        )
    if conv.kernel_size[0] > 1 and node.attr_value("padding") != "SAME":
        raise WeightsError(f"{graph.path}: {node.name!r} uses padding {node.attr_value('padding')}")
    fused = node.attr_value("fused_ops") if "fused_ops" in node.attr else []
    graph_act = next((_FUSED_ACT[op] for op in fused if op in _FUSED_ACT), None)
    if graph_act != act:
        raise WeightsError(
            f"{graph.path}: {node.name!r} applies {graph_act or 'no activation'}, "
            f"our layer {act or 'none'}"
        )


def _act_name(module: ConvAct) -> str | None:
    if isinstance(module.act, nn.ReLU6):
        return "relu6"
    if isinstance(module.act, nn.ReLU):
        return "relu"
    return None


def _to_torch_layout(array: np.ndarray, conv: nn.Conv2d) -> np.ndarray:
    if array.ndim != 4:
        return array
    if conv.groups > 1:  # depthwise [kh, kw, C, 1] -> [C, 1, kh, kw]
        return array.transpose(2, 3, 0, 1)
    return array.transpose(3, 2, 0, 1)  # HWIO -> OIHW


def collect_weights(model: MoveNet, graph: GraphModel) -> dict[str, np.ndarray]:
    """State-dict key -> array in PyTorch layout, still in the graph's storage dtype."""
    modules = dict(model.named_modules())
    params = dict(model.named_parameters())
    out: dict[str, np.ndarray] = {}
    for source in conv_sources(model):
        module = modules[source.module]
        assert isinstance(module, ConvAct), source.module
        kernel_name = resolve(graph, source.kernel)
        _check_consumer(graph, kernel_name, module.conv, _act_name(module))
        pairs = [("weight", kernel_name)]
        if source.bias is not None:
            pairs.append(("bias", resolve(graph, source.bias)))
        for attr, graph_name in pairs:
            key = f"{source.module}.conv.{attr}"
            array = _to_torch_layout(graph.weight(graph_name), module.conv)
            expected = tuple(params[key].shape)
            if tuple(array.shape) != expected:
                raise WeightsError(
                    f"{graph.path}: tensor {graph_name!r} has shape {tuple(array.shape)} "
                    f"(in PyTorch layout), parameter {key!r} needs {expected}"
                )
            out[key] = np.ascontiguousarray(array)
    missing = sorted(set(params) - set(out))
    if missing:
        raise WeightsError(f"no graph tensor mapped to parameters {missing}")
    out.update(_normalisation(graph))
    return out


def _normalisation(graph: GraphModel) -> dict[str, np.ndarray]:
    """The graph's input normalisation `(x - Reshape) * truediv - sub_1/y`."""
    checks = {
        ROOT + "Reshape": ("Sub", "normalize.mean"),
        ROOT + "truediv": ("Mul", "normalize.scale"),
        ROOT + "sub_1/y": ("Sub", "normalize.offset"),
    }
    out = {}
    for name, (op, key) in checks.items():
        users = graph.consumers(name)
        if [u.op for u in users] != [op]:
            raise WeightsError(f"{graph.path}: {name!r} should feed one {op} node, feeds {users}")
        value = graph.weight(name)
        out[key] = value.reshape(-1)
    return out

