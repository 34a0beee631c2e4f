"""movenet: Google's MoveNet pose estimation in Python, numerically identical to the official runtime."""

from movenet.api import Detector, DetectorOptions, create_detector
from movenet.errors import (
    InvalidInputError,
    InvalidOptionError,
    MovenetError,
    UnknownModelError,
    WeightsError,
)
from movenet.registry import ModelSpec, get_spec, list_models
from movenet.skeleton import KEYPOINT_NAMES, SKELETON_EDGES, KeypointName
from movenet.types import Box, Keypoint, Pose

__version__ = "0.1.0"

__all__ = [
    "KEYPOINT_NAMES",
    "SKELETON_EDGES",
    "Box",
    "Detector",
    "DetectorOptions",
    "InvalidInputError",
    "InvalidOptionError",
    "Keypoint",
    "KeypointName",
    "ModelSpec",
    "MovenetError",
    "Pose",
    "UnknownModelError",
    "WeightsError",
    "__version__",
    "create_detector",
    "get_spec",
    "list_models",
]
