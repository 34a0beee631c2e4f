"""CenterNet-style prediction heads: depthwise 3x3 -> 1x1 to 96 + ReLU -> 1x1 to the outputs."""

from __future__ import annotations

import torch
from torch import nn

from movenet.model.layers import ConvAct, SeparableConv


class Head(nn.Module):
    def __init__(self, in_channels: int, hidden_channels: int, out_channels: int) -> None:
        super().__init__()
        self.hidden = SeparableConv(in_channels, hidden_channels)
        self.out = ConvAct(hidden_channels, out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.hidden(x))
