"""PoseNet decoding (Google's `@tensorflow-models/posenet` 2.2.2, written anew in numpy).

The network's four heads are decoded outside the graph: single-pose (per-part arg-max + offset)
and multi-pose (part-score local maxima as roots, displacements along the skeleton tree, NMS by
keypoint distance). Positions are pixels of the model input, (y, x) as in the official code.
"""

from movenet.codec.posenet.heads import PoseNetHeads, split_output
from movenet.codec.posenet.multi import decode_multiple_poses
from movenet.codec.posenet.single import decode_single_pose
from movenet.codec.posenet.types import DecodedPose

__all__ = ["DecodedPose", "PoseNetHeads", "decode_multiple_poses", "decode_single_pose", "split_output"]
