"""The web app's analysers (serve/analysers.py, reps.py, fall_alerts.py) fed poses with known
answers: the reps panel shows, frame by frame, exactly what the exercise layer's own counters
count (synthetic repetitions with track ids, partial ones); the fall panel's events are the fall
layer's, its alarm starts at the `fall` event and ends at `recovered`; options are checked."""

import json
import math
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import serve_helpers  # noqa: F401 - skips without the serve extra

from movenet.errors import InvalidOptionError
from movenet.exercise import ExerciseSession, analyse_exercise, list_exercises
from movenet.falls import detect_falls, list_methods
from movenet.falls.synthetic import (
    LYING,
    STAND,
    body_pose,
    fall,
    frames,
    keyframes,
    scenario,
)
from movenet.serve.analysers import list_analysers, make_analysers, run_analysers

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "exercise"))  # the exercise tests' figures
from exercise_synthetic import PROFILES, figure, poses_for, to_pose, trajectory


def run(analysers, sequence):
    """[(t, poses)] -> the results of every frame, JSON-safe as the wire sends them."""
    out = [run_analysers(analysers, poses, t) for t, poses in sequence]
    json.dumps(out, allow_nan=False)
    return out


def same(shown, value, tolerance):
    """A number as the page gets it (rounded; null for NaN) against the library's."""
    return shown is None if math.isnan(value) else abs(shown - value) <= tolerance


def two_people_squatting():
    """Person 1 does 3 squats in place; person 2 walks in from the right, stops on the left and does
    five faster ones there (track ids), as in tests/exercise/test_session.py (squats are counted in
    place only)."""
    a, _ = trajectory(170, 80, reps=3, period_ms=3000, pause_ms=1500)
    b, _ = trajectory(170, 80, reps=5, period_ms=1500, pause_ms=3500)
    n = min(len(a), len(b))
    return [(a[i][0], [to_pose(figure(**PROFILES["squat"](a[i][1]), origin=(200, 320), scale=1.2), 1),
                       to_pose(figure(**PROFILES["squat"](b[i][1]), origin=(max(560 - 0.15 * a[i][0], 80), 330)), 2)])
            for i in range(n)]


def test_info_lists_the_exercises_and_fall_methods():
    info = {a["name"]: a for a in list_analysers()}
    assert info["reps"]["panel"] == "reps" and info["reps"]["exercises"] == list_exercises()
    assert info["falls"]["panel"] == "alerts" and [m["name"] for m in info["falls"]["methods"]] == list_methods()
    assert info["falls"]["settings"] == {"confirm_s": 5.0, "long_lie_s": 60.0, "cooldown_s": 30.0}
    assert "exercises" not in info["angles"]


def test_reps_are_the_exercise_layers_counts_frame_by_frame_per_track_id():
    sequence = two_people_squatting()
    analysers = make_analysers({"reps": {"exercise": "squat"}})
    results = run(analysers, sequence)
    assert all(not c.trace for c in analysers["reps"].session.counters().values())  # live: no plot trace kept
    reference = ExerciseSession("squat")  # the library, fed the same poses (with its trace)
    for (t, poses), result in zip(sequence, results):
        states = reference.update(poses, t)
        shown = {p["id"]: p for p in result["reps"]["people"]}
        assert set(shown) == {1, 2}
        for key, state in states.items():
            assert (shown[key]["count"], shown[key]["phase"]) == (state.count, state.phase)
            assert same(shown[key]["angle"], state.value, 0.05) and same(shown[key]["depth"], state.depth, 5e-4)
            assert shown[key]["event"] == ("rep" if state.new_repetition else "partial" if state.new_partial else None)
    last = {p["id"]: p["count"] for p in results[-1]["reps"]["people"]}
    report = analyse_exercise(sequence, "squat")
    assert last == {p.id: p.reps for p in report.people} == {1: 3, 2: 5}
    rep_events = sum(p["event"] == "rep" for r in results for p in r["reps"]["people"])
    assert rep_events == 8  # each repetition announced once, when it is counted
    head = results[-1]["reps"]
    assert head["exercise"] == "squat" and head["marks"] == {"enter": 0.625, "depth": 1.0}  # (170-120)/(170-90)
    assert "145 deg" in head["counted_when"]


def test_partial_and_shallow_repetitions_are_shown_with_the_reason():
    samples, _ = trajectory(170, [100, 135, 80], reps=3, period_ms=2000)  # 135: never reaches 120
    sequence = [(t, [pose]) for t, pose in poses_for("squat", samples)]
    results = run(make_analysers({"reps": {"exercise": "squat"}}), sequence)
    person = results[-1]["reps"]["people"][0]
    assert person["id"] is None and (person["count"], person["partial"]) == (2, 1)
    messages = [r["reps"]["message"] for r in results]
    assert any(m.startswith("rep 1:") and "shallow" in m for m in messages)  # 100 deg: not thighs parallel
    assert any(m == "partial: did not reach 120 deg (bottom)" for m in messages)
    assert messages[-1].startswith("rep 2:") and "shallow" not in messages[-1]
    assert results[-1]["reps"]["count"] == 2


