"""Which node of the PoseNet graph fills which parameter of our `PoseNet`, found by node name.

The PoseNet graph's weights are anonymous constants (`Const_53`, ...): each is named only by the
node that consumes it. So every module of ours names its graph node
(`MobilenetV1/MobilenetV1/Conv2d_3_pointwise/Relu6`, `MobilenetV1/heatmap_2/BiasAdd`, ...), whose
inputs are (previous node, kernel, bias). Each node is checked against the module: op type, the
node it reads from (so the chain of layers is the graph's), strides, "SAME" padding, no dilation,
fused activation, and the kernel and bias shapes; a mismatch raises WeightsError naming the node.
"""

from __future__ import annotations

import numpy as np

from movenet.errors import WeightsError
from movenet.model.layers import ConvAct
from movenet.model.posenet import PoseNet
from movenet.weights.mapping import _act_name, _to_torch_layout
from movenet.weights.tfjs_graph import GraphModel

SCOPE = "MobilenetV1/MobilenetV1/"
INPUT_NODE = "image"
NO_DILATION = [1, 1, 1, 1]


def node_names(model: PoseNet) -> list[tuple[str, str, str]]:
    """(module path, graph node, the node it must read from) for every ConvAct of `model`."""
    out = [("backbone.stem", SCOPE + "Conv2d_0/Relu6", INPUT_NODE)]
    previous = out[0][1]
    for i, _ in enumerate(model.backbone.blocks, start=1):
        depthwise = f"{SCOPE}Conv2d_{i}_depthwise/BatchNorm/batchnorm/add_1/conv"
        pointwise = f"{SCOPE}Conv2d_{i}_pointwise/Relu6"
        out.append((f"backbone.blocks.{i - 1}.depthwise", depthwise, previous))
        out.append((f"backbone.blocks.{i - 1}.pointwise", pointwise, depthwise))
        previous = pointwise
    for head in model.heads:
        out.append((f"heads.{head}", f"MobilenetV1/{head}_2/BiasAdd", previous))
    return out


def _fused(node) -> list[str]:
    return node.attr_value("fused_ops") if "fused_ops" in node.attr else []


def _check_node(graph: GraphModel, name: str, reads: str, module: ConvAct) -> None:
    if name not in graph.nodes:
        raise WeightsError(f"{graph.path}: the graph has no node {name!r}")
    node = graph.nodes[name]
    conv = module.conv
    op = "FusedDepthwiseConv2dNative" if conv.groups > 1 else "_FusedConv2D"
    problems = []
    if node.op != op:
        problems.append(f"op {node.op}, expected {op}")
    if len(node.inputs) != 3 or node.inputs[0] != reads:
        problems.append(f"inputs {list(node.inputs)}, expected ({reads!r}, kernel, bias)")
    stride = conv.stride[0]
    if node.attr_value("strides") != [1, stride, stride, 1]:
        problems.append(f"strides {node.attr_value('strides')}, our layer {stride}")
    if node.attr_value("padding") != "SAME":
        problems.append(f"padding {node.attr_value('padding')}")
    if node.attr_value("dilations") != NO_DILATION:
        problems.append(f"dilations {node.attr_value('dilations')}")
    act = {"BiasAdd": None, "BiasAdd,Relu6": "relu6", "BiasAdd,Relu": "relu"}.get(",".join(_fused(node)), "?")
    if act != _act_name(module):
        problems.append(f"fused ops {_fused(node)}, our layer: bias + {_act_name(module) or 'no activation'}")
    if problems:
        raise WeightsError(f"{graph.path}: node {name!r} does not match our layer: {'; '.join(problems)}")


def collect_posenet_weights(model: PoseNet, graph: GraphModel) -> dict[str, np.ndarray]:
    """State-dict key -> float32 array in PyTorch layout, every tensor checked."""
    modules = dict(model.named_modules())
    params = dict(model.named_parameters())
    out: dict[str, np.ndarray] = {}
    for path, name, reads in node_names(model):
        module = modules[path]
        _check_node(graph, name, reads, module)
        node = graph.nodes[name]
        for attr, tensor in (("weight", node.inputs[1]), ("bias", node.inputs[2])):
            key = f"{path}.conv.{attr}"
            array = _to_torch_layout(graph.weight(tensor), module.conv)
            if tuple(array.shape) != tuple(params[key].shape):
                raise WeightsError(
                    f"{graph.path}: {tensor!r} (the {attr} of {name!r}) has shape {tuple(array.shape)} "
                    f"in PyTorch layout, parameter {key!r} needs {tuple(params[key].shape)}"
                )
            out[key] = np.ascontiguousarray(array, dtype=np.float32)
    missing = sorted(set(params) - set(out))
    if missing:
        raise WeightsError(f"no graph tensor mapped to parameters {missing}")
    unused = sorted(set(graph.weights) - {graph.nodes[n].inputs[i] for _, n, _ in node_names(model) for i in (1, 2)})
    if unused:
        raise WeightsError(f"{graph.path}: graph constants not used by our model: {unused}")
    _check_outputs(graph, model)
    return out


def _check_outputs(graph: GraphModel, model: PoseNet) -> None:
    """The graph's outputs are exactly our heads, and nothing else runs after the trunk."""
    heads = {f"MobilenetV1/{h}_2/BiasAdd" for h in model.heads}
    consumed = {i for n in graph.nodes.values() for i in n.inputs}
    outputs = {n for n in graph.nodes if n not in consumed and graph.nodes[n].op != "Const"}
    if outputs != heads:
        raise WeightsError(f"{graph.path}: graph outputs {sorted(outputs)}, our heads {sorted(heads)}")
    layers = [n for n in graph.nodes.values() if n.op not in ("Const", "Placeholder")]
    if len(layers) != len(node_names(model)):
        raise WeightsError(f"{graph.path}: {len(layers)} compute nodes, our model has {len(node_names(model))} layers")
