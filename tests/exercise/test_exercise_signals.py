"""The exercise signals equal `movenet.analysis.geometry` (their fast path on plain lists), combine
the sides as documented, and estimate the trunk lean in any camera view."""

import math

import numpy as np
import pytest
from exercise_synthetic import figure

from movenet.analysis import geometry
from movenet.exercise.posture import Posture
from movenet.exercise.rom import MEASURES, measure_all
from movenet.exercise.signals import (
    Inclination,
    JointAngle,
    LargerOf,
    pose_rows,
)


def _numpy_angle(kps, a, b, c):
    """The law of cosines on numpy vectors: an independent computation of a joint angle."""
    v1, v2 = kps[a, :2] - kps[b, :2], kps[c, :2] - kps[b, :2]
    return math.degrees(np.arccos(np.clip(v1 @ v2 / np.linalg.norm(v1) / np.linalg.norm(v2), -1, 1)))


def test_every_measure_equals_an_independent_computation_on_random_poses():
    """The measures (geometry on rows, as the counters take them) against numpy's law of cosines
    and arctan, on Pose objects, arrays and rows alike."""
    from movenet.skeleton import KEYPOINT_NAMES as N
    from movenet.types import Pose

    rng = np.random.default_rng(0)
    for _ in range(200):
        kps = np.c_[rng.uniform(0, 640, (17, 2)), rng.uniform(0, 1, 17)]
        ours = measure_all(kps, 0.3)
        assert ours == pytest.approx(measure_all(Pose.from_array(kps, 1.0), 0.3), abs=1e-3, nan_ok=True)  # float32 keypoints
        assert ours == pytest.approx(measure_all(pose_rows(kps), 0.3), abs=0.0, nan_ok=True)
        for name, m in MEASURES.items():
            side = m.combine if m.combine in ("left", "right") else "left"
            if isinstance(m, JointAngle):
                parts = geometry.JOINTS[m.joint]
                idx = [N.index(f"{side}_{p}") for p in parts]
                want = _numpy_angle(kps, *idx) if kps[idx, 2].min() >= 0.3 else math.nan
            else:
                a, b = [np.mean([kps[N.index(n)] for n in ((f"left_{p[4:]}", f"right_{p[4:]}") if p.startswith("mid_") else (f"{side}_{p}",))], axis=0) for p in geometry.SEGMENTS[m.segment]]
                d = b[:2] - a[:2]
                want = math.degrees(math.atan(abs(d[0]) / abs(d[1]))) if min(a[2], b[2]) >= 0.3 else math.nan
                if m.segment == "trunk":  # a mid point's score is the lower of its two
                    lo = min(kps[N.index(n), 2] for n in ("left_hip", "right_hip", "left_shoulder", "right_shoulder"))
                    want = want if lo >= 0.3 else math.nan
            assert (math.isnan(ours[name]) and math.isnan(want)) or ours[name] == pytest.approx(want, abs=1e-6), name


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


def test_posture_references_restart_when_the_person_moves():
    # a person walks away from the camera: 3 torso lengths to the side, shrinking to 0.6 of the size.
    # Judged against the size they had before, they would look leaning (acos 0.6 = 53 deg) and
    # crouched (hip height 0.6); the references are taken again at the new place.
    posture = Posture()
    for i in range(10):
        frame = posture.update(figure(origin=(100.0, 300.0)), i * 100.0, 0.3)
    assert frame.lean == pytest.approx(0.0, abs=1.0) and frame.hip_height == pytest.approx(1.0)
    for i in range(10, 40):
        k = (i - 10) / 29
        frame = posture.update(figure(origin=(100.0 + 300.0 * k, 300.0 - 60.0 * k), scale=1.0 - 0.4 * k), i * 100.0, 0.3)
    assert frame.lean < 30.0 and frame.hip_height > 0.8
    # standing still, a real lean and a real squat are still seen against the references
    frame = posture.update(figure(origin=(400.0, 240.0), scale=0.6, lean=40.0), 4000.0, 0.3)
    frame = posture.update(figure(origin=(400.0, 240.0), scale=0.6, lean=40.0), 4100.0, 0.3)
    frame = posture.update(figure(origin=(400.0, 240.0), scale=0.6, lean=40.0), 4200.0, 0.3)
    assert frame.lean == pytest.approx(40.0, abs=6.0)  # (the last place's reference is a little larger)
    assert frame.hand_height > 0.5 and frame.hip_raise > 1.0
