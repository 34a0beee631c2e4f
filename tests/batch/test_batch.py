"""`movenet batch`: outputs, manifest, summary, resuming, retrying, naming, bad options."""

from __future__ import annotations

import json
import os
import time

import pytest
from conftest import EXAMPLE_IMAGE, REPO, SHARED
from io_helpers import make_video
from PIL import Image

from movenet.batch import BatchOptions, run_batch
from movenet.cli.main import main
from movenet.errors import InvalidOptionError

requires_shared_data = pytest.mark.skipif(
    not (SHARED / "data" / "videos" / "falls-urfd").is_dir(), reason=f"needs the clips in {SHARED / 'data'} (shared/ is absent)"
)


def manifest(out):
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "photos"
    (folder / "sub").mkdir(parents=True)
    Image.open(EXAMPLE_IMAGE).save(folder / "a.jpg")
    Image.open(REPO / "examples" / "three_people.jpg").resize((450, 430)).save(folder / "sub" / "b.png")
    (folder / "bad.jpg").write_text("not an image")
    os.symlink(folder / "nowhere.jpg", folder / "gone.jpg")
    (folder / "notes.txt").write_text("not an input")
    return folder


def test_predict_outputs_manifest_summary_and_rerun(photos, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["batch", str(photos), "--out", str(out), "-r", "--workers", "1", "--save-media"]) == 1
    err = capsys.readouterr().err
    assert "predict: 4 input(s): 2 done, 2 failed, 0 skipped" in err
    assert "bad.jpg: not an image file Pillow can read" in err and "gone.jpg: broken symbolic link" in err
    # one output per input, under the folder's name; the same poses as `movenet predict --json`
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == [".lock", "manifest.jsonl", "photos/a.jpg.annotated.jpg", "photos/a.jpg.json",
                       "photos/sub/b.png.annotated.jpg", "photos/sub/b.png.json", "summary.json"]
    assert main(["predict", str(photos / "a.jpg"), "--threads", "1", "--json", str(tmp_path / "p.json")]) == 0
    expected = json.loads((tmp_path / "p.json").read_text())[0]
    got = json.loads((out / "photos" / "a.jpg.json").read_text())
    assert got["poses"] == expected["poses"] and (got["width"], got["height"]) == (1000, 667)
    records = {os.path.basename(r["input"]): r for r in manifest(out)}
    assert {k: r["status"] for k, r in records.items()} == {"a.jpg": "ok", "b.png": "ok", "bad.jpg": "failed", "gone.jpg": "failed"}
    assert records["a.jpg"]["outputs"] == {"poses": "photos/a.jpg.json", "media": "photos/a.jpg.annotated.jpg"}
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["ok"], summary["failed"], summary["skipped"], summary["frames"]) == (2, 2, 0, 2)

    # a rerun does nothing: every input skipped, the failed ones still reported (exit 1)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.json") if p.name != "summary.json"}
    assert main(["batch", str(photos), "--out", str(out), "-r", "--workers", "1", "--save-media"]) == 1
    err = capsys.readouterr().err
    assert "0 done, 0 failed, 4 skipped" in err and "2 input(s) failed in an earlier run" in err
    assert {p: p.stat().st_mtime_ns for p in before} == before
    assert [r["status"] for r in manifest(out)[-4:]] == ["skipped"] * 4

    # a changed input is done again; --retry-failed retries the failed ones
    time.sleep(0.01)
    Image.open(EXAMPLE_IMAGE).resize((500, 333)).save(photos / "a.jpg")
    (photos / "gone.jpg").unlink()
    summary = run_batch([str(photos)], out, "predict", BatchOptions(save_media=True), workers=1, recursive=True,
                        retry_failed=True, progress=False)
    assert (summary.ok, summary.failed, summary.skipped) == (1, 1, 1)
    assert json.loads((out / "photos" / "a.jpg.json").read_text())["width"] == 500


def test_other_options_are_a_new_run(photos, tmp_path):
    out = tmp_path / "out"
    first = run_batch([str(photos / "a.jpg")], out, "predict", BatchOptions(), workers=1, progress=False)
    second = run_batch([str(photos / "a.jpg")], out, "predict", BatchOptions(model="thunder"), workers=1, progress=False)
    third = run_batch([str(photos / "a.jpg")], out, "predict", BatchOptions(model="thunder", threads=1), workers=1, progress=False)
    assert (first.ok, second.ok, third.ok, third.skipped) == (1, 1, 0, 1)


