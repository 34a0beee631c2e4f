"""Exercise files (TOML and JSON): the worked example, every built-in spec written and read back
equal, user exercises in the registry and the CLI, and each mistake reported with its line."""

import dataclasses
import json
import subprocess
import sys

import pytest
from conftest import REPO
from exercise_synthetic import poses_for, trajectory

from movenet.exercise import RepCounter, get_exercise, list_exercises
from movenet.exercise.signals import Height, JointAngle
from movenet.exercise.spec_file import SpecFileError, load_exercise_file, register_exercise_files, spec_to_toml
from movenet.exercise.specs import is_builtin, unregister_exercises

EXAMPLE = REPO / "examples" / "exercises" / "wall_push_up.toml"
BUILTIN = [n for n in list_exercises() if is_builtin(n)]


@pytest.fixture(autouse=True)
def _clean_registry():
    unregister_exercises()
    yield
    unregister_exercises()


def test_the_worked_example():
    (spec,) = load_exercise_file(EXAMPLE)
    assert spec.name == "wall_push_up" and spec.signal == JointAngle("elbow", "mean")
    assert (spec.rest_deg, spec.start_deg, spec.exit_deg, spec.enter_deg, spec.depth_deg) == (170, 155, 135, 110, 90)
    assert spec.views == ("side",) and spec.alternatives == ()
    assert [(c.measure, c.low, c.high) for c in spec.checks] == [("lean", 10.0, 50.0), ("feet_travel", float("-inf"), 0.5)]
    assert register_exercise_files([EXAMPLE]) == ["wall_push_up"]
    assert "wall_push_up" in list_exercises() and get_exercise("wall-push-up") == spec


@pytest.mark.parametrize("name", BUILTIN)
def test_every_builtin_spec_can_be_written_as_a_file(name, tmp_path):
    spec = get_exercise(name)
    path = tmp_path / "spec.toml"
    path.write_text(spec_to_toml(spec).replace(f'name = "{name}"', f'name = "my_{name}"', 1))
    (back,) = load_exercise_file(path)
    assert dataclasses.replace(back, name=name) == spec


def test_json_and_base(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"exercise": [
        {"name": "deep_squat", "base": "squat", "description": "squat to full depth",
         "signals": [{"angle": "knee", "levels": [170, 160, 145, 100, 80], "views": ["side"]},
                     {"height": "hip", "above": "ankle", "relative": True, "levels": [1.0, 0.93, 0.85, 0.65, 0.5]}]},
    ]}))
    (spec,) = load_exercise_file(path)
    squat = get_exercise("squat")
    assert spec.checks == squat.checks and spec.min_rep_ms == squat.min_rep_ms  # from the base
    assert spec.enter_deg == 100 and spec.alternatives[0].signal == Height("hip", "ankle") and spec.alternatives[0].relative
    register_exercise_files([path])
    samples, _ = trajectory(170, 110, reps=3, period_ms=2000)  # knees to 110: a squat, not a deep one
    frames = poses_for("squat", samples, jitter_px=1.0)
    assert RepCounter("squat").update(None, 0).count == 0
    deep = RepCounter("deep_squat", alternatives=())
    for t, p in frames:
        deep.update(p, t)
    deep.finish()
    normal = RepCounter("squat")
    for t, p in frames:
        normal.update(p, t)
    assert normal.count == 3 and deep.count == 0 and len(deep.partial_repetitions) == 3


