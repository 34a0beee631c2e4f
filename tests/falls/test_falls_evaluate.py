"""The evaluator: labels files, holding the last frame, verdicts, totals, failures."""

from __future__ import annotations

import pytest

from movenet import InvalidInputError
from movenet.falls.evaluate import (
    LabelledClip,
    evaluate_clips,
    held,
    judge_clip,
    read_labels,
    totals,
)
from movenet.falls.synthetic import frames, scenario


@pytest.fixture
def clips_dir(tmp_path):
    for name in ("a.mp4", "b.mp4", "c.mp4"):
        (tmp_path / name).write_bytes(b"")
    return tmp_path


def write(tmp_path, text):
    path = tmp_path / "labels.csv"
    path.write_text(text)
    return path


def test_labels_with_optional_columns(clips_dir):
    path = write(clips_dir, "file,label,impact_ms,split,frames,fps\na.mp4,fall,1500,dev,10,30\nb.mp4,no_fall,,test,10,30\n")
    assert read_labels(path, clips_dir) == [
        LabelledClip("a.mp4", "fall", 1500.0, "dev", 2),
        LabelledClip("b.mp4", "no_fall", None, "test", 3),
    ]


@pytest.mark.parametrize("text, message", [
    ("file,label,colour\na.mp4,fall,red\n", r"row 1: unknown column 'colour'; columns: file, label and optionally impact_ms"),
    ("file\na.mp4\n", r"row 1: missing column 'label'"),
    ("file,label\na.mp4,fall\nb.mp4,falls\n", r"row 3 \(b.mp4\): label 'falls' is not one of fall, no_fall"),
    ("file,label\na.mp4,fall\nzz.mp4,fall\n", r"row 3: clip zz.mp4 not found in"),
    ("file,label\na.mp4,fall\na.mp4,no_fall\n", r"row 3: a.mp4 is listed twice"),
    ("file,label,impact_ms\na.mp4,fall,soon\n", r"row 2 \(a.mp4\): impact_ms 'soon' is not a number"),
    ("file,label,impact_ms\na.mp4,no_fall,100\n", r"row 2 \(a.mp4\): impact_ms given for a no_fall clip"),
    ("file,label\n", r"no clips"),
])
def test_bad_labels_name_the_row(clips_dir, text, message):
    with pytest.raises(InvalidInputError, match=message):
        read_labels(write(clips_dir, text), clips_dir)


def test_holding_the_last_frame():
    seq = [(0.0, ["a"]), (40.0, ["b"]), (80.0, ["c"])]
    assert held(seq, 0.2) == seq + [(120.0, ["c"]), (160.0, ["c"]), (200.0, ["c"]), (240.0, ["c"]), (280.0, ["c"])]


def test_verdicts_on_synthetic_clips():
    """The fall is confirmed at 6400 ms; its clip ends at 2000 ms and is held; delay from 1600 ms."""
    fall = frames(scenario("fall"))[:51]  # until 2000 ms
    verdict = judge_clip(fall, LabelledClip("f", "fall", 1600.0, None, 2))
    assert (verdict.detected, verdict.first_event_ms, verdict.delay_ms, verdict.false_alarms) == (True, 6400.0, 4800.0, 0)
    assert verdict.duration_s == pytest.approx(2.04)
    assert not judge_clip(fall, LabelledClip("f", "fall", 1600.0, None, 2), hold_s=1.0).detected
    early = judge_clip(fall, LabelledClip("f", "fall", 8000.0, None, 2))  # an event 1.6 s before the "impact"
    assert (early.detected, early.false_alarms) == (False, 1)
    alarm = judge_clip(fall, LabelledClip("n", "no_fall", None, None, 2))
    assert (alarm.detected, alarm.false_alarms) == (True, 1)
    quiet = judge_clip(frames(scenario("sit_down")), LabelledClip("n", "no_fall", None, None, 2))
    assert (quiet.detected, quiet.false_alarms) == (False, 0)


def test_totals_and_failures():
    clips = [LabelledClip("fall", "fall", 1600.0, "dev", 2), LabelledClip("sit", "no_fall", None, "dev", 3),
             LabelledClip("bad", "no_fall", None, "test", 4), LabelledClip("lie", "no_fall", None, "test", 5)]
    sources = {"fall": scenario("fall"), "sit": scenario("sit_down"), "lie": scenario("fall")}

    def poses_of(clip):
        if clip.file == "bad":
            raise InvalidInputError("bad: not a video")
        return frames(sources[clip.file])

    default, ambianic = evaluate_clips(clips, poses_of)
    assert default.failed == ambianic.failed == [{"file": "bad", "error": "bad: not a video"}]
    t = default.all
    assert (t.clips, t.falls, t.no_falls, t.caught, t.clean, t.recall, t.specificity, t.false_alarms) == (3, 1, 2, 1, 1, 1.0, 0.5, 1)
    assert t.mean_delay_s == pytest.approx(4.8)
    assert t.false_alarms_per_hour == pytest.approx(3600.0 / (7.04 + 6.64))  # 1 alarm over the two no-fall clips
    assert set(default.splits) == {"dev", "test"} and default.splits["dev"].specificity == 1.0
    d = default.to_dict()
    assert {"method", "clips", "recall", "specificity", "false_alarms", "per_clip"} <= set(d)
    assert set(d["per_clip"][0]) >= {"file", "label", "detected", "first_event_ms"}
    assert totals([]).recall is None
