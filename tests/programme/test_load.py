"""Programme files: the examples load, steps expand set by set, and every mistake is reported
with its file and line (TOML and JSON), all at once."""

import json

import pytest
from conftest import REPO

from movenet.programme import ProgrammeError, load_programme, parse_programme

KNEE = REPO / "examples" / "programmes" / "knee.toml"


def test_example_programme_and_its_steps():
    p = load_programme(KNEE)
    assert p.name == "Knee strength and balance, weeks 1-4" and len(p.items) == 4
    steps = p.steps()
    assert [s.title() for s in steps] == [
        "Squat to a chair, set 1/3", "Squat to a chair, set 2/3", "Squat to a chair, set 3/3",
        "Bridge with a hold, set 1/2", "Bridge with a hold, set 2/2", "30-second chair stand",
        "Single-leg stance (left)", "Single-leg stance (right)"]
    assert [s.rest_after_s for s in steps] == [60, 60, 60, 45, 45, 90, 30, 0]
    squat = p.items[0]
    assert str(squat.tempo) == "2-1-2" and squat.tempo.total_s == 5
    assert [t.measure for t in squat.target_rom] == ["left_knee", "right_knee"] and squat.target_rom[0].at_most == 100
    assert p.items[1].session_options() == {"min_hold_ms": 3000.0}
    assert p.planned() == {"sets": 5, "tests": 3, "reps": 3 * 10 + 2 * 8}
    # the same programme as JSON is the same programme (same digest)
    again = parse_programme(json.dumps(p.to_dict()), "p.json")
    assert again.digest == p.digest and again.steps() == p.steps()


def test_each_side_alternates_and_one_sided_targets():
    p = parse_programme("""
[programme]
name = "sides"
[[item]]
exercise = "lunge"
sets = 2
reps = 5
side = "each"
target_rom = { knee = { at_most = 100 }, trunk = { at_most = 20 } }
""", "s.toml")
    steps = p.steps()
    assert [(s.set_no, s.side) for s in steps] == [(1, "left"), (1, "right"), (2, "left"), (2, "right")]
    item = p.items[0]
    assert [t.measure for t in item.targets_for("left")] == ["left_knee", "trunk"]
    assert [t.measure for t in item.targets_for("right")] == ["right_knee", "trunk"]


BAD_TOML = """\
[programme]
name = "x"

[[item]]
exercise = "squatt"
sets = 0
reps = 3

[[item]]
test = "single-leg-stance"
side = "up"
colour = 3

[[item]]
exercise = "squat"
reps = 5
target_rom = { knee = { at_mots = 3 }, elbo = { at_most = 4 } }
tempo = "fast"
options = { enter_deg = 200, flavour = 1 }
"""


def test_toml_errors_name_the_line_and_what_is_accepted():
    with pytest.raises(ProgrammeError) as info:
        parse_programme(BAD_TOML, "bad.toml")
    problems = info.value.problems
    expect = [
        ("bad.toml:5:", "unknown exercise 'squatt'; known: squat"),
        ("bad.toml:6:", "sets must be from 1 to 20, got 0"),
        ("bad.toml:11:", "side must be one of each, left, right, got 'up'"),
        ("bad.toml:12:", "unknown key 'colour' in test item 2; accepted: test, label"),
        ("bad.toml:17:", "unknown key 'at_mots' in target_rom.knee; accepted: at_most, at_least, range_deg"),
        ("bad.toml:17:", "unknown joint 'elbo' in target_rom; accepted: elbow, hip, knee"),
        ("bad.toml:18:", "tempo must be \"DOWN-HOLD-UP\" in seconds"),
        ("bad.toml:19:", "options: unknown exercise option(s) flavour"),
    ]
    for where, words in expect:
        assert any(p.startswith(where) and words in p for p in problems), (where, words, problems)
    assert len(problems) == len(expect)


def test_json_errors_and_syntax_errors_have_lines():
    text = json.dumps({"programme": {"name": "j"}, "item": [{"exercise": "squat", "sets": 2}, {"test": "sway", "time_s": 1}]}, indent=2)
    with pytest.raises(ProgrammeError) as info:
        parse_programme(text, "x.json")
    assert info.value.problems == [
        "x.json:6: item 1 (squat) needs reps = N (or time_s = S for a timed set)",
        "x.json:12: time_s of sway must be 5 to 120 seconds, got 1",
    ]
    with pytest.raises(ProgrammeError, match=r"^y.toml:3: not valid TOML"):
        parse_programme('[programme]\nname = "y"\nsets = = 3\n', "y.toml")
    with pytest.raises(ProgrammeError, match=r"^z.json:2: not valid JSON"):
        parse_programme('{"programme": {"name": "z"},\n "item": [,]}', "z.json")


@pytest.mark.parametrize("text, words", [
    ('[programme]\nname = "n"\n', "no [[item]]"),
    ('[[item]]\nexercise = "squat"\nreps = 2\n', "needs a [programme] table"),
    ('[programme]\nname = "n"\n[[item]]\nexercise = "squat"\ntest = "sway"\n', "exactly one of exercise"),
    ('[programme]\nname = "n"\n[[item]]\nexercise = "glute_bridge"\nreps = 2\nhold_s = 90\n', "allows at most 60 s"),
    ('[programme]\nname = "n"\n[[item]]\ntest = "30s-chair-stand"\ntime_s = 20\n', "fixed protocol"),
    ('[programme]\nname = "n"\n[[item]]\nexercise = "squat"\nreps = 2.5\n', "reps must be a whole number"),
])
def test_more_mistakes(text, words):
    with pytest.raises(ProgrammeError) as info:
        parse_programme(text, "m.toml")
    assert words in str(info.value) and str(info.value).startswith("m.toml")


def test_files_that_are_not_programmes(tmp_path):
    with pytest.raises(ProgrammeError, match="no such programme file"):
        load_programme(tmp_path / "none.toml")
    (tmp_path / "p.yaml").write_text("a: 1")
    with pytest.raises(ProgrammeError, match=r"a .toml or .json file, got .yaml"):
        load_programme(tmp_path / "p.yaml")
    (tmp_path / "b.toml").write_bytes(b"\xff\xfe")
    with pytest.raises(ProgrammeError, match="not UTF-8"):
        load_programme(tmp_path / "b.toml")
