"""The learned method (its shipped classifier, numpy only) and the feedback loop (profiles)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from movenet import InvalidInputError, InvalidOptionError
from movenet.cli.main import main
from movenet.falls import FallDetector, detect_falls
from movenet.falls.evaluate import LabelledClip, evaluate_clips
from movenet.falls.learned import FEATURES, LogisticModel, load_model, shipped_model
from movenet.falls.profile import Profile, add_label, errors, fit, load_profile
from movenet.falls.synthetic import STAND, TORSO, Body, frames, keyframes, scenario
from movenet.io.pose_jsonl import write_pose_jsonl


def test_the_shipped_classifier_is_a_logistic_model_over_the_features():
    model = shipped_model()
    assert model.features == FEATURES and model.weights.shape == (len(FEATURES),)
    assert model.info["tool"] == "tools/falls_train.py"
    x = model.mean.copy()
    z = float(model.bias)
    assert model.probability(x) == pytest.approx(1.0 / (1.0 + np.exp(-z)))  # at the mean: the bias alone


@pytest.mark.parametrize("name, expected", [("fall", ["fall"]), ("bend_over", []), ("sit_down", []),
                                             ("lie_down_slowly", []), ("stumble", [])])
def test_the_learned_method_on_the_synthetic_scenarios(name, expected):
    assert [e.event for e in detect_falls(frames(scenario(name)), method="learned") if e.event == "fall"] == expected


def test_a_classifier_that_never_fires_detects_nothing(tmp_path):
    """The decision is the classifier's: a model with a bias of -50 sees no fall at all."""
    model = shipped_model()
    never = LogisticModel(model.features, model.mean, model.std, np.zeros(len(FEATURES)), -50.0, {})
    assert detect_falls(frames(scenario("fall")), method="learned") != []
    detector = FallDetector("learned", classifier=never)
    assert [e for t, p in frames(scenario("fall")) for e in detector.update(p, t)] == []
    never.save(tmp_path / "never.json")
    assert load_model(tmp_path / "never.json").bias == -50.0
    (tmp_path / "bad.json").write_text(json.dumps({"kind": "logistic", "features": ["x"], "mean": [0], "std": [1],
                                                   "weights": [1], "bias": 0}))
    with pytest.raises(InvalidInputError, match="a logistic model over the features inclination, hip_drop"):
        load_model(tmp_path / "bad.json")


# -- the feedback loop ------------------------------------------------------------------------------
# A person going down onto a low couch: trunk tipped 65 degrees, hips 0.5 torso lengths down in
# 0.6 s, and staying there: "lying" by the default thresholds (60 degrees, 0.4), a false alarm. A
# real fall onto the side, trunk 55 degrees and hips 1.7 down: missed at 60 degrees.
COUCH = Body(hip_y=STAND.hip_y + 0.5 * TORSO, trunk_deg=65.0, thigh_deg=100.0)
SIDE = Body(hip_y=STAND.hip_y + 1.7 * TORSO, trunk_deg=55.0, thigh_deg=200.0)


def _to(body, hold_ms=9000.0):
    return frames(keyframes((0.0, STAND), (1000.0, STAND), (1600.0, body), (1600.0 + hold_ms, body)))


def test_the_two_labelled_cases_fail_with_the_defaults():
    assert [e.event for e in detect_falls(_to(COUCH))] == ["fall"]
    assert detect_falls(_to(SIDE)) == []


