"""Run the network and its decoding with PyTorch on the CPU."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from movenet.codec import MultiPoseDecoding, decode_multi_pose, decode_single_pose
from movenet.limits import check_threads
from movenet.model.heads import head_at_pixels
from movenet.model.movenet import MoveNet
from movenet.model.posenet import PoseNet
from movenet.registry import AnySpec, get_spec
from movenet.runtime.base import Runtime
from movenet.weights.store import Decoding, load_model


# Heads the decoders read only at a few pixels (the person centres, the keypoints).
SPARSE_HEADS = ("kpt_regress", "kpt_offset", "box_scale", "box_offset")


class DecodedMoveNet(nn.Module):
    """Network + official decoding: (B, H, W, 3) RGB 0..255 -> the official output layout.

    SinglePose: (B, 1, 17, 3) = (y, x, score); MultiPose: (B, 6, 56) = 17 x (y, x, score), box
    (ymin, xmin, ymax, xmax), score; coordinates normalised to the input.

    lean: the graph we export (`movenet export-onnx`, `.tflite`): the heads the decoding reads at a
    few pixels only (regression, offsets, boxes) are evaluated at those pixels (`head_at_pixels`)
    instead of on the whole map: the same outputs up to float32 rounding order (1e-6), 10 % fewer
    multiply-adds for Lightning. `nhwc_normalize`: the input normalised before the NHWC -> NCHW
    permute (the same float32 operations; the TFLite export, whose graph then starts without a
    TRANSPOSE; in onnxruntime the per-channel broadcast over a last axis of 3 is slower).
    """

    def __init__(self, network: MoveNet, decoding: Decoding, lean: bool = False, nhwc_normalize: bool = False) -> None:
        super().__init__()
        self.network = network
        self.decoding = decoding
        self.lean = lean
        self.nhwc_normalize = nhwc_normalize

    def forward(self, images_nhwc: torch.Tensor) -> torch.Tensor:
        decode = decode_multi_pose if isinstance(self.decoding, MultiPoseDecoding) else decode_single_pose
        if not self.lean and not self.nhwc_normalize:
            return decode(self.network(images_nhwc.permute(0, 3, 1, 2).float()), self.decoding)
        net = self.network
        if self.nhwc_normalize:
            norm = net.normalize
            x = ((images_nhwc.float() - norm.mean) * norm.scale - norm.offset[0]).permute(0, 3, 1, 2)
        else:
            x = net.normalize(images_nhwc.permute(0, 3, 1, 2).float())
        features = net.fpn(net.backbone(x))
        if not self.lean:
            return decode({name: head(features) for name, head in net.heads.items()}, self.decoding)
        heads = {}
        for name, head in net.heads.items():
            if name in SPARSE_HEADS:
                heads[name] = lambda index, head=head: head_at_pixels(head, features, index)
            else:
                heads[name] = head(features)
        return decode(heads, self.decoding)


class PoseNetOutputs(nn.Module):
    """PoseNet network + what the official client does around the graph (`base_model.ts
    predict`): (B, H, W, 3) float RGB 0..255 -> (B, h, w, 115) channels last = sigmoid(heatmap),
    offsets, forward and backward displacements (`movenet.codec.posenet.heads`)."""

    def __init__(self, network: PoseNet) -> None:
        super().__init__()
        self.network = network

    def forward(self, images_nhwc: torch.Tensor) -> torch.Tensor:
        heads = self.network(images_nhwc.permute(0, 3, 1, 2).float())
        parts = [torch.sigmoid(heads["heatmap"]), heads["offset"], heads["displacement_fwd"], heads["displacement_bwd"]]
        return torch.cat(parts, dim=1).permute(0, 2, 3, 1)


class TorchRuntime(Runtime):
    """`runtime(batch)` -> numpy output in the official layout, for validated inputs."""

    name = "torch"
    precisions = ("fp32",)

    def __init__(
        self,
        model: str | AnySpec = "lightning",
        weights: str | Path | None = None,
        threads: int | None = None,
        lean: bool = False,
    ) -> None:
        self.spec = get_spec(model)
        threads = check_threads(threads)
        network, decoding = load_model(self.spec, weights)
        if self.spec.family == "posenet":
            self.module = PoseNetOutputs(network).eval()
        else:
            self.module = DecodedMoveNet(network, decoding, lean).eval()
        if threads is not None:
            torch.set_num_threads(int(threads))

    def run(self, batch: np.ndarray) -> np.ndarray:
        """The bare network + decoding on an already valid (B, H, W, 3) batch."""
        with torch.inference_mode():
            return self.module(torch.from_numpy(batch)).numpy()
