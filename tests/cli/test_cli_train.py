"""`movenet train` on the command line: a tiny run, its resume, and the errors a user meets."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "train"))
from train_helpers import ANNOTATIONS, IMAGES

from movenet.cli.main import main

HAS_TORCH = importlib.util.find_spec("torch") is not None and importlib.util.find_spec("safetensors") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="needs the torch extra: pip install -e '.[torch]'")

BASE = ["train", "--train", str(ANNOTATIONS), "--train-images", str(IMAGES), "--batch-size", "2", "--threads", "1",
        "--no-onnx"]


@needs_torch
def test_run_then_resume_then_refuse(tmp_path, capsys):
    out = tmp_path / "run"
    assert main([*BASE, "--max-steps", "1", "--out", str(out)]) == 0
    assert "6 samples (4 people without keypoints skipped" in capsys.readouterr().out
    assert main(["train", "--resume", str(out), "--max-steps", "2", "--threads", "1"]) == 0
    assert json.loads((out / "last.json").read_text())["global_step"] == 2
    assert main([*BASE, "--out", str(out)]) == 2
    assert "already holds a training run" in capsys.readouterr().err
    assert main(["train", "--resume", str(out), "--model", "thunder"]) == 2
    assert "run of model 'lightning', not 'thunder'" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["train", "--train", "a.json", "--out", "x"], "one --train-images DIR per --train file"),
    (["train", "--out", "x"], "nothing to train on"),
    (["train", "--train", "a.json", "--train-images", "d"], "--out RUN_DIR is required"),
    (["train", "--unlabelled", "v.mp4", "--out", "x"], "--unlabelled needs --teacher"),
    (["train", "--resume", "nowhere"], "not a training run folder"),
])
@needs_torch
def test_usage_errors(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.skipif(HAS_TORCH, reason="checks the light install's message (torch is installed here)")
def test_without_torch_a_one_line_error(capsys):
    assert main(["train", "--out", "x"]) == 2
    err = capsys.readouterr().err
    assert "movenet train needs PyTorch" in err and "pip install -e '.[torch]'" in err and "Traceback" not in err


@pytest.mark.skipif(HAS_TORCH, reason="checks the light install's message (torch is installed here)")
@pytest.mark.parametrize("argv", [["export-onnx"], ["quantize", "--calibration", "examples"]])
def test_export_commands_without_torch_a_one_line_error(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "needs PyTorch" in err and "pip install -e '.[torch]'" in err and "Traceback" not in err
