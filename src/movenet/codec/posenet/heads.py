"""The runtime's PoseNet output and its four heads.

Our runtimes return one float32 array (B, h, w, 115), channels last as the official client's
tensor buffers: part scores (17, the sigmoid of the heatmap, as `base_model.ts predict` applies it),
offsets (34: 17 y then 17 x, input pixels), forward displacements (32: 16 edges y then 16 x) and
backward displacements (32).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movenet.skeleton import NUM_KEYPOINTS

NUM_EDGES = NUM_KEYPOINTS - 1  # the pose tree's 16 parent -> child edges
CHANNELS = {  # name -> (first channel, count) in the runtime output
    "scores": (0, NUM_KEYPOINTS),
    "offsets": (NUM_KEYPOINTS, 2 * NUM_KEYPOINTS),
    "displacement_fwd": (3 * NUM_KEYPOINTS, 2 * NUM_EDGES),
    "displacement_bwd": (3 * NUM_KEYPOINTS + 2 * NUM_EDGES, 2 * NUM_EDGES),
}
OUTPUT_CHANNELS = 3 * NUM_KEYPOINTS + 4 * NUM_EDGES  # 115


@dataclass(frozen=True)
class PoseNetHeads:
    """One image's heads, (h, w, C) float32 each."""

    scores: np.ndarray  # (h, w, 17) part scores in 0..1
    offsets: np.ndarray  # (h, w, 34)
    displacement_fwd: np.ndarray  # (h, w, 32)
    displacement_bwd: np.ndarray  # (h, w, 32)

    @property
    def shape(self) -> tuple[int, int]:
        return self.scores.shape[0], self.scores.shape[1]


def split_output(output: np.ndarray) -> PoseNetHeads:
    """(h, w, 115) runtime output of one image -> its four heads (views, no copy)."""
    if output.ndim != 3 or output.shape[-1] != OUTPUT_CHANNELS:
        raise ValueError(f"a PoseNet output is (h, w, {OUTPUT_CHANNELS}), got {output.shape}")
    return PoseNetHeads(**{name: output[..., start:start + n] for name, (start, n) in CHANNELS.items()})
