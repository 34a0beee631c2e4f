"""BlazePose (MediaPipe Pose, the "full" model) as a comparison detector for eval and bench.

Runs the legacy `mediapipe.solutions.pose.Pose` of mediapipe 0.10.x (< 0.10.30), whose wheel
ships `pose_detection.tflite` and `pose_landmark_full.tflite` inside the package: nothing is
downloaded. Only `model_complexity=1` ("full") is shipped; "lite" and "heavy" would be downloaded
at run time, so they are not offered. Still images run in `static_image_mode` (person detector,
then landmarks, on every call, one person); `reset()` starts a fresh graph. Landmarks are mapped
to the COCO 17 by `blazepose_mapping`.
"""

from __future__ import annotations

import numpy as np

from movenet.peers.blazepose_mapping import BLAZEPOSE_LANDMARKS, blazepose_to_coco
from movenet.pipelines.single_pose import keypoints_box
from movenet.preprocess.image_input import to_rgb_array
from movenet.types import Pose

MODEL_COMPLEXITY = 1  # "full": the only BlazePose landmark model the mediapipe wheel ships
MIN_DETECTION_CONFIDENCE = 0.5  # mediapipe's default for the person detector


class BlazePoseDetector:
    """`estimate_poses(image)` -> [Pose] (at most one person), keypoints in image pixels."""

    name = "blazepose"
    runtime = "mediapipe"

    def __init__(self, min_detection_confidence: float = MIN_DETECTION_CONFIDENCE, threads: int | None = None) -> None:
        import mediapipe as mp

        self._solution = mp.solutions.pose
        self._options = {
            "static_image_mode": True, "model_complexity": MODEL_COMPLEXITY, "smooth_landmarks": False,
            "enable_segmentation": False, "min_detection_confidence": min_detection_confidence,
        }
        self._pose = self._solution.Pose(**self._options)  # threads: mediapipe chooses its own

    @property
    def spec(self):  # what `movenet.eval.evaluate` reads for the report's model name
        return self

    def reset(self) -> None:
        """Nothing spans calls in static-image mode; kept for the detector interface."""

    def estimate_poses(self, image, timestamp_ms: float | None = None, *, color: str = "rgb") -> list[Pose]:
        rgb = np.ascontiguousarray(to_rgb_array(image, color))
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return []
        marks = result.pose_landmarks.landmark
        landmarks = np.array([(m.x, m.y, m.z, m.visibility) for m in marks], dtype=np.float64)
        assert landmarks.shape[0] == BLAZEPOSE_LANDMARKS
        xy_score, score = blazepose_to_coco(landmarks, *rgb.shape[:2])
        return [Pose.from_array(xy_score, score, keypoints_box(xy_score))]

    def close(self) -> None:
        self._pose.close()
