"""Per-person counting (track ids, two people crossing, person selection) and the report's JSON."""

import json

import pytest
from exercise_synthetic import PROFILES, figure, to_pose, trajectory

from movenet.errors import MovenetError
from movenet.exercise import ExerciseSession, analyse_exercise


def two_people_crossing():
    """Person 1 (larger) does 3 squats in place; person 2 walks in from the right, across and in
    front of person 1, stops on the left and does 5 faster squats there. Frames: (t, [poses])."""
    a, _ = trajectory(170, 80, reps=3, period_ms=3000, pause_ms=1500)
    b, _ = trajectory(170, 80, reps=5, period_ms=1500, pause_ms=3500)
    n = min(len(a), len(b))
    frames = []
    for i in range(n):
        t = a[i][0]
        x_b = max(560 - 0.15 * t, 80)  # 1.5 torso lengths a second, from x 560 to 80 (by t = 3.2 s)
        pa = to_pose(figure(**PROFILES["squat"](a[i][1]), origin=(200, 320), scale=1.2), track_id=1)
        pb = to_pose(figure(**PROFILES["squat"](b[i][1]), origin=(x_b, 330)), track_id=2)
        frames.append((t, [pb, pa] if i % 2 else [pa, pb]))  # the order of poses does not matter
    return frames


def test_two_people_crossing_are_counted_apart():
    report = analyse_exercise(two_people_crossing(), "squat")
    counts = {p.id: p.reps for p in report.people}
    assert counts == {1: 3, 2: 5}
    d = report.to_dict()
    assert [p["id"] for p in d["people"]] == [1, 2] and [p["reps"] for p in d["people"]] == [3, 5]
    assert d["person"] == 1 and d["reps"] == 3  # the primary: seen as often, larger
    assert "2 people" in d["note"]
    json.dumps(d)  # JSON-ready


def test_person_selection():
    frames = two_people_crossing()
    assert analyse_exercise(frames, "squat", person=2).reps == 5
    assert [p.id for p in analyse_exercise(frames, "squat", person=2).people] == [2]
    largest = analyse_exercise(frames, "squat", person="largest")
    assert largest.reps == 3 and largest.primary.id is None
    with pytest.raises(MovenetError, match="person must be"):
        ExerciseSession("squat", person="tallest")


def test_one_person_without_ids_and_the_json_contract():
    samples, _ = trajectory(170, 80, reps=2, period_ms=2000)
    frames = [(t, [to_pose(figure(**PROFILES["squat"](v)))]) for t, v in samples]
    frames[40] = (frames[40][0], [])  # nobody in one frame
    d = analyse_exercise(frames, "squat").to_dict()
    assert {"exercise", "reps", "partial_reps", "repetitions", "range_of_motion"} <= set(d)
    assert d["exercise"] == "squat" and d["reps"] == 2 and d["partial_reps"] == 0 and d["person"] is None
    assert "people" not in d
    for rep in d["repetitions"]:
        assert {"start_ms", "end_ms", "duration_ms", "range_deg", "shallow"} <= set(rep)
        assert rep["duration_ms"] == pytest.approx(rep["end_ms"] - rep["start_ms"], abs=0.11)
    knee = d["range_of_motion"]["left_knee"]
    assert {"min_deg", "max_deg", "range_deg", "min_ms", "max_ms", "frames"} <= set(knee)
    assert knee["min_deg"] == pytest.approx(80.0, abs=2.0) and knee["max_deg"] == pytest.approx(170.0, abs=0.5)


def test_nobody_in_the_video_is_said():
    report = analyse_exercise([(i * 33.0, []) for i in range(50)], "push_up")
    d = report.to_dict()
    assert d["reps"] == 0 and d["repetitions"] == [] and d["person"] is None
    assert d["note"] == "nobody was seen in 50 frames"
    assert analyse_exercise([], "squat").to_dict()["note"] == "no frames"


def test_spec_overrides_through_the_session():
    samples, _ = trajectory(170, 110, reps=2, period_ms=2000)  # shallow squats: knee to 110
    frames = [(t, [to_pose(figure(**PROFILES["squat"](v)))]) for t, v in samples]
    assert analyse_exercise(frames, "squat").reps == 2
    assert analyse_exercise(frames, "squat", enter_deg=100.0, depth_deg=90.0).reps == 0
    with pytest.raises(MovenetError, match="unknown exercise option"):
        analyse_exercise(frames, "squat", enter=100.0)
