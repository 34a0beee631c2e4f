"""Small layers matching the official graph's fused ops (batch norm already folded in).

`_FusedConv2D` = conv + bias [+ ReLU / ReLU6]; `DepthwiseConv2dNative` without bias, then a 1x1
`_FusedConv2D` (Keras SeparableConv2D). TF "SAME" padding on a stride-2 3x3 conv of an even-sized
input pads 0 before and 1 after (asymmetric), which differs from PyTorch's symmetric padding, so
stride-2 layers pad explicitly.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

_ACTIVATIONS = {None: nn.Identity, "relu": nn.ReLU, "relu6": nn.ReLU6}


def tf_same_padding(kernel: int, stride: int, remainder: int = 0) -> tuple[int, int]:
    """(before, after) padding of TF 'SAME' for an input size that leaves `remainder` when divided
    by `stride` (0 for MoveNet's sizes; 1 for PoseNet's 16k + 1, where it is symmetric)."""
    total = max(kernel - (remainder or stride), 0)
    return total // 2, total - total // 2


class ConvAct(nn.Module):
    """Conv2d + bias + optional activation, with TF 'SAME' padding (the graph's `_FusedConv2D`)."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int = 1,
        stride: int = 1,
        groups: int = 1,
        bias: bool = True,
        act: str | None = None,
        size_remainder: int = 0,
    ) -> None:
        super().__init__()
        before, after = tf_same_padding(kernel_size, stride, size_remainder)
        symmetric = before == after
        self.pad = None if symmetric else (before, after, before, after)
        self.conv = nn.Conv2d(
            in_channels,
            out_channels,
            kernel_size,
            stride=stride,
            padding=before if symmetric else 0,
            groups=groups,
            bias=bias,
        )
        self.act = _ACTIVATIONS[act]()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.pad is not None:
            x = F.pad(x, self.pad)
        return self.act(self.conv(x))


class SeparableConv(nn.Module):
    """Depthwise 3x3 (no bias) then 1x1 conv + bias + ReLU (Keras SeparableConv2D + ReLU)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.depthwise = ConvAct(in_channels, in_channels, 3, groups=in_channels, bias=False)
        self.pointwise = ConvAct(in_channels, out_channels, 1, act="relu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))