MISTAKES = [
    # (file name, text, line, words in the message)
    ("a.toml", '[[exercise]]\nname = "x1"\nrest_name = "up"\nactive_name = "down\n', 4, "not valid TOML"),
    ("b.json", '{"exercise": [\n  {"name": "x1",\n   "rest_name": "up" "active_name": "down"}\n]}', 3, "not valid JSON"),
    ("c.toml", '[[exercise]]\nname = "x1"\nrest_name = "up"\nactive_name = "down"\n\n[[exercise.signals]]\nangle = "kne"\nlevels = [170, 160, 145, 120, 90]\n', 7, "unknown joint 'kne'"),
    ("d.toml", '[[exercise]]\nname = "x1"\nrest_name = "up"\nactive_name = "down"\n\n[[exercise.signals]]\nangle = "knee"\nlevels = [170, 160, 145, 150, 90]\n', 8, "levels must run"),
    ("e.toml", '[[exercise]]\nname = "x1"\nrest_name = "up"\nactive_name = "down"\n\n[[exercise.signals]]\nangle = "knee"\nlevels = [170, 160, 145]\n', 8, "5 numbers"),
    ("f.toml", '[[exercise]]\nname = "x1"\nbase = "squat"\n\n[[exercise.checks]]\nmeasure = "lean"\nhihg = 4\n', 7, "unknown key 'hihg'"),
    ("g.toml", '[[exercise]]\nname = "x1"\nbase = "squat"\n\n[[exercise.checks]]\nmeasure = "leaning"\nhigh = 4\n', 6, "unknown measure 'leaning'"),
    ("h.toml", '[[exercise]]\nname = "squat"\nbase = "squat"\n', 2, "is built in"),
    ("i.toml", '[[exercise]]\nname = "x1"\nbase = "sqaut"\n', 3, "unknown exercise 'sqaut'"),
    ("j.toml", '[[exercise]]\nname = "x1"\nrest_name = "up"\nactive_name = "down"\nmin_rep_ms = "fast"\n', 5, "must be a number"),
    ("k.toml", '[[exercise]]\nname = "x1"\nrest_name = "up"\n', 2, "needs active_name, signals"),
    ("l.toml", '[[exercise]]\nname = "x1"\nbase = "squat"\n\n[[exercise.signals]]\nheight = "hip"\nlevels = [1, 0.9, 0.8, 0.7, 0.5]\n', 6, "needs above"),
    ("m.toml", '[[exercise]]\nname = "x1"\nbase = "squat"\n\n[[exercise.checks]]\nmeasure = "lean"\nviews = ["top"]\nhigh = 3\n', 7, "views is a list"),
    ("n.toml", '[[exercise]]\nname = "x1"\nbase = "squat"\n[[exercise]]\nname = "x1"\nbase = "squat"\n', 5, "defined twice"),
    ("o.toml", 'title = "mine"\n', None, "no exercise"),
    ("p.yaml", "exercise: []\n", None, ".toml or .json"),
    ("q.toml", '[[exercise]]\nname = "Bad Name"\nbase = "squat"\n', 2, "lower-case letters"),
]


@pytest.mark.parametrize("name,text,line,words", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mistakes_name_the_file_and_line(name, text, line, words, tmp_path):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(SpecFileError) as info:
        load_exercise_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:" if line else f"{path}:"), message
    assert words in message, message
    assert "\n" not in message


def test_a_missing_file_and_nothing_registered_on_a_mistake(tmp_path):
    with pytest.raises(SpecFileError, match="cannot read it"):
        load_exercise_file(tmp_path / "absent.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[exercise]]\nname = "x1"\nbase = "sqaut"\n')
    with pytest.raises(SpecFileError):
        register_exercise_files([EXAMPLE, bad])
    assert "wall_push_up" not in list_exercises()


def _movenet(*args):
    return subprocess.run([sys.executable, "-m", "movenet", *args], capture_output=True, text=True, cwd=REPO, timeout=120)


def test_cli_lists_and_writes_exercises(tmp_path):
    out = _movenet("exercise", "list", "--exercise-file", str(EXAMPLE))
    assert out.returncode == 0, out.stderr
    assert "dip: " in out.stdout and "wall_push_up: push-up against a wall" in out.stdout
    out = _movenet("exercise", "list", "squat", "--toml")
    assert out.returncode == 0 and out.stdout.startswith("[[exercise]]\nname = \"squat\"")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[exercise]]\nname = "x1"\nbase = "squat"\n\n[[exercise.checks]]\nmeasure = "lean"\nhihg = 4\n')
    out = _movenet("exercise", "list", "--exercise-file", str(bad))
    assert out.returncode == 2 and out.stderr.strip() == f"error: {bad}:7: unknown key 'hihg' in a check; known: high, low, measure, phase, required, signal, views, why"


def test_user_exercises_reach_the_web_apps_exercise_list():
    """`movenet serve --exercise-file` registers the file's exercises before the app starts: the
    page's exercise menu (the reps analyser's info) and the live counter know them."""
    pytest.importorskip("starlette", reason="the web app needs the serve extra")
    from movenet.serve.analysers import list_analysers, make_analysers

    register_exercise_files([EXAMPLE])
    (reps,) = [a for a in list_analysers() if a["name"] == "reps"]
    assert reps["exercises"][-1] == "wall_push_up" and "dip" in reps["exercises"]
    made = make_analysers({"reps": {"exercise": "wall_push_up"}})
    assert made["reps"].session.spec.name == "wall_push_up"
