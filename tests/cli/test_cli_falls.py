"""`movenet falls` and `movenet falls eval` end to end: real frames (Ambianic's fixtures, Apache-2.0)
as a folder of frames, and the URFD clips where shared/ has them."""

from __future__ import annotations

import json
import shutil

import cv2
import pytest
from conftest import FIXTURES, URFD, requires_urfd

from movenet.cli.main import build_parser, main

STANDING, FALLEN = FIXTURES / "falls" / "fall_img_1.png", FIXTURES / "falls" / "fall_img_2.png"


def frames_folder(folder, standing: int, fallen: int):
    """A clip at 5 fps: the person standing, then (next frame) on the floor."""
    folder.mkdir()
    for i in range(standing + fallen):
        shutil.copy(STANDING if i < standing else FALLEN, folder / f"{i:03d}.png")
    return folder


def test_falls_on_a_folder_writes_events_video_states_and_keypoints_only_evidence(tmp_path, capsys):
    clip = frames_folder(tmp_path / "clip", 10, 35)  # fallen from 2000 ms; 9 s in all
    events, out, jsonl, evidence = (tmp_path / n for n in ("events.jsonl", "out.mp4", "poses.jsonl", "evidence"))
    assert main(["falls", str(clip), "--fps", "5", "--threads", "1", "--events", str(events), "--out", str(out),
                 "--jsonl", str(jsonl), "--clips", str(evidence), "--keypoints-only", "--clip-before-s", "1"]) == 0
    event, end = [json.loads(line) for line in events.read_text().splitlines()]
    assert (event["event"], event["track_id"], event["method"]) == ("fall", None, "default")
    assert 1800.0 <= event["start_ms"] < 2000.0 and event["confirmed_ms"] - event["reason"]["down_ms"] == 5000.0
    # still down when the clip ends (last frame 8800 ms): a down_at_end event, the fall confirmed
    assert (end["event"], end["confirmed_ms"], end["frame"]) == ("down_at_end", 8800.0, 44)
    assert end["reason"]["fall_confirmed"] is True
    assert end["reason"]["down_s"] == round((8800.0 - event["reason"]["down_ms"]) / 1000.0, 3)
    lines = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert [line["states"][0]["state"] for line in lines[:3]] == ["upright"] * 3
    assert lines[-1]["states"] == [{"track_id": None, "state": "fallen"}]
    assert [line["frame"] for line in lines if line["events"]] == [event["frame"]]
    assert int(cv2.VideoCapture(str(out)).get(cv2.CAP_PROP_FRAME_COUNT)) == 45
    assert sorted(p.suffix for p in evidence.iterdir()) == [".jpg", ".jsonl", ".mp4"]
    err = capsys.readouterr().err
    assert "FALL" in err and "DOWN AT END person: down for 6.6 s (since 2.20 s) when the video ended; fall confirmed" in err


def test_falls_ambianic_looks_at_one_frame_a_second(tmp_path):
    clip = frames_folder(tmp_path / "clip", 10, 10)
    events = tmp_path / "events.jsonl"
    assert main(["falls", str(clip), "--fps", "5", "--method", "ambianic", "--events", str(events), "--threads", "1"]) == 0
    found = [json.loads(line) for line in events.read_text().splitlines()]
    # Fallen at 2000 ms: against the frame of 1000 ms (t-1), and again at 3000 ms against the same
    # frame as t-2: theirs has no cooldown, one fall gives two events.
    assert [(e["method"], e["start_ms"], e["confirmed_ms"], e["reason"]["compared_with"]) for e in found] == [
        ("ambianic", 1000.0, 2000.0, "t-1"), ("ambianic", 1000.0, 3000.0, "t-2")]
    assert all(e["reason"]["leaning_angle_deg"] > 60 for e in found)


def labelled_folder(tmp_path):
    root = tmp_path / "clips"
    root.mkdir()
    frames_folder(root / "fall", 10, 15)
    frames_folder(root / "stand", 25, 0)
    (root / "broken.mp4").write_bytes(b"not a video")
    labels = root / "labels.csv"
    labels.write_text("file,label,impact_ms\nfall,fall,2000\nstand,no_fall,\n")
    return root, labels


