"""`movenet predict` and friends, run in-process and once as the installed console script."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE_IMAGE
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


def test_predict_json_file_multipose(tmp_path):
    out = tmp_path / "poses.json"
    assert main(["predict", str(EXAMPLE_IMAGE), "--model", "multipose", "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert len(doc[0]["poses"]) == 1
    x0, y0, x1, y1 = doc[0]["poses"][0]["box"]
    assert 0 <= x0 < x1 <= 1000 and 0 <= y0 < y1 <= 667


def test_bad_file_is_reported_and_the_rest_processed(tmp_path, capsys):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"not a jpeg")
    assert main(["predict", str(bad), str(EXAMPLE_IMAGE), "--json"]) == 1
    captured = capsys.readouterr()
    assert str(bad) in captured.err and "not an image" in captured.err
    assert len(json.loads(captured.out)) == 1


def test_unknown_model_lists_choices(capsys):
    with pytest.raises(SystemExit) as info:
        main(["predict", str(EXAMPLE_IMAGE), "--model", "lightening"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "lightning" in err and "thunder" in err and "multipose" in err


def test_models_lists_the_registry(capsys):
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 3 and "192x192" in out


def test_runs_as_a_program():
    script = Path(sys.executable).with_name("movenet")  # the installed console script
    command = [str(script)] if script.exists() else [sys.executable, "-m", "movenet"]
    result = subprocess.run(command + ["predict", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "--model" in result.stdout and "--json" in result.stdout
