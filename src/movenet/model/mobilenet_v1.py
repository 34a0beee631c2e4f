"""MobileNetV1 trunk of PoseNet: a 3x3 stride-2 conv, then separable blocks (depthwise 3x3 + ReLU6,
pointwise 1x1 + ReLU6), batch norm folded into the convolutions as in the official graph.

Layer names follow the graph (`MobilenetV1/MobilenetV1/Conv2d_{i}_{depthwise,pointwise}`); widths
and strides come from the spec, read off `shared/models/tfjs/posenet.json`. PoseNet's input sides
are 16k + 1, so every map along the way has an odd side and TF "SAME" padding of each 3x3 conv is
one pixel on every side (stride 1 or 2): `size_remainder=1`.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from movenet.model.layers import ConvAct

ODD_SIZE = 1  # sides are 16k + 1, hence odd at every stride up to 16


class SeparableBlock(nn.Module):
    """Conv2d_{i}_depthwise (3x3, ReLU6) then Conv2d_{i}_pointwise (1x1, ReLU6)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        self.depthwise = ConvAct(
            in_channels, in_channels, 3, stride=stride, groups=in_channels, act="relu6", size_remainder=ODD_SIZE
        )
        self.pointwise = ConvAct(in_channels, out_channels, 1, act="relu6")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class MobileNetV1(nn.Module):
    """(B, 3, H, W) normalised image -> (B, C, (H-1)/s + 1, (W-1)/s + 1) features, s = total stride."""

    def __init__(self, stem_channels: int, block_channels: Sequence[int], block_strides: Sequence[int]) -> None:
        super().__init__()
        if len(block_channels) != len(block_strides):
            raise ValueError(f"{len(block_channels)} block widths but {len(block_strides)} strides")
        self.stem = ConvAct(3, stem_channels, 3, stride=2, act="relu6", size_remainder=ODD_SIZE)  # Conv2d_0
        blocks, channels = [], stem_channels
        for out, stride in zip(block_channels, block_strides):
            blocks.append(SeparableBlock(channels, out, stride))
            channels = out
        self.blocks = nn.ModuleList(blocks)  # Conv2d_1 .. Conv2d_13
        self.out_channels = channels
        self.stride = 2
        for stride in block_strides:
            self.stride *= stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        for block in self.blocks:
            x = block(x)
        return x
