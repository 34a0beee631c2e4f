"""PoseNet's pose tree (`keypoints.ts poseChain`): the parent -> child edges the displacement
fields follow, rooted (arbitrarily, as the source says) at the nose. Edge e's displacements are
channels e (y) and 16 + e (x) of the forward (parent -> child) and backward (child -> parent) maps.
"""

from __future__ import annotations

from movenet.skeleton import KEYPOINT_NAMES

POSE_CHAIN_NAMES = (
    ("nose", "left_eye"), ("left_eye", "left_ear"), ("nose", "right_eye"), ("right_eye", "right_ear"),
    ("nose", "left_shoulder"), ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("left_shoulder", "left_hip"), ("left_hip", "left_knee"), ("left_knee", "left_ankle"),
    ("nose", "right_shoulder"), ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"),
    ("right_shoulder", "right_hip"), ("right_hip", "right_knee"), ("right_knee", "right_ankle"),
)
# (parent id, child id) per edge, in the order of the displacement channels
POSE_CHAIN = tuple((KEYPOINT_NAMES.index(a), KEYPOINT_NAMES.index(b)) for a, b in POSE_CHAIN_NAMES)
