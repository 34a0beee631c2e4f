"""The network as `torch.nn.Module`s: backbone, FPN, heads. Decoding is in `movenet.codec`."""

from movenet.model.mobilenet_v2 import FeatureLevel, MobileNetV2
from movenet.model.movenet import MoveNet

__all__ = ["FeatureLevel", "MobileNetV2", "MoveNet"]