def test_fit_adapts_the_settings_to_the_labels_and_the_profile_file_round_trips(tmp_path):
    profile = Profile()
    add_label(profile, "false_alarm", 6.6, "couch.mp4", _to(COUCH))
    assert errors(profile.labels, "default", {})[1:] == (0, 1)
    report = fit(profile, "default")
    assert report["before"] == {"missed": 0, "false_alarms": 1} and report["after"] == {"missed": 0, "false_alarms": 0}
    assert report["settings"] == {"down_inclination_deg": 70.0}
    add_label(profile, "missed", 1.6, "side.mp4", _to(SIDE))
    report = fit(profile, "default")
    # Both labels: only the hip drop tells them apart (0.5 vs 1.7 torso lengths), and a min_hip_drop
    # that high is outside the dev-safe candidates; a missed fall costs more than a false alarm, so
    # the fit catches the fall (50 degrees) and keeps the false alarm.
    assert report["before"] == {"missed": 1, "false_alarms": 1}  # the defaults
    assert report["after"] == {"missed": 0, "false_alarms": 1} and report["settings"] == {"down_inclination_deg": 50.0}
    profile.save(tmp_path / "cam.json")
    again = load_profile(tmp_path / "cam.json")
    assert again.settings == profile.settings and [lb.kind for lb in again.labels] == ["false_alarm", "missed"]
    assert len(again.labels[0].frames) == len(profile.labels[0].frames)
    np.testing.assert_allclose(again.labels[1].frames[0][1][0].to_array(), profile.labels[1].frames[0][1][0].to_array(), atol=0.006)


def test_profile_errors_are_clear(tmp_path):
    with pytest.raises(InvalidInputError, match="no such fall profile"):
        load_profile(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(InvalidInputError, match="not a fall profile"):
        load_profile(tmp_path / "bad.json")
    with pytest.raises(InvalidInputError, match="no labels yet"):
        fit(Profile())
    with pytest.raises(InvalidOptionError, match="a profile adapts default, learned, not 'ambianic'"):
        fit(Profile(), "ambianic")
    with pytest.raises(InvalidInputError, match="no frames around 100 s"):
        add_label(Profile(), "missed", 100.0, "x.mp4", _to(SIDE))


def test_feedback_command_then_eval_with_the_profile(tmp_path, capsys):
    poses = tmp_path / "couch.jsonl"
    write_pose_jsonl(poses, _to(COUCH))
    cam = tmp_path / "cam.json"
    assert main(["falls", "feedback", str(cam), "--poses", str(poses), "--false-alarm", "6.6"]) == 0
    assert main(["falls", "feedback", str(cam), "--fit"]) == 0
    err = capsys.readouterr().err
    assert "false alarm at 6.6 s in couch.jsonl" in err
    assert "default adapted on 1 label(s): missed 0 -> 0, false alarms 1 -> 0; settings: down_inclination_deg=70" in err
    assert main(["falls", "feedback", str(cam), "--show"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["settings"] == {"default": {"down_inclination_deg": 70.0}} and shown["labels"][0]["kind"] == "false_alarm"
    assert main(["falls", "feedback", str(cam), "--missed", "3"]) == 2
    assert "--missed needs the recording" in capsys.readouterr().err
    # the effect, side by side: evaluate_clips with "default+profile"
    clips = [LabelledClip("couch", "no_fall", None, None, 2), LabelledClip("fall", "fall", 1600.0, None, 3)]
    data = {"couch": _to(COUCH), "fall": frames(scenario("fall"))}
    reports = evaluate_clips(clips, lambda c: data[c.file], ["default", "default+profile"],
                             {"default+profile": load_profile(cam).settings_for("default")})
    assert [(r.method, r.all.caught, r.all.false_alarms) for r in reports] == [("default", 1, 1), ("default+profile", 1, 0)]


def test_profile_settings_reach_movenet_falls_options(tmp_path):
    import argparse

    from movenet.cli.falls import method_settings

    cam = tmp_path / "cam.json"
    Profile(settings={"default": {"down_inclination_deg": 70.0}}).save(cam)
    args = argparse.Namespace(profile=str(cam), confirm_s=2.0, long_lie_s=None, cooldown_s=None, ambianic_threshold=None, set=[])
    assert method_settings(args, "default") == {"down_inclination_deg": 70.0, "confirm_s": 2.0}
    assert method_settings(replace_ns(args, set=["down_inclination_deg=65"]), "default")["down_inclination_deg"] == 65.0


def replace_ns(ns, **changes):
    import argparse

    return argparse.Namespace(**{**vars(ns), **changes})
