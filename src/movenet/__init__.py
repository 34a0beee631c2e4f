"""movenet: Google's MoveNet pose estimation in Python, numerically identical to the official runtime.

The names below are imported on first use (PEP 562), so that `import movenet.something` (the
command line, the database, the reports) does not pay for numpy and the inference pipelines it
may not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

# name -> the module that defines it
_EXPORTS = {
    "Detector": "movenet.api", "DetectorOptions": "movenet.api", "create_detector": "movenet.api",
    "InvalidInputError": "movenet.errors", "InvalidOptionError": "movenet.errors",
    "MovenetError": "movenet.errors", "UnknownModelError": "movenet.errors", "WeightsError": "movenet.errors",
    "ModelSpec": "movenet.registry", "get_spec": "movenet.registry", "list_models": "movenet.registry",
    "KEYPOINT_NAMES": "movenet.skeleton", "SKELETON_EDGES": "movenet.skeleton", "KeypointName": "movenet.skeleton",
    "Box": "movenet.types", "Keypoint": "movenet.types", "Pose": "movenet.types",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'movenet' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once imported, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
