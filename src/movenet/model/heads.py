"""CenterNet-style prediction heads: depthwise 3x3 -> 1x1 to 96 + ReLU -> 1x1 to the outputs."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from movenet.model.layers import ConvAct, SeparableConv


class Head(nn.Module):
    def __init__(self, in_channels: int, hidden_channels: int, out_channels: int) -> None:
        super().__init__()
        self.hidden = SeparableConv(in_channels, hidden_channels)
        self.out = ConvAct(hidden_channels, out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.hidden(x))


def head_at_pixels(head: Head, features: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """`head(features)` at the flat pixel indices `index` (B, N) only: (B, C_out, N).

    The same arithmetic as the full head (depthwise 3x3 with zero "SAME" padding, 1x1 + bias +
    ReLU, 1x1 + bias) on the 3x3 neighbourhood of each pixel, so a decoder that reads a head at a
    few pixels (the regression at the person's centre, the offsets at the keypoints) need not
    compute it on the whole map; equal to the full head up to float32 rounding order."""
    batch, channels, height, width = features.shape
    padded = F.pad(features, (1, 1, 1, 1)).flatten(2)  # (B, C, (h + 2) (w + 2))
    y = torch.div(index, width, rounding_mode="floor")
    x = index - y * width
    taps = torch.arange(3, device=index.device)
    # padded position of tap (dy, dx) of pixel (y, x): (y + dy) * (w + 2) + x + dx, as (B, N, 9)
    flat = ((y[..., None, None] + taps[:, None]) * (width + 2) + x[..., None, None] + taps[None, :]).flatten(2)
    n = index.shape[1]
    patches = padded.gather(2, flat.flatten(1)[:, None, :].expand(batch, channels, n * 9)).view(batch, channels, n, 9)
    depthwise = head.hidden.depthwise.conv.weight.view(channels, 9)  # (C, 1, 3, 3): no bias
    hidden = (patches * depthwise[None, :, None, :]).sum(-1)  # (B, C, N)
    pointwise = head.hidden.pointwise.conv
    hidden = torch.relu(torch.matmul(pointwise.weight[:, :, 0, 0], hidden) + pointwise.bias[:, None])
    out = head.out.conv
    return torch.matmul(out.weight[:, :, 0, 0], hidden) + out.bias[:, None]
