"""BlazePose's 33 landmarks -> the 17 COCO keypoints (pure; no mediapipe needed).

MediaPipe Pose landmark indices (`mediapipe/python/solutions/pose.py PoseLandmark`): 0 nose,
2 / 5 left / right eye (centre; 1, 3, 4, 6 are the inner and outer corners), 7 / 8 ears,
11 / 12 shoulders, 13 / 14 elbows, 15 / 16 wrists, 23 / 24 hips, 25 / 26 knees, 27 / 28 ankles
(the hands, mouth, heels and feet have no COCO counterpart). Coordinates are normalised to the
image; a keypoint's score is the landmark's `visibility` (the model's probability that it is in
view and not occluded), and the pose score the mean of the 17 scores (BlazePose reports none).
"""

from __future__ import annotations

import numpy as np

BLAZEPOSE_LANDMARKS = 33
# COCO keypoint order (movenet.skeleton.KEYPOINT_NAMES) -> BlazePose landmark index
COCO_FROM_BLAZEPOSE = (0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28)


def blazepose_to_coco(landmarks: np.ndarray, height: int, width: int) -> tuple[np.ndarray, float]:
    """(33, 4) (x, y, z, visibility), x and y normalised -> ((17, 3) (x, y, score) px, pose score)."""
    landmarks = np.asarray(landmarks, dtype=np.float64)
    if landmarks.shape != (BLAZEPOSE_LANDMARKS, 4):
        raise ValueError(f"BlazePose gives ({BLAZEPOSE_LANDMARKS}, 4) landmarks, got {landmarks.shape}")
    picked = landmarks[list(COCO_FROM_BLAZEPOSE)]
    xy_score = np.stack([picked[:, 0] * width, picked[:, 1] * height, picked[:, 3]], axis=1)
    return xy_score, float(xy_score[:, 2].mean())