def test_track_outputs_equal_movenet_track(tmp_path, capsys):
    clips = tmp_path / "clips"
    clips.mkdir()
    make_video(clips / "one.mp4", n=6)
    make_video(clips / "two.avi", n=4)
    (clips / "broken.mp4").write_bytes(b"\x00" * 3000)
    out = tmp_path / "out"
    summary = run_batch([str(clips)], out, "track", BatchOptions(save_media=True), workers=2, progress=False)
    assert (summary.ok, summary.failed, summary.frames) == (2, 1, 10)
    assert summary.failures[0][1].endswith("broken.mp4: not a video OpenCV can read (accepted: .avi, .m4v, .mkv, "
                                          ".mov, .mp4, .mpeg, .mpg, .webm, .wmv)")
    for name, frames in (("one.mp4", 6), ("two.avi", 4)):
        assert main(["track", str(clips / name), "--threads", "1", "--jsonl", str(tmp_path / "t.jsonl")]) == 0
        assert (out / "clips" / f"{name}.jsonl").read_bytes() == (tmp_path / "t.jsonl").read_bytes()
        assert len((out / "clips" / f"{name}.jsonl").read_text().splitlines()) == frames
        assert (out / "clips" / f"{name}.annotated.mp4").stat().st_size > 0


def test_names_do_not_collide(tmp_path):
    for folder in ("x/clips", "y/clips"):
        (tmp_path / folder).mkdir(parents=True)
        Image.open(EXAMPLE_IMAGE).resize((100, 67)).save(tmp_path / folder / "a.jpg")
    out = tmp_path / "out"
    run_batch([str(tmp_path / "x" / "clips"), str(tmp_path / "y" / "clips"), str(tmp_path / "x/clips/a.jpg")], out,
              workers=1, progress=False)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json") if p.parent != out) == [
        "clips/a.jpg.json", "clips/a.jpg~2.json"]
    # a rerun in the other order keeps each input's name
    summary = run_batch([str(tmp_path / "y" / "clips"), str(tmp_path / "x" / "clips")], out, workers=1, progress=False)
    assert summary.skipped == 2


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--task", "exercise"], "task exercise needs --exercise NAME; exercises: squat, push_up"),
        (["--task", "exercise", "--exercise", "skipping"], "unknown exercise 'skipping'"),
        (["--task", "falls", "--method", "magic"], "unknown fall method 'magic'; known: default, learned, ambianic"),
        (["--task", "track", "--confirm-s", "3"], "--confirm-s is an option of --task falls, not of --task track"),
        (["--task", "falls", "--set", "nope=1"], "--set nope: no such setting for default"),
        (["--task", "falls", "--hold-s", "-1"], "--hold-s must be a number of seconds >= 0"),
        (["--task", "falls", "--model", "multipose", "--pose-source", "rotation"], "needs a single-person model"),
        (["--workers", "0"], "workers must be an integer in 1.."),
        (["--workers", "1000"], "workers must be an integer in 1..(.*)one single-threaded worker per CPU at most"),
        (["--threads", "0"], "threads must be an integer in 1.."),
        (["--min-pose-score", "7"], "min_pose_score must be a number in 0..1"),
        (["--threshold", "nan"], "--threshold must be a keypoint score in 0..1"),
        (["--model", "multipose", "--multipose-max-dimension", "4096"], "multipose_max_dimension must be a multiple of 32 in 32..1024"),
    ],
)
def test_bad_options(argv, message, tmp_path, capsys):
    import re

    assert main(["batch", str(EXAMPLE_IMAGE), "--out", str(tmp_path / "out"), *argv]) == 2
    assert re.search(message, capsys.readouterr().err)