def test_eval_both_methods_on_the_same_poses_json_and_cache(tmp_path, capsys):
    root, labels = labelled_folder(tmp_path)
    report, cache = tmp_path / "report.json", tmp_path / "cache"
    args = ["falls", "eval", str(root), "--labels", str(labels), "--fps", "5", "--threads", "1",
            "--cache", str(cache), "--json", str(report)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "caught" in out and "default" in out and "ambianic" in out
    data = json.loads(report.read_text())
    assert (data["method"], data["recall"], data["specificity"], data["false_alarms"]) == ("default", 1.0, 1.0, 0)
    assert [c["file"] for c in data["per_clip"]] == ["fall", "stand"]
    assert data["per_clip"][0]["detected"] and data["per_clip"][0]["first_event_ms"] > 2000.0
    assert data["baselines"][0]["method"] == "ambianic" and data["baselines"][0]["recall"] == 1.0
    assert sorted(p.name for p in (cache / "lightning-video").iterdir()) == ["fall.jsonl", "stand.jsonl"]
    assert main(args) == 0 and json.loads(report.read_text())["per_clip"] == data["per_clip"]  # from the cache


def test_eval_reports_a_broken_clip_and_goes_on(tmp_path, capsys):
    root, labels = labelled_folder(tmp_path)
    labels.write_text("file,label\nbroken.mp4,fall\nstand,no_fall\n")
    assert main(["falls", "eval", str(root), "--labels", str(labels), "--fps", "5", "--method", "default"]) == 1
    captured = capsys.readouterr()
    assert "error: broken.mp4:" in captured.err and "stand" in captured.out


def test_eval_bad_labels_and_settings_are_one_line_errors(tmp_path, capsys):
    root, labels = labelled_folder(tmp_path)
    labels.write_text("file,label\nfall,maybe\n")
    assert main(["falls", "eval", str(root), "--labels", str(labels)]) == 2
    assert "row 2 (fall): label 'maybe' is not one of fall, no_fall" in capsys.readouterr().err
    labels.write_text("file,label\nfall,fall\n")
    assert main(["falls", "eval", str(root), "--labels", str(labels), "--set", "speed=3"]) == 2
    assert "--set speed: no such setting" in capsys.readouterr().err


def test_falls_eval_is_reached_as_two_words():
    parser = build_parser()
    assert "falls-eval" not in parser.format_help()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices["falls-eval"].prog == "movenet falls eval"


@requires_urfd
def test_urfd_clips_default_catches_the_falls_without_false_alarm(tmp_path):
    """Two short real clips (dev split): a fall from a chair and a crouch, Lightning."""
    labels = tmp_path / "labels.csv"
    labels.write_text("file,label\nurfd_15_fall.mp4,fall\nurfd_53_no_fall.mp4,no_fall\n")
    report = tmp_path / "report.json"
    assert main(["falls", "eval", str(URFD), "--labels", str(labels), "--threads", "2", "--method", "default",
                 "--json", str(report), "--quiet"]) == 0
    data = json.loads(report.read_text())
    assert [c["detected"] for c in data["per_clip"]] == [True, False]


@pytest.mark.parametrize("argv, message", [
    (["falls", "clip.mp4", "--method", "ambianic", "--pose-source", "rotation", "--model", "multipose"], "needs a single-person model"),
    (["falls", "nothing-here.mp4"], "no such video file"),
])
def test_falls_bad_options(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_eval_ambianic_alone_runs_the_model_on_the_frames_it_looks_at_with_the_same_verdicts(tmp_path):
    root = tmp_path / "clips"
    root.mkdir()
    frames_folder(root / "fall", 6, 6)  # standing 0-1000 ms, fallen from 1200 ms
    labels = root / "labels.csv"
    labels.write_text("file,label\nfall,fall\n")
    both, alone, cache = tmp_path / "both.json", tmp_path / "alone.json", tmp_path / "cache"
    common = ["falls", "eval", str(root), "--labels", str(labels), "--fps", "5", "--threads", "2",
              "--pose-source", "ambianic", "--cache", str(cache), "--quiet", "--hold-s", "1"]
    assert main([*common, "--json", str(both)]) == 0
    assert main([*common, "--method", "ambianic", "--json", str(alone)]) == 0
    lines = [json.loads(line) for line in (cache / "thunder-ambianic-t0.15-gated" / "fall.jsonl").read_text().splitlines()]
    assert [bool(line["poses"]) for line in lines] == [k in (0, 5, 10, 11) for k in range(12)]  # 0, 1, 2 s; the last
    verdicts = json.loads(alone.read_text())["per_clip"]
    assert verdicts == json.loads(both.read_text())["baselines"][0]["per_clip"] and verdicts[0]["detected"]
