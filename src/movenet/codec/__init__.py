"""Head tensors <-> keypoints: the official graph's decoding, reproduced op for op."""

from movenet.codec.constants import MultiPoseDecoding, SinglePoseDecoding
from movenet.codec.multi_pose import decode_multi_pose
from movenet.codec.single_pose import decode_single_pose

__all__ = ["MultiPoseDecoding", "SinglePoseDecoding", "decode_multi_pose", "decode_single_pose"]