def test_reset_switching_exercise_and_keeping_state():
    made = make_analysers({"reps": {"exercise": "squat"}, "falls": {}})
    sequence = two_people_squatting()
    run(made, sequence[: len(sequence) // 2])
    kept = make_analysers({"reps": {"exercise": "squat"}, "falls": {}}, made, {"reps": {"exercise": "squat"}, "falls": {}})
    assert kept["reps"] is made["reps"] and kept["falls"] is made["falls"]
    switched = make_analysers({"reps": {"exercise": "lunge"}, "falls": {}}, made, {"reps": {"exercise": "squat"}, "falls": {}})
    assert switched["falls"] is made["falls"] and switched["reps"] is not made["reps"]  # the counter starts over
    assert switched["reps"].session.spec.name == "lunge"
    assert run({"reps": made["reps"]}, sequence[len(sequence) // 2:])[-1]["reps"]["people"][0]["count"] > 0
    made["reps"].reset()
    assert made["reps"].session.counters() == {}


def test_fall_alarm_from_the_fall_event_until_recovered():
    sequence = frames(scenario("fall_and_get_up"))
    results = run(make_analysers({"falls": {"confirm_s": 2}}), sequence)
    events = [e for r in results for e in r["falls"].get("events", [])]
    expected = detect_falls(sequence, confirm_s=2)
    assert events == [e.to_dict() for e in expected] and [e["event"] for e in events] == ["fall", "recovered"]
    times = [t for t, _ in sequence]
    levels = [(r["falls"]["alert"] or {}).get("level") for r in results]
    fell = times.index(expected[0].confirmed_ms)
    recovered = times.index(expected[1].confirmed_ms)
    assert set(levels[:fell]) <= {None, "warning"} and "warning" in levels[:fell]  # down, being confirmed
    assert levels[fell:recovered] == ["alarm"] * (recovered - fell)
    assert set(levels[recovered:]) == {None}
    assert results[fell]["falls"]["alert"]["message"] == "Fall: person"
    assert results[fell]["falls"]["people"] == [{"id": None, "state": "fallen"}]
    assert results[-1]["falls"]["counts"] == {"fall": 1, "recovered": 1}


def test_long_lie_and_two_people():
    lying = fall(lie_ms=4000.0)
    standing = keyframes((0.0, STAND), (lying[-1][0], STAND))
    sequence = [(t, [body_pose(a, 1), body_pose(b, 2)]) for (t, a), (_, b) in zip(standing, lying)]
    results = run(make_analysers({"falls": {"confirm_s": 1, "long_lie_s": 3}}), sequence)
    events = [(e["event"], e["track_id"]) for r in results for e in r["falls"].get("events", [])]
    assert events == [("fall", 2), ("long_lie", 2)]
    assert [(e.event, e.track_id) for e in detect_falls(sequence, confirm_s=1, long_lie_s=3)] == events
    assert results[-1]["falls"]["alert"] == {"level": "alarm", "message": "Fall: person 2 still down (long lie)"}
    assert {p["id"]: p["state"] for p in results[-1]["falls"]["people"]} == {1: "upright", 2: "fallen"}


def test_ambianic_alarm_lasts_as_the_cli_banner():
    leaning = replace(STAND, trunk_deg=5.0)  # theirs needs a trunk angle to compare (0 counts as unseen)
    sequence = frames(keyframes((0.0, leaning), (1000.0, leaning), (1600.0, LYING), (6000.0, LYING), (8000.0, LYING)))
    results = run(make_analysers({"falls": {"method": "ambianic"}}), sequence)
    events = [e for r in results for e in r["falls"].get("events", [])]
    expected = detect_falls(sequence, method="ambianic")
    assert events == [e.to_dict() for e in expected]
    assert [(e["event"], e["confirmed_ms"]) for e in events] == [("fall", 2000.0), ("fall", 3000.0)]  # t-1, then t-2
    on = [t for (t, _), r in zip(sequence, results) if r["falls"]["alert"]]
    assert on == [t for t, _ in sequence if 2000.0 <= t <= 6000.0]  # BANNER_S (3 s) after the last event
    assert results[-1]["falls"]["people"] == [] and "ambianic" in results[-1]["falls"]["message"]


def test_options_are_checked_and_name_what_is_accepted():
    for requested, words in (
        ({"reps": {}}, "exercise must be one of squat, push_up"),
        ({"reps": {"exercise": "burpee"}}, "unknown exercise 'burpee'; known: squat"),
        ({"reps": {"exercise": "squat", "side": "left"}}, "known: exercise"),
        ({"falls": {"method": "magic"}}, "unknown fall method 'magic'; known: default, learned, ambianic"),
        ({"falls": {"method": "ambianic", "confirm_s": 5}}, "method 'ambianic' has no setting 'confirm_s'"),
        ({"falls": {"confirm_s": -1}}, "confirm_s must be a number >= 0"),
        ({"falls": {"forget_s": 1}}, "known: method, confirm_s, long_lie_s, cooldown_s"),
        ({"pushups": {}}, "available: angles, reps, falls"),
    ):
        with pytest.raises(InvalidOptionError, match=words):
            make_analysers(requested)
