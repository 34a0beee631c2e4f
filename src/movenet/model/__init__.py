"""The networks as `torch.nn.Module`s: backbone, FPN, heads. Decoding is in `movenet.codec`."""

from movenet.model.mobilenet_v2 import FeatureLevel, MobileNetV2
from movenet.model.movenet import MoveNet
from movenet.model.posenet import PoseNet


def build_network(spec):
    """The untrained network of a registry spec, by family (MoveNet or PoseNet)."""
    from movenet.registry import get_spec

    spec = get_spec(spec)
    return PoseNet(spec) if spec.family == "posenet" else MoveNet(spec)


__all__ = ["FeatureLevel", "MobileNetV2", "MoveNet", "PoseNet", "build_network"]
