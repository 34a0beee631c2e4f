"""The automatic mode (no exercise name): every exercise of the registry is recognised on its
synthetic suite and counted exactly, walking is nothing, two people doing different exercises are
told apart, and the report says what was chosen and why."""

import json

import pytest
from exercise_synthetic import poses_for, to_pose, trajectory, walking

from movenet.errors import MovenetError
from movenet.exercise import (
    AUTO,
    AutoCounter,
    analyse_exercise,
    get_exercise,
    list_exercises,
)

EXERCISES = list_exercises()
# A squat and a sit-to-stand are one movement in 2D keypoints (README): the tie goes to the squat.
SAME_MOVEMENT = {"sit_to_stand": "squat"}


def suite(name, fps=30.0, reps=5, seed=1):
    s = get_exercise(name)
    samples, _ = trajectory(s.rest_deg, s.depth_deg + 10 * s.direction, reps=reps, fps=fps)
    return [(t, [p]) for t, p in poses_for(name, samples, jitter_px=1.5, seed=seed)]


@pytest.mark.parametrize("name", EXERCISES)
@pytest.mark.parametrize("fps", [30.0, 5.0])
def test_every_exercise_is_recognised_and_counted(name, fps):
    report = analyse_exercise(suite(name, fps), AUTO)
    assert report.exercise == SAME_MOVEMENT.get(name, name), report.primary.counts
    assert report.reps == 5 and report.spec.name == report.exercise


def test_a_chair_stand_that_starts_seated_is_a_sit_to_stand():
    s = get_exercise("sit_to_stand")
    samples, _ = trajectory(s.rest_deg, s.depth_deg - 10, reps=5, fps=30.0)
    frames = [(t, [p]) for t, p in poses_for("sit_to_stand", samples, jitter_px=1.5)[60:]]  # begins seated (the first bottom)
    report = analyse_exercise(frames, AUTO)
    assert report.exercise == "sit_to_stand" and report.reps == 5
    assert report.primary.counts["squat"] == 4


def test_walking_is_no_exercise_and_the_report_says_so():
    frames = [(t, [to_pose(kps)]) for t, kps in walking(6.0, jitter_px=1.5)]
    report = analyse_exercise(frames, AUTO)
    assert report.exercise == AUTO and report.spec is None and report.reps == 0
    assert "no exercise was recognised" in report.note
    d = report.to_dict()
    assert d["exercise"] == AUTO and d["signal"] is None and d["auto"]["counts"] == dict.fromkeys(EXERCISES, 0)
    json.dumps(d)


def test_two_people_doing_different_exercises():
    squats, curls = suite("squat", seed=2), suite("bicep_curl", seed=3)
    frames = []
    for (t, [a]), (_, [b]) in zip(squats, curls):
        a = to_pose(a.to_array().astype(float), track_id=1)
        kps = b.to_array().astype(float)
        kps[:, 0] += 250.0  # beside the other person
        frames.append((t, [a, to_pose(kps, track_id=2)]))
    report = analyse_exercise(frames, AUTO)
    by_id = {p.id: (p.exercise, p.reps) for p in report.people}
    assert by_id == {1: ("squat", 5), 2: ("bicep_curl", 5)}
    d = report.to_dict()
    assert [(q["id"], q["exercise"], q["reps"]) for q in d["people"]] == [(1, "squat", 5), (2, "bicep_curl", 5)]
    assert d["auto"]["counts"]["squat"] == 5


def test_the_counter_follows_the_leading_exercise_frame_by_frame():
    counter = AutoCounter()
    seen = set()
    for t, [pose] in suite("push_up"):
        state = counter.update(pose, t)
        seen.add(state.exercise)
    counter.finish()
    assert seen == {"", "push_up"} and counter.exercise == "push_up" and counter.count == 5
    assert len(counter.repetitions) == 5 and counter.spec.name == "push_up"
    counter.reset()
    assert counter.exercise is None and counter.count == 0 and counter.repetitions == ()


def test_options():
    frames = suite("squat")
    assert analyse_exercise(frames, "Auto", tau_ms=0.0).exercise == "squat"
    with pytest.raises(MovenetError, match="need a named exercise"):
        analyse_exercise(frames, AUTO, enter_deg=110.0)
