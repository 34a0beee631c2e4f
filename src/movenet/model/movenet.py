"""The MoveNet network: input normalisation -> MobileNetV2 -> FPN -> heads. Returns raw heads.

Input: float tensor (B, 3, H, W) of RGB pixel values 0..255 (what the official graph gets as int32
NHWC and casts to float). Output: a dict head name -> (B, C, H/4, W/4) logits/regressions. The
decoding into keypoints lives in `movenet.codec`, apart from the network.
"""

from __future__ import annotations

import torch
from torch import nn

from movenet.model.fpn import FPN
from movenet.model.heads import Head
from movenet.model.mobilenet_v2 import MobileNetV2
from movenet.registry import ModelSpec, get_spec

# The graph's normalisation `(x - Reshape) * truediv - sub_1/y`, values as stored (float16) in
# every official MoveNet graph. The weight files carry them too (they win when loaded).
GRAPH_INPUT_MEAN = 0.0
GRAPH_INPUT_SCALE = 0.007843017578125  # float16(1 / 127.5)
GRAPH_INPUT_OFFSET = 1.0


class InputNormalization(nn.Module):
    """(x - mean) * scale - offset, per channel, with the constants as state-dict buffers."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("mean", torch.full((3,), GRAPH_INPUT_MEAN))
        self.register_buffer("scale", torch.full((3,), GRAPH_INPUT_SCALE))
        self.register_buffer("offset", torch.full((1,), GRAPH_INPUT_OFFSET))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean[:, None, None]) * self.scale[:, None, None] - self.offset[0]


class MoveNet(nn.Module):
    def __init__(self, spec: ModelSpec | str) -> None:
        super().__init__()
        self.spec = get_spec(spec)
        self.normalize = InputNormalization()
        self.backbone = MobileNetV2(self.spec.width_multiplier, self.spec.last_channels)
        self.fpn = FPN(self.backbone.feature_info, self.spec.fpn_channels)
        self.heads = nn.ModuleDict(
            {
                h.name: Head(self.fpn.out_channels, self.spec.head_hidden_channels, h.channels)
                for h in self.spec.heads
            }
        )

    @property
    def output_stride(self) -> int:
        return self.fpn.stride

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        x = self.normalize(images)
        x = self.fpn(self.backbone(x))
        return {name: head(x) for name, head in self.heads.items()}
