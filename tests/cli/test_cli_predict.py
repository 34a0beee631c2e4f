"""`movenet predict` and friends, run in-process and once as a program."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLE_IMAGE
from PIL import Image

from movenet.cli.main import main
from movenet.skeleton import KEYPOINT_NAMES


def test_predict_prints_a_table(capsys):
    assert main(["predict", str(EXAMPLE_IMAGE)]) == 0
    out = capsys.readouterr().out
    assert "pose.jpg (1000x667), lightning: 1 pose(s)" in out
    for name in KEYPOINT_NAMES:
        assert f"  {name} " in out


def test_predict_json_to_stdout(capsys):
    assert main(["predict", str(EXAMPLE_IMAGE), "--model", "thunder", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc) == 1 and doc[0]["width"] == 1000 and doc[0]["height"] == 667
    pose = doc[0]["poses"][0]
    assert [k["name"] for k in pose["keypoints"]] == list(KEYPOINT_NAMES)
    assert set(pose) == {"score", "box", "id", "keypoints"}
    for k in pose["keypoints"]:
        assert 0 <= k["x"] <= 1000 and 0 <= k["y"] <= 667 and 0 <= k["score"] <= 1


def test_folder_out_and_json_file(tmp_path, capsys):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    Image.open(EXAMPLE_IMAGE).save(folder / "a.png")
    Image.open(EXAMPLE_IMAGE).resize((300, 200)).save(folder / "sub" / "b.jpg")
    (folder / "notes.txt").write_text("not an image")
    out, js = tmp_path / "out", tmp_path / "poses.json"
    assert main(["predict", str(folder), "-r", "--model", "multipose", "--out", str(out), "--json", str(js), "-q"]) == 0
    doc = json.loads(js.read_text())
    assert [Path(d["file"]).name for d in doc] == ["a.png", "b.jpg"]
    assert sorted(p.name for p in out.iterdir()) == ["a.png", "b.jpg"]
    drawn = np.asarray(Image.open(out / "a.png"))
    assert drawn.shape == (667, 1000, 3) and (drawn != np.asarray(Image.open(folder / "a.png"))).any()
    x0, y0, x1, y1 = doc[0]["poses"][0]["box"]
    assert 0 <= x0 < x1 <= 1000 and 0 <= y0 < y1 <= 667
    assert capsys.readouterr().out == ""  # --quiet


def test_folder_without_images(tmp_path, capsys):
    (tmp_path / "x.txt").write_text("hello")
    assert main(["predict", str(tmp_path)]) == 1
    assert "folder has no images" in capsys.readouterr().err


def test_glob_pattern(tmp_path, capsys):
    Image.open(EXAMPLE_IMAGE).save(tmp_path / "one.png")
    assert main(["predict", str(tmp_path / "*.png"), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
    assert main(["predict", str(tmp_path / "*.gif")]) == 1
    assert "matches no image files" in capsys.readouterr().err


def test_bad_file_is_reported_and_the_rest_processed(tmp_path, capsys):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"not a jpeg")
    assert main(["predict", str(bad), str(EXAMPLE_IMAGE), "--json"]) == 1
    captured = capsys.readouterr()
    assert str(bad) in captured.err and "not an image" in captured.err
    assert "1 of 2 input(s) failed" in captured.err
    assert len(json.loads(captured.out)) == 1


def test_compat_mode_cuts_off_at_the_sides(tmp_path, capsys):
    # A person at the far left of a wide canvas: outside the official centre-square crop.
    photo = np.asarray(Image.open(EXAMPLE_IMAGE).resize((450, 300)))
    canvas = np.zeros((300, 1200, 3), np.uint8)
    canvas[:, :450] = photo
    path = tmp_path / "wide.png"
    Image.fromarray(canvas).save(path)
    assert main(["predict", str(path), "--json", "--min-pose-score", "0"]) == 0
    default = json.loads(capsys.readouterr().out)[0]["poses"][0]
    assert main(["predict", str(path), "--json", "--compat", "tfjs", "--min-pose-score", "0"]) == 0
    compat = json.loads(capsys.readouterr().out)[0]["poses"]
    assert default["score"] > 0.4
    assert max(k["x"] for k in default["keypoints"] if k["score"] > 0.3) < 450
    assert not compat or compat[0]["score"] < default["score"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--model", "lightening"], "invalid choice"),
        (["--max-poses", "9", "--model", "multipose"], "max_poses must be an integer in 1..6"),
        (["--multipose-max-dimension", "300", "--model", "multipose"], "multiple of 32"),
        (["--min-pose-score", "2"], "min_pose_score must be a number in 0..1"),
    ],
)
def test_bad_options(args, message, capsys):
    try:
        code = main(["predict", str(EXAMPLE_IMAGE), *args])
    except SystemExit as exc:  # argparse
        code = exc.code
    assert code == 2
    assert message in capsys.readouterr().err


def test_models_lists_the_registry(capsys):
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 4 and "192x192" in out and "posenet    HxW 16k+1, 257" in out


def test_runs_as_a_program_and_stays_quiet_when_piped(tmp_path):
    script = Path(sys.executable).with_name("movenet")  # the installed console script
    command = [str(script)] if script.exists() else [sys.executable, "-m", "movenet"]
    help_run = subprocess.run(command + ["predict", "--help"], capture_output=True, text=True, timeout=60)
    assert help_run.returncode == 0 and "--model" in help_run.stdout and "examples:" in help_run.stdout
    run = subprocess.run(
        command + ["predict", str(EXAMPLE_IMAGE), str(EXAMPLE_IMAGE), "-q"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0 and run.stderr == "" and run.stdout == ""  # no progress bar in a pipe


@pytest.mark.parametrize("model", ["lightning", "multipose"])
def test_batch_size_gives_the_same_json_and_still_reports_bad_files(tmp_path, capsys, model):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"not a jpeg")
    three = str(EXAMPLE_IMAGE.parent / "three_people.jpg")
    inputs = [str(EXAMPLE_IMAGE), str(bad), three, str(EXAMPLE_IMAGE)]
    assert main(["predict", *inputs, "--model", model, "--json"]) == 1
    one = json.loads(capsys.readouterr().out)
    assert main(["predict", *inputs, "--model", model, "--json", "--batch-size", "3"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == one and len(one) == 3
    assert "not an image" in captured.err and "1 of 4 input(s) failed" in captured.err
    assert main(["predict", str(EXAMPLE_IMAGE), "--batch-size", "0"]) == 2