def test_out_is_a_file_and_one_run_per_folder(tmp_path, capsys):
    assert main(["batch", str(EXAMPLE_IMAGE), "--out", str(EXAMPLE_IMAGE)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(InvalidOptionError, match="another movenet batch is writing to this folder"):
            run_batch([str(EXAMPLE_IMAGE)], out, workers=1, progress=False)


def test_a_damaged_manifest_line_is_ignored(tmp_path):
    out = tmp_path / "out"
    run_batch([str(EXAMPLE_IMAGE)], out, workers=1, progress=False)
    with open(out / "manifest.jsonl", "a") as f:
        f.write('{"input": "/x", "status": "o')  # a line cut short by a kill
    summary = run_batch([str(EXAMPLE_IMAGE)], out, workers=1, progress=False)
    assert summary.skipped == 1
    lines = (out / "manifest.jsonl").read_text().splitlines()
    assert json.loads(lines[-1])["status"] == "skipped" and lines[-2].endswith('"status": "o')


@requires_shared_data
def test_exercise_and_falls_tasks_equal_their_commands(tmp_path, capsys):
    """Each analysis task writes what its own command writes for the same video."""
    squats = SHARED / "data" / "reference-tfjs-models" / "pose_squats.mp4"
    fall = _held_fall_clip(tmp_path)
    out = tmp_path / "out"
    assert main(["batch", str(squats), "--out", str(out), "--task", "exercise", "--exercise", "squat", "--workers", "1"]) == 0
    assert main(["exercise", str(squats), "--exercise", "squat", "--threads", "1", "--json", str(tmp_path / "e.json")]) == 0
    got = json.loads((out / "pose_squats.mp4.exercise.json").read_text())
    assert got == json.loads((tmp_path / "e.json").read_text()) and got["reps"] == 2
    assert (out / "pose_squats.mp4.jsonl").is_file()
    assert main(["batch", str(fall), "--out", str(out), "--task", "falls", "--workers", "1"]) == 0
    assert main(["falls", str(fall), "--threads", "1", "--events", str(tmp_path / "f.jsonl")]) == 0
    events = (out / "fall.mp4.events.jsonl").read_text()
    assert events == (tmp_path / "f.jsonl").read_text()
    assert [json.loads(line)["event"] for line in events.splitlines()][:1] == ["fall"]


def _held_fall_clip(tmp_path):
    """A URFD fall clip (read from ../shared, written only to tmp) whose last frame is held 6 s,
    so that the fall is confirmed before the video ends (the recordings stop ~1 s after impact)."""
    import cv2

    capture = cv2.VideoCapture(str(SHARED / "data" / "videos" / "falls-urfd" / "urfd_02_fall.mp4"))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    path = tmp_path / "fall.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (320, 240))
    for frame in frames + [frames[-1]] * 180:
        writer.write(frame)
    writer.release()
    return path


def test_falls_task_takes_the_falls_options_and_reports_who_is_down_at_the_end(tmp_path, capsys):
    """GMDCSA24's fall 14 (MIT fixture): the same options as `movenet falls`, the same events; with
    --hold-s the fall is confirmed, without it the recording ends 3 s after the fall: down_at_end,
    unconfirmed."""
    clip = REPO / "examples" / "falls" / "gmdcsa24_s1_fall_14.mp4"
    out = tmp_path / "out"
    options = ["--confirm-s", "3", "--set", "cooldown_s=20", "--hold-s", "4"]
    assert main(["batch", str(clip), "--out", str(out), "--task", "falls", "--workers", "1", *options]) == 0
    assert main(["falls", str(clip), "--threads", "1", "--events", str(tmp_path / "f.jsonl"), *options]) == 0
    events = (out / "gmdcsa24_s1_fall_14.mp4.events.jsonl").read_text()
    assert events == (tmp_path / "f.jsonl").read_text()
    assert [json.loads(line)["event"] for line in events.splitlines()] == ["fall", "down_at_end"]
    assert main(["batch", str(clip), "--out", str(tmp_path / "out2"), "--task", "falls", "--workers", "1"]) == 0
    (end,) = [json.loads(line) for line in (tmp_path / "out2" / "gmdcsa24_s1_fall_14.mp4.events.jsonl").read_text().splitlines()]
    assert end["event"] == "down_at_end" and end["reason"]["fall_confirmed"] is False and end["reason"]["down_s"] > 3.0
    assert BatchOptions(fall_settings=(("confirm_s", 3.0),)).key("falls") != BatchOptions().key("falls")
