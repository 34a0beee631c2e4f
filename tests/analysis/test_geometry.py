"""Joint angles and segment directions on hand-built keypoints, against hand-computed values."""

import math

import numpy as np
import pytest

from movenet.analysis import geometry as g
from movenet.skeleton import KEYPOINT_NAMES
from movenet.types import Pose


def pose_from(points: dict[str, tuple[float, float]], score: float = 0.9) -> np.ndarray:
    kps = np.zeros((17, 3))
    for name, (x, y) in points.items():
        kps[KEYPOINT_NAMES.index(name)] = (x, y, score)
    return kps


def test_right_angle_elbow_and_straight_knee():
    kps = pose_from({
        "left_shoulder": (100, 100), "left_elbow": (100, 200), "left_wrist": (200, 200),
        "left_hip": (100, 300), "left_knee": (100, 400), "left_ankle": (100, 500),
    })
    assert g.joint_angle(kps, "elbow", "left").value == pytest.approx(90.0, abs=1e-9)
    assert g.joint_angle(kps, "knee", "left").value == pytest.approx(180.0, abs=1e-9)
    # shoulder: hip-shoulder-elbow, arm along the trunk -> 0
    assert g.joint_angle(kps, "shoulder", "left").value == pytest.approx(0.0, abs=1e-9)


def test_hand_computed_knee_angle():
    # hip (0, 0), knee (3, 4), ankle (0, 8): both segments length 5, angle at the knee by the law
    # of cosines: cos = (25 + 25 - 64) / 50 = -0.28 -> 106.2602 degrees
    kps = pose_from({"right_hip": (0, 0), "right_knee": (3, 4), "right_ankle": (0, 8)})
    assert g.joint_angle(kps, "knee", "right").value == pytest.approx(math.degrees(math.acos(-0.28)), abs=1e-9)
    assert g.joint_angle(kps, "knee", "right").value == pytest.approx(106.2602, abs=1e-4)


def test_confidence_is_the_minimum_score_and_low_scores_give_nan():
    kps = pose_from({"left_hip": (0, 0), "left_knee": (0, 10), "left_ankle": (0, 20)})
    kps[KEYPOINT_NAMES.index("left_ankle"), 2] = 0.2
    m = g.joint_angle(kps, "knee", "left")
    assert math.isnan(m.value) and not m.valid and m.confidence == pytest.approx(0.2)
    m = g.joint_angle(kps, "knee", "left", min_score=0.1)
    assert m.valid and m.value == pytest.approx(180.0) and m.confidence == pytest.approx(0.2)


def test_sides_are_the_persons_own():
    kps = pose_from({
        "left_shoulder": (300, 100), "left_elbow": (300, 200), "left_wrist": (300, 300),
        "right_shoulder": (100, 100), "right_elbow": (100, 200), "right_wrist": (200, 200),
    })
    assert g.joint_angle(kps, "elbow", "left").value == pytest.approx(180.0)
    assert g.joint_angle(kps, "elbow", "right").value == pytest.approx(90.0)


def test_trunk_direction_and_inclinations():
    upright = pose_from({"left_hip": (110, 300), "right_hip": (90, 300), "left_shoulder": (110, 100), "right_shoulder": (90, 100)})
    assert g.segment_direction(upright, "trunk").value == pytest.approx(0.0)
    head_right = pose_from({"left_hip": (100, 210), "right_hip": (100, 190), "left_shoulder": (300, 210), "right_shoulder": (300, 190)})
    assert g.segment_direction(head_right, "trunk").value == pytest.approx(90.0)
    head_left = pose_from({"left_hip": (300, 210), "right_hip": (300, 190), "left_shoulder": (100, 210), "right_shoulder": (100, 190)})
    assert g.segment_direction(head_left, "trunk").value == pytest.approx(-90.0)
    upside_down = pose_from({"left_hip": (110, 100), "right_hip": (90, 100), "left_shoulder": (110, 300), "right_shoulder": (90, 300)})
    assert g.segment_direction(upside_down, "trunk").value == pytest.approx(180.0)
    # leaning 30 degrees to the image's right: dx = tan(30) * dy
    lean = pose_from({"left_hip": (100, 300), "right_hip": (100, 300), "left_shoulder": (100 + 200 * math.tan(math.radians(30)), 100), "right_shoulder": (100 + 200 * math.tan(math.radians(30)), 100)})
    assert g.segment_direction(lean, "trunk").value == pytest.approx(30.0)
    assert g.inclination_to_vertical(lean, "trunk").value == pytest.approx(30.0)
    assert g.inclination_to_horizontal(lean, "trunk").value == pytest.approx(60.0)
    assert g.inclination_to_vertical(upside_down, "trunk").value == pytest.approx(0.0)


def test_shin_inclination_stands_in_for_the_ankle():
    kps = pose_from({"left_knee": (100, 100), "left_ankle": (150, 150)})
    assert g.inclination_to_vertical(kps, "shin", "left").value == pytest.approx(45.0)
    with pytest.raises(ValueError, match="no ankle"):
        g.joint_angle(kps, "ankle", "left")


def test_pose_objects_and_arrays_agree():
    kps = pose_from({"left_shoulder": (10, 10), "left_elbow": (20, 30), "left_wrist": (45, 32)})
    pose = Pose.from_array(kps, 0.9)
    assert g.joint_angle(pose, "elbow", "left") == g.joint_angle(kps, "elbow", "left")
    with pytest.raises(ValueError, match=r"\(17, 3\)"):
        g.joint_angle(np.zeros((5, 3)), "elbow", "left")


def test_wrap_and_degenerate_cases():
    assert g.wrap_degrees(358.0) == pytest.approx(-2.0)
    assert g.wrap_degrees(-180.0) == 180.0
    assert g.wrap_degrees(540.0) == 180.0
    assert math.isnan(g.angle_between((0, 0), (0, 0), (1, 1)))
    assert math.isnan(g.direction((1, 1), (1, 1)))
    assert g.torso_length(pose_from({"left_hip": (0, 40), "right_hip": (0, 40), "left_shoulder": (30, 0), "right_shoulder": (30, 0)})).value == pytest.approx(50.0)
