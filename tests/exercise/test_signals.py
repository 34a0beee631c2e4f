"""The exercise signals equal `movenet.analysis.geometry` (their fast path on plain lists), combine
the sides as documented, and estimate the trunk lean in any camera view."""

import math

import numpy as np
import pytest
from exercise_synthetic import figure

from movenet.analysis import geometry
from movenet.exercise.rom import MEASURES, measure_all
from movenet.exercise.signals import (
    Inclination,
    JointAngle,
    LargerOf,
    Posture,
    pose_rows,
)


def test_every_measure_equals_geometry_on_random_poses():
    rng = np.random.default_rng(0)
    for _ in range(200):
        kps = np.c_[rng.uniform(0, 640, (17, 2)), rng.uniform(0, 1, 17)]
        ours = measure_all(kps, 0.3)
        for name, m in MEASURES.items():
            if isinstance(m, JointAngle):
                want = geometry.joint_angle(kps, m.joint, m.combine, 0.3).value
            elif m.segment == "trunk":
                want = geometry.inclination_to_vertical(kps, "trunk", min_score=0.3).value
            else:
                want = geometry.inclination_to_vertical(kps, m.segment, m.combine, 0.3).value
            assert (math.isnan(ours[name]) and math.isnan(want)) or ours[name] == pytest.approx(want, abs=1e-9), name


def test_sides_combine_as_documented():
    kps = figure()
    kps[11:17:2, :2] = [[300, 300], [300, 390], [390, 390]]  # left knee at 90 deg
    rows = pose_rows(kps)
    left, right = geometry.joint_angle(kps, "knee", "left").value, geometry.joint_angle(kps, "knee", "right").value
    assert JointAngle("knee", "mean").measure(rows, 0.3).value == pytest.approx((left + right) / 2)
    assert JointAngle("knee", "min").measure(rows, 0.3).value == pytest.approx(min(left, right))
    assert JointAngle("knee", "right").measure(rows, 0.3).value == pytest.approx(right)
    kps[15, 2] = 0.1  # left ankle unseen: the mean is the right side alone
    assert JointAngle("knee", "mean").measure(kps, 0.3).value == pytest.approx(right)
    both = LargerOf((JointAngle("hip"), JointAngle("knee")))
    bent = figure(hip=60.0, knee=170.0)  # a bend at the hips with straight knees: not seated
    assert both.measure(bent, 0.3).value == pytest.approx(170.0)
    assert Inclination("trunk", "horizontal").measure(figure(lean=30.0), 0.3).value == pytest.approx(60.0)
    with pytest.raises(ValueError, match="unknown joint"):
        JointAngle("ankle")


def test_trunk_lean_in_a_frontal_view():
    # seen from the front, leaning 50 deg towards the camera only shortens the trunk in the image
    posture = Posture()
    upright = figure()
    posture.update(upright, 0.0, 0.3)
    leaning = upright.copy()
    hip = (leaning[11, :2] + leaning[12, :2]) / 2
    for i in range(11):  # head, shoulders and arms move down towards the hip by 1 - cos(50 deg)
        leaning[i, 1] = hip[1] + (leaning[i, 1] - hip[1]) * math.cos(math.radians(50.0))
    for t in (33.0, 66.0, 99.0):
        frame = posture.update(leaning, t, 0.3)
    assert frame.lean == pytest.approx(50.0, abs=0.5) and frame.hands_low == 0.0
    assert frame.hip_height == pytest.approx(1.0)  # the hips did not go down
    assert geometry.inclination_to_vertical(leaning, "trunk").value == pytest.approx(0.0, abs=1e-9)  # 2D sees nothing
