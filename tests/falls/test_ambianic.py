"""Ambianic's heuristic: their conventions by hand, their timing, their unit-test frames with Thunder."""

from __future__ import annotations

import csv
import itertools
import math
from dataclasses import replace

import numpy as np
import pytest
from conftest import FIXTURES, SHARED

from movenet.falls import FallDetector, detect_falls
from movenet.falls.ambianic import (
    AmbianicHeuristic,
    AmbianicSettings,
    accepts,
    angle_to_vertical,
    torso_score,
)
from movenet.falls.synthetic import LYING, STAND, body_pose, frames, keyframes
from movenet.types import Pose

FRAMES = SHARED / "data" / "videos" / "falls-ambianic-test-frames"
LS, RS, LH, RH = 5, 6, 11, 12


def torso(left=(0.5, 0.5), right=(0.5, 0.5), shoulder_xy=((10, 0), (20, 0)), hip_xy=((11, 30), (21, 30))) -> Pose:
    """A pose with given (shoulder, hip) scores per side; other keypoints score 0. The default
    stands slightly tilted: their code reads an angle of exactly 0 to the vertical as "no side"."""
    a = np.zeros((17, 3))
    a[LS, :2], a[RS, :2] = shoulder_xy
    a[LH, :2], a[RH, :2] = hip_xy
    a[[LS, LH], 2], a[[RS, RH], 2] = left, right
    return Pose.from_array(a, 0.5)


def test_torso_score_both_sides_one_side_none():
    assert torso_score(torso((0.6, 0.4), (0.9, 0.8)), 0.15) == pytest.approx((0.4 + 0.8) / 2)
    assert torso_score(torso((0.6, 0.4), (0.9, 0.1)), 0.15) == pytest.approx(0.4 * 0.9)
    assert torso_score(torso((0.6, 0.15), (0.1, 0.9)), 0.15) == 0.0  # "above" the threshold, strictly


def test_their_angles_are_not_wrapped():
    assert angle_to_vertical((10, 0), (10, 10)) == 0.0  # upright: hip under the shoulder
    assert angle_to_vertical((10, 0), (0, 0)) == 90.0  # lying, head to the right
    assert angle_to_vertical((0, 0), (10, 0)) == 90.0  # lying, head to the left
    assert angle_to_vertical((0, 0.1), (10, 0)) == pytest.approx(90 + 179.427, abs=1e-3)  # 269: one px of jitter


def jitter_pose(up: bool) -> Pose:
    """A person lying still with the head to the image's left, the trunk jittering by 0.2 px."""
    dy = 0.1 if up else -0.1
    return torso(shoulder_xy=((100, 200 + dy), (100, 210 + dy)), hip_xy=((160, 200), (160, 210)))


def test_lying_still_with_jitter_refires_in_theirs_not_in_ours():
    """Their defect (FALLS.md): -179 vs 179 degrees reads as a 358 degree turn, downward."""
    seq = [(1000.0 * k, [jitter_pose(k % 2 == 0)]) for k in range(8)]
    fired = [e.confirmed_ms for e in detect_falls(seq, method="ambianic")]
    assert fired == [2000.0, 4000.0, 6000.0]  # each time 89.9 -> 269.9 degrees "downward", 359.8 turned
    # A fall to the image's left, then lying still with the trunk 0.3 degrees either side of the
    # horizontal, flipping every frame (25 frames a second: every other second at 1 frame a second).
    left = replace(LYING, trunk_deg=-90.0, thigh_deg=90.0, shin_deg=90.0)
    bodies = keyframes((0.0, STAND), (1000.0, STAND), (1600.0, left))
    bodies += [(1600.0 + 40.0 * k, replace(left, trunk_deg=-90.0 + (0.3 if k % 2 else -0.3))) for k in range(1, 500)]
    theirs = [e.confirmed_ms for e in detect_falls(frames(bodies), method="ambianic")]
    assert len(theirs) >= 8 and all(b - a == 2000.0 for a, b in itertools.pairwise(theirs[1:]))
    assert [e.event for e in detect_falls(frames(bodies))] == ["fall"]


