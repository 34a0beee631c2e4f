"""Single-pose decoding (`single_pose/decode_single_pose.ts`, `argmax2d.ts`, `util.ts`).

Per part: the arg-max of its score map (first in row-major order on ties, as `tf.argMax`), the
offset vector at that cell added to the cell position times the output stride (in float32, as the
official `getOffsetPoints` does it with tensors); its score is the score map there. The pose score
is the mean of the 17 part scores.
"""

from __future__ import annotations

import numpy as np

from movenet.codec.posenet.heads import PoseNetHeads
from movenet.codec.posenet.types import DecodedPose
from movenet.skeleton import NUM_KEYPOINTS


def decode_single_pose(heads: PoseNetHeads, output_stride: int) -> DecodedPose:
    scores = np.asarray(heads.scores, dtype=np.float32)
    height, width, parts = scores.shape
    flat = scores.reshape(height * width, parts).argmax(0)  # (17,) row-major index per part
    ys, xs = flat // width, flat % width
    part = np.arange(parts)
    offsets = np.asarray(heads.offsets, dtype=np.float32)
    offset_y = offsets[ys, xs, part]
    offset_x = offsets[ys, xs, part + NUM_KEYPOINTS]
    y = (ys * output_stride).astype(np.float32) + offset_y  # float32 add, as the tensors do
    x = (xs * output_stride).astype(np.float32) + offset_x
    part_scores = scores[ys, xs, part]
    keypoints = np.stack([y, x, part_scores], axis=1).astype(np.float64)
    # the official adds the Float32Array's values one by one in JavaScript doubles, then / 17
    return DecodedPose(keypoints, sum(float(s) for s in part_scores) / parts)
