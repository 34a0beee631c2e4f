"""What the PoseNet decoders return."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DecodedPose:
    """17 keypoints (y, x, score), y and x in pixels of the model input, and the pose score."""

    keypoints: np.ndarray  # (17, 3) float64
    score: float
