"""The COCO-17 keypoint layout MoveNet predicts: names, order, skeleton edges. Defined once.

Source: BRIEF section 2 point 7 (the official pose-detection `constants.ts` order and the COCO
skeleton).
"""

from __future__ import annotations

import enum

import numpy as np


class KeypointName(str, enum.Enum):
    """The 17 keypoints in the order of the model's output rows."""

    NOSE = "nose"
    LEFT_EYE = "left_eye"
    RIGHT_EYE = "right_eye"
    LEFT_EAR = "left_ear"
    RIGHT_EAR = "right_ear"
    LEFT_SHOULDER = "left_shoulder"
    RIGHT_SHOULDER = "right_shoulder"
    LEFT_ELBOW = "left_elbow"
    RIGHT_ELBOW = "right_elbow"
    LEFT_WRIST = "left_wrist"
    RIGHT_WRIST = "right_wrist"
    LEFT_HIP = "left_hip"
    RIGHT_HIP = "right_hip"
    LEFT_KNEE = "left_knee"
    RIGHT_KNEE = "right_knee"
    LEFT_ANKLE = "left_ankle"
    RIGHT_ANKLE = "right_ankle"

    @property
    def index(self) -> int:
        return KEYPOINT_NAMES.index(self.value)


KEYPOINT_NAMES: tuple[str, ...] = tuple(k.value for k in KeypointName)
NUM_KEYPOINTS = len(KEYPOINT_NAMES)  # 17

# COCO skeleton as index pairs (BRIEF section 2 point 7).
SKELETON_EDGES: tuple[tuple[int, int], ...] = (
    (0, 1), (0, 2), (1, 3), (2, 4), (5, 6), (5, 7), (5, 11), (6, 8),
    (6, 12), (7, 9), (8, 10), (11, 12), (11, 13), (12, 14), (13, 15), (14, 16),
)

# COCO keypoint OKS sigmas (pycocotools cocoeval.py, `kpt_oks_sigmas`), in keypoint order.
COCO_OKS_SIGMAS: tuple[float, ...] = (
    0.026, 0.025, 0.025, 0.035, 0.035, 0.079, 0.079, 0.072, 0.072,
    0.062, 0.062, 0.107, 0.107, 0.087, 0.087, 0.089, 0.089,
)


def keypoint_similarities(squared_distances: np.ndarray, area: float) -> np.ndarray:
    """COCO's per-keypoint similarity exp(-d^2 / (2 * area * (2 sigma)^2)): OKS is its mean over
    the keypoints that count (the tracker's and the evaluation's own rules for which ones)."""
    variances = (2.0 * np.asarray(COCO_OKS_SIGMAS)) ** 2
    return np.exp(-np.asarray(squared_distances, dtype=np.float64) / (2.0 * area * variances))
