"""MobileNetV2 feature extractor with a width multiplier and declared feature levels.

Structure from the MobileNetV2 paper (Sandler et al. 2018, table 2) as built by Keras
`tf.keras.applications.MobileNetV2`, whose layer names (`block_2_add`, `out_relu`, ...) the official
graph keeps. The FPN taps the ends of the stride-4, -8 and -16 stages the TF Object Detection
API's CenterNet MobileNetV2-FPN uses (`block_2_add`, `block_5_add`, `block_9_add`) and `out_relu`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from movenet.model.layers import ConvAct

# (expansion t, base channels c, repeats n, first stride s) per stage: the paper's table 2.
INVERTED_RESIDUAL_SETTINGS = (
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)
STEM_CHANNELS = 32
# Block index (0 = Keras "expanded_conv", i = "block_i") whose output each FPN level taps.
FEATURE_TAPS = {"block_2_add": 2, "block_5_add": 5, "block_9_add": 9}


def make_divisible(value: float, divisor: int = 8) -> int:
    """Keras `_make_divisible`: round to the nearest multiple, never more than 10 % down."""
    new = max(divisor, int(value + divisor / 2) // divisor * divisor)
    if new < 0.9 * value:
        new += divisor
    return new


@dataclass(frozen=True)
class FeatureLevel:
    """A feature map the backbone returns: its Keras layer name, channel count and stride."""

    name: str
    channels: int
    stride: int


class InvertedResidual(nn.Module):
    """1x1 expand (ReLU6, skipped when t = 1) -> 3x3 depthwise (ReLU6) -> 1x1 project (linear)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int, expansion: int) -> None:
        super().__init__()
        hidden = in_channels * expansion
        self.expand = ConvAct(in_channels, hidden, 1, act="relu6") if expansion != 1 else None
        self.depthwise = ConvAct(hidden, hidden, 3, stride=stride, groups=hidden, act="relu6")
        self.project = ConvAct(hidden, out_channels, 1)
        self.use_residual = stride == 1 and in_channels == out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.expand(x) if self.expand is not None else x
        y = self.project(self.depthwise(y))
        return x + y if self.use_residual else y


class MobileNetV2(nn.Module):
    """Returns the feature maps of `feature_info`, from stride 4 to stride 32."""

    def __init__(self, width_multiplier: float = 1.0, last_channels: int = 1280) -> None:
        super().__init__()
        channels = make_divisible(STEM_CHANNELS * width_multiplier)
        self.stem = ConvAct(3, channels, 3, stride=2, act="relu6")  # Keras "Conv1"
        blocks = []
        levels = []
        stride = 2
        for expansion, base, repeats, first_stride in INVERTED_RESIDUAL_SETTINGS:
            out = make_divisible(base * width_multiplier)
            for i in range(repeats):
                s = first_stride if i == 0 else 1
                blocks.append(InvertedResidual(channels, out, s, expansion))
                channels = out
                stride *= s
                for name, index in FEATURE_TAPS.items():
                    if index == len(blocks) - 1:
                        levels.append(FeatureLevel(name, channels, stride))
        self.blocks = nn.ModuleList(blocks)
        self.last = ConvAct(channels, last_channels, 1, act="relu6")  # Keras "Conv_1"/"out_relu"
        levels.append(FeatureLevel("out_relu", last_channels, stride))
        self.feature_info: tuple[FeatureLevel, ...] = tuple(levels)
        self._taps = frozenset(FEATURE_TAPS.values())

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        features = []
        x = self.stem(x)
        for index, block in enumerate(self.blocks):
            x = block(x)
            if index in self._taps:
                features.append(x)
        features.append(self.last(x))
        return features
