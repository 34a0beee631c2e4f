"""FPN decoder from stride 32 to stride 4 (the official `center_net_mobile_net_v2fpn` extractor).

Top-down: a 1x1 lateral at stride 32, then at strides 16, 8, 4: bilinear x2 upsampling
(`ResizeBilinear` with half_pixel_centers=True, align_corners=False, which is PyTorch's
`align_corners=False`), add the level's 1x1 lateral, separable conv (depthwise 3x3 + 1x1 + ReLU).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from movenet.model.layers import ConvAct, SeparableConv
from movenet.model.mobilenet_v2 import FeatureLevel


class FPN(nn.Module):
    """`channels` = lateral widths from the coarsest level to the finest (64, 64, 32, 24)."""

    def __init__(self, levels: Sequence[FeatureLevel], channels: Sequence[int]) -> None:
        super().__init__()
        if len(levels) != len(channels):
            raise ValueError(f"{len(levels)} feature levels but {len(channels)} FPN widths")
        coarse_to_fine = list(reversed(levels))
        self.laterals = nn.ModuleList(
            ConvAct(level.channels, width, 1) for level, width in zip(coarse_to_fine, channels)
        )
        widths = list(channels) + [channels[-1]]
        self.smooth = nn.ModuleList(
            SeparableConv(widths[i], widths[i + 1]) for i in range(1, len(channels))
        )
        self.out_channels = channels[-1]
        self.stride = coarse_to_fine[-1].stride

    def forward(self, features: Sequence[torch.Tensor]) -> torch.Tensor:
        coarse_to_fine = list(reversed(features))
        x = self.laterals[0](coarse_to_fine[0])
        for lateral, smooth, feature in zip(self.laterals[1:], self.smooth, coarse_to_fine[1:]):
            x = F.interpolate(x, size=feature.shape[-2:], mode="bilinear", align_corners=False)
            x = smooth(x + lateral(feature))
        return x
