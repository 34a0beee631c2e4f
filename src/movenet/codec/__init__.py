"""Head tensors <-> keypoints: the official graph's decoding, reproduced op for op.

MoveNet's decoders are PyTorch (exported into the ONNX graphs); PoseNet's (`movenet.codec.posenet`)
are numpy and run in the light install, so the torch ones are imported only when asked for.
"""

from importlib import import_module

from movenet.codec.constants import MultiPoseDecoding, SinglePoseDecoding

_TORCH_DECODERS = {"decode_multi_pose": "movenet.codec.multi_pose", "decode_single_pose": "movenet.codec.single_pose"}


def __getattr__(name: str):
    if name in _TORCH_DECODERS:
        return getattr(import_module(_TORCH_DECODERS[name]), name)
    raise AttributeError(f"module 'movenet.codec' has no attribute {name!r}")


__all__ = ["MultiPoseDecoding", "SinglePoseDecoding", "decode_multi_pose", "decode_single_pose"]
