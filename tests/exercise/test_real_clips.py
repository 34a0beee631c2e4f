"""Counting, balance and classification on real clips with our own labels
(tests/fixtures/exercise/), MoveNet Lightning in the loop. Skips without ../shared."""

import csv
from functools import cache

import numpy as np
import pytest
from conftest import FIXTURES, SHARED

DATA = SHARED / "data"
LABELS = FIXTURES / "exercise"
requires_clips = pytest.mark.skipif(
    not (DATA / "reference-tfjs-models" / "pose_squats.mp4").is_file(),
    reason=f"needs the clips of {DATA} (shared/ is absent on this machine)",
)
pytestmark = requires_clips


@cache
def lightning():
    import movenet

    return movenet.create_detector("lightning", threads=1)


@cache
def poses(clip: str) -> tuple:
    """(timestamp_ms, [poses]) of every frame of a clip, Lightning with smoothing (as `movenet
    exercise` runs it)."""
    from movenet.io.video import VideoSource
    from movenet.pipelines.video import stream_poses

    detector = lightning()
    detector.reset()
    with VideoSource(str(DATA / clip)) as source:
        return tuple((fp.frame.timestamp_ms, fp.poses) for fp in stream_poses(detector, source, sequential=True))


def labels():
    with open(LABELS / "count_labels.csv", newline="") as f:
        return list(csv.DictReader(f))


def count(clip, exercise):
    from movenet.exercise import analyse_exercise

    return analyse_exercise(poses(clip), exercise)


def test_squats_two_complete_and_one_stopped_on_the_way_up():
    report = count("reference-tfjs-models/pose_squats.mp4", "squat")
    assert report.reps == 2 and len(report.primary.partial_repetitions) == 1
    first, second = report.primary.repetitions
    # by eye: down from frame 3, back up by frame 18; down from 27, up by 42 (5 fps)
    assert 400 <= first.start_ms <= 1400 and 2400 <= first.end_ms <= 3600
    assert 5200 <= second.start_ms <= 6200 and 7400 <= second.end_ms <= 8600
    assert "stream ended" in report.primary.partial_repetitions[0].reason
    # the third reached the bottom before the clip ended: begun, cut off (not counted)
    assert report.primary.partial_repetitions[0].cut_off and report.cut_off == 1 and report.to_dict()["cut_off_reps"] == 1
    knee = report.primary.range_of_motion["left_knee"]
    assert knee.max_deg > 170 and knee.min_deg < 110


def test_glute_bridge_one_hold():
    report = count("exercise/physioplus_bridging.mp4", "glute_bridge")
    assert report.reps == 1 and report.primary.partial_repetitions == ()
    rep = report.primary.repetitions[0]
    assert rep.hold_ms > 1500  # hips up from about frame 14 to 70 at 30 fps
    assert not rep.shallow and rep.peak_deg > 165


def test_every_labelled_clip_at_hand():
    """The labelled real clips that run quickly: the two exercise clips and the URFD clips where
    someone crouches or bends to the floor (hard negatives for the squat) or falls."""
    quick = {"urfd_02_fall.mp4", "urfd_34_no_fall.mp4", "urfd_53_no_fall.mp4", "urfd_55_no_fall.mp4"}
    rows = [r for r in labels() if "falls-urfd" not in r["clip"] or r["clip"].rsplit("/", 1)[1] in quick]
    assert len(rows) == 6
    for row in rows:
        assert count(row["clip"], row["exercise"]).reps == int(row["reps"]), row["clip"]


def test_single_leg_stance_on_pose_1():
    from movenet.exercise.balance import SingleLegStance

    with open(LABELS / "single_leg_stance.csv", newline="") as f:
        label = next(csv.DictReader(f))
    test = SingleLegStance()
    for t, found in poses(label["clip"]):
        test.update(found[0] if found else None, t)
    best = test.finish()
    assert best.leg == label["standing_leg"]
    assert best.duration_ms / 1000 == pytest.approx(float(label["time_s"]), abs=0.1)
    assert best.sway.rms_torso < 0.1  # she stands still on it


def test_classifier_from_mlkit_poses_on_movenet_keypoints():
    from movenet.exercise.classify import PoseClassifier
    from movenet.exercise.classify_data import load_mlkit_samples

    data = load_mlkit_samples(DATA / "exercise" / "mlkit_fitness_pose_samples.csv")
    clf = PoseClassifier.fit(data.poses, data.labels)
    frames = poses("reference-tfjs-models/pose_squats.mp4")
    with open(LABELS / "pose_squats_positions.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    right = [clf.predict(frames[int(r["frame"])][1][0]).label == f"squats_{r['label']}" for r in rows]
    assert np.mean(right) >= 0.95  # measured 31/31 (README)


def test_automatic_mode_on_the_labelled_exercise_clips():
    """No exercise name: the squats are squats (2 + 1 partial) and the bridge a glute bridge."""
    squats = count("reference-tfjs-models/pose_squats.mp4", "auto")
    assert squats.exercise == "squat" and squats.reps == 2 and len(squats.primary.partial_repetitions) == 1
    bridge = count("exercise/physioplus_bridging.mp4", "auto")
    assert bridge.exercise == "glute_bridge" and bridge.reps == 1
