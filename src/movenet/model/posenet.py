"""The PoseNet network: input normalisation -> MobileNetV1 -> four 1x1 heads. Returns raw heads.

Input: float tensor (B, 3, H, W) of RGB values 0..255 (what the official client feeds the graph,
resized, not rounded), H and W of the form 16k + 1. Normalisation as the official client does it
before the graph (`mobilenet.ts preprocessInput`): `x / 127.5 - 1` in float32. Output: a dict
head name -> (B, C, (H-1)/16 + 1, (W-1)/16 + 1); the heatmap as logits (the client applies the
sigmoid; `movenet.runtime.torch_runtime.PoseNetOutputs` does it for the runtimes).
"""

from __future__ import annotations

import torch
from torch import nn

from movenet.model.layers import ConvAct
from movenet.model.mobilenet_v1 import MobileNetV1
from movenet.registry import PoseNetSpec, get_spec

INPUT_DIVISOR = 127.5  # mobilenet.ts: tf.sub(tf.div(input, 127.5), 1.0)
INPUT_OFFSET = 1.0


class PoseNet(nn.Module):
    def __init__(self, spec: PoseNetSpec | str = "posenet") -> None:
        super().__init__()
        self.spec = get_spec(spec)
        if self.spec.family != "posenet":
            raise ValueError(f"{self.spec.name} is not a PoseNet model")
        self.backbone = MobileNetV1(self.spec.stem_channels, self.spec.block_channels, self.spec.block_strides)
        self.heads = nn.ModuleDict(
            {h.name: ConvAct(self.backbone.out_channels, h.channels, 1) for h in self.spec.heads}
        )

    @property
    def output_stride(self) -> int:
        return self.backbone.stride

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        x = self.backbone(images / INPUT_DIVISOR - INPUT_OFFSET)
        return {name: head(x) for name, head in self.heads.items()}
