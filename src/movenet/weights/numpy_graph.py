"""Execute a TF.js graph model in numpy (float64), straight from its nodes: the reference our
PyTorch / ONNX networks are checked against where the graph has no decoding (PoseNet).

Only what PoseNet's graph uses: `Placeholder`, `Const`, `_FusedConv2D` and
`FusedDepthwiseConv2dNative` (any kernel, stride, dilation, "SAME"/"VALID" padding, fused
BiasAdd [+ Relu / Relu6]). Every attribute is read from the node, nothing from our modules, so
this is an independent execution of the same graph. Any other op raises WeightsError.
"""

from __future__ import annotations

import numpy as np

from movenet.errors import WeightsError
from movenet.weights.tfjs_graph import GraphModel, GraphNode

_ACTIVATIONS = {
    "Relu": lambda x: np.maximum(x, 0.0),
    "Relu6": lambda x: np.clip(x, 0.0, 6.0),
}


def _same_pads(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def _patches(x: np.ndarray, node: GraphNode, kernel_hw: tuple[int, int]):
    """Padded input and the strided window views, one per kernel tap, (kh*kw) of (H', W', C)."""
    _, sy, sx, _ = node.attr_value("strides")
    dilations = node.attr_value("dilations") if "dilations" in node.attr else [1, 1, 1, 1]
    _, dy, dx, _ = dilations
    kh, kw = kernel_hw
    if node.attr_value("padding") == "SAME":
        (t, b), (l, r) = _same_pads(x.shape[0], kh, sy, dy), _same_pads(x.shape[1], kw, sx, dx)
    elif node.attr_value("padding") == "VALID":
        t = b = l = r = 0
    else:
        raise WeightsError(f"{node.name}: unsupported padding {node.attr_value('padding')}")
    xp = np.pad(x, ((t, b), (l, r), (0, 0)))
    out_h = (xp.shape[0] - (kh - 1) * dy - 1) // sy + 1
    out_w = (xp.shape[1] - (kw - 1) * dx - 1) // sx + 1
    return [
        xp[i * dy : i * dy + (out_h - 1) * sy + 1 : sy, j * dx : j * dx + (out_w - 1) * sx + 1 : sx]
        for i in range(kh) for j in range(kw)
    ]


def _fused_tail(node: GraphNode, y: np.ndarray, bias: np.ndarray) -> np.ndarray:
    ops = node.attr_value("fused_ops") if "fused_ops" in node.attr else []
    if not ops or ops[0] != "BiasAdd" or any(op not in _ACTIVATIONS for op in ops[1:]):
        raise WeightsError(f"{node.name}: unsupported fused ops {ops}")
    y = y + bias
    for op in ops[1:]:
        y = _ACTIVATIONS[op](y)
    return y


def _conv(node: GraphNode, x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    kh, kw = kernel.shape[:2]
    taps = _patches(x, node, (kh, kw))
    y = sum(tap @ kernel[i // kw, i % kw] for i, tap in enumerate(taps))
    return _fused_tail(node, y, bias)


def _depthwise(node: GraphNode, x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    kh, kw, _, multiplier = kernel.shape
    if multiplier != 1:
        raise WeightsError(f"{node.name}: depth multiplier {multiplier} is not supported")
    taps = _patches(x, node, (kh, kw))
    y = sum(tap * kernel[i // kw, i % kw, :, 0] for i, tap in enumerate(taps))
    return _fused_tail(node, y, bias)


_OPS = {"_FusedConv2D": _conv, "FusedDepthwiseConv2dNative": _depthwise}


def run_graph(graph: GraphModel, image: np.ndarray, outputs: list[str]) -> dict[str, np.ndarray]:
    """Run `graph` on one (H, W, C) input (the Placeholder's value), in float64. Returns the
    requested node outputs, (H', W', C') each."""
    values: dict[str, np.ndarray] = {}

    def value(name: str) -> np.ndarray:
        name = name.split(":")[0]
        if name in values:
            return values[name]
        node = graph.nodes.get(name)
        if node is None:
            raise WeightsError(f"{graph.path}: no node {name!r}")
        if node.op == "Placeholder":
            result = np.asarray(image, dtype=np.float64)
        elif node.op == "Const":
            result = graph.weight(name).astype(np.float64)
        elif node.op in _OPS:
            x, kernel, bias = (value(i) for i in node.inputs)
            result = _OPS[node.op](node, x, kernel, bias)
        else:
            raise WeightsError(f"{graph.path}: op {node.op} of {name!r} is not supported here")
        values[name] = result
        return result

    return {name: value(name) for name in outputs}