def test_one_frame_a_second_and_the_two_frame_look_back():
    standing, falling = torso(), torso(shoulder_xy=((0, 0), (0, 10)), hip_xy=((30, 0), (30, 10)))
    h = AmbianicHeuristic()
    assert h.update(standing, 0.0) is None and not h.due(999.0) and h.due(1000.0)
    assert h.update(falling, 500.0) is None  # too soon: not even looked at
    fall = h.update(falling, 1000.0)
    turned = 180.0 - math.degrees(math.atan2(30, -1))  # theta of the standing side: atan2(30, 10 - 11)
    assert (fall.slot, fall.compared_ms) == (1, 0.0) and fall.leaning_angle == pytest.approx(turned)
    assert fall.confidence == pytest.approx(0.5)
    # t-2: standing at 0 s, mid-fall at 1 s (no fall against t-1: turned < 60), fallen at 2 s.
    h = AmbianicHeuristic()
    mid = torso(shoulder_xy=((0, 0), (0, 10)), hip_xy=((15, 25), (15, 35)))  # 59 degrees from the vertical
    assert h.update(standing, 0.0) is None and h.update(mid, 1000.0) is None
    fall = h.update(falling, 2000.0)
    assert (fall.slot, fall.compared_ms) == (2, 0.0)


def test_a_frame_without_pose_keeps_history_and_timer_and_old_frames_are_not_compared():
    standing, falling = torso(), torso(shoulder_xy=((0, 0), (0, 10)), hip_xy=((30, 0), (30, 10)))
    h = AmbianicHeuristic()
    h.update(standing, 0.0)
    assert h.update(torso((0.1, 0.1), (0.1, 0.1)), 1000.0) is None  # no pose: dropped
    assert h.due(1040.0)  # the timer was not restarted
    assert h.update(falling, 1040.0).compared_ms == 0.0
    h = AmbianicHeuristic(AmbianicSettings(max_interval_ms=10000.0))
    h.update(standing, 0.0)
    assert h.update(falling, 10001.0) is None


def test_event_format():
    standing, falling = torso(), torso(shoulder_xy=((0, 0), (0, 10)), hip_xy=((30, 0), (30, 10)))
    (event,) = detect_falls([(0.0, [standing]), (1000.0, [falling])], method="ambianic")
    d = event.to_dict()
    assert (d["event"], d["start_ms"], d["confirmed_ms"], d["method"]) == ("fall", 0.0, 1000.0, "ambianic")
    assert d["reason"]["keypoint_corr"]["left shoulder"] == [0.0, 0.0]
    assert d["reason"]["leaning_angle_deg"] == round(180.0 - math.degrees(math.atan2(30, -1)), 2)


@pytest.fixture(scope="module")
def their_detector():
    """Their pixels side: top-left padded Thunder input, rotation retry, threshold 0.11 (their tests)."""
    from movenet.pipelines.rotation import RotationRetry
    from movenet.pipelines.thumbnail import ThumbnailDetector

    return RotationRetry(ThumbnailDetector("thunder", threads=1), accepts(0.11))


def run_case(detector, paths, step_ms=1000.0):
    heuristic = FallDetector("ambianic", threshold=0.11)
    return [heuristic.update(detector.estimate_poses(p), k * step_ms) for k, p in enumerate(paths)]


def test_their_case_2_on_their_frames(their_detector):
    """FALLS.md: with Thunder v4 their case 2 falls with an angle above 60 degrees and a
    confidence of about 0.45 (their assertion > 0.5 was written for Thunder v3)."""
    one, two = FIXTURES / "falls" / "fall_img_1.png", FIXTURES / "falls" / "fall_img_2.png"
    first, second = run_case(their_detector, [one, two])
    assert first == [] and len(second) == 1
    assert second[0].reason["leaning_angle_deg"] > 60
    assert 0.40 < second[0].confidence < 0.5
    assert run_case(their_detector, [one, two], step_ms=500.0) == [[], []]  # case 2_1: too soon
    assert run_case(their_detector, [two, one]) == [[], []]  # case 5: standing up


@pytest.mark.skipif(not (FRAMES / "sequences.csv").is_file(), reason=f"needs {FRAMES} (shared/ is absent)")
def test_every_sequence_of_their_unit_tests(their_detector):
    with open(FRAMES / "sequences.csv") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        paths = [FRAMES / f for f in row["frames_in_order"].split(";")]
        results = run_case(their_detector, paths, step_ms=500.0 if row["test"] == "case_2_1" else 1000.0)
        fired = [bool(r) for r in results]
        expected = row["expected"]
        if expected == "FALL":
            assert fired == [False] * (len(paths) - 1) + [True], row["test"]
            assert results[-1][0].reason["leaning_angle_deg"] > 60
        elif expected.startswith("NO_FALL after frame 2; FALL after frame 3"):
            assert fired == [False, False, True], row["test"]
        else:
            assert not any(fired), row["test"]
    assert not math.isnan(torso_score(body_pose(LYING), 0.15))
