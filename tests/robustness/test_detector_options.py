"""Bad-input corpus, `create_detector` options: every option with wrong types and out-of-range
values gets a MovenetError whose one-line message names the option, what is accepted and what was
given; odd but valid spellings (NumPy scalars, upper case model names) work."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import REPO

import movenet
from movenet.errors import (
    InvalidOptionError,
    MovenetError,
    UnknownModelError,
    WeightsError,
)
from movenet.limits import max_threads

WEIGHTS = REPO / "src" / "movenet" / "weights"
CPUS = max_threads()

# (option, value, model, error class, message regex)
CASES = [
    ("model", "hrnet", None, UnknownModelError, r"unknown model 'hrnet'; valid names: lightning, thunder, multipose, posenet"),
    ("model", "", None, UnknownModelError, "unknown model ''; valid names"),
    ("model", 5, None, UnknownModelError, "model name must be a string, got int; valid names"),
    ("model", None, None, UnknownModelError, "model name must be a string, got NoneType"),
    ("model", ["lightning"], None, UnknownModelError, "model name must be a string, got list"),
    ("runtime", "tensorflow", "lightning", InvalidOptionError, "unknown runtime 'tensorflow'; available: onnxruntime, torch, litert"),
    ("runtime", "", "lightning", InvalidOptionError, "unknown runtime ''; available"),
    ("runtime", "ONNXRUNTIME", "lightning", InvalidOptionError, "unknown runtime 'ONNXRUNTIME'"),
    ("runtime", 5, "lightning", InvalidOptionError, "unknown runtime 5"),
    ("compat", "TFJS", "lightning", InvalidOptionError, "compat must be None or 'tfjs', got 'TFJS'"),
    ("compat", True, "lightning", InvalidOptionError, "compat must be None or 'tfjs', got True"),
    ("compat", "", "lightning", InvalidOptionError, "compat must be None or 'tfjs', got ''"),
    ("refine", "yes", "lightning", InvalidOptionError, "refine must be True or False, got 'yes'"),
    ("refine", "no", "lightning", InvalidOptionError, "refine must be True or False, got 'no'"),
    ("refine", 1, "lightning", InvalidOptionError, "refine must be True or False, got 1"),
    ("refine", None, "lightning", InvalidOptionError, "refine must be True or False, got None"),
    ("refine", True, "multipose", InvalidOptionError, "refine applies to SinglePose models"),
    ("smoothing", "off", "lightning", InvalidOptionError, "smoothing must be True or False, got 'off'"),
    ("smoothing", 0, "lightning", InvalidOptionError, "smoothing must be True or False, got 0"),
    ("spinning", "no", "lightning", InvalidOptionError, "spinning must be True or False, got 'no'"),
    ("min_pose_score", -0.1, "lightning", InvalidOptionError, r"min_pose_score must be a number in 0\.\.1, got -0\.1"),
    ("min_pose_score", 1.5, "lightning", InvalidOptionError, r"min_pose_score must be a number in 0\.\.1, got 1\.5"),
    ("min_pose_score", float("nan"), "lightning", InvalidOptionError, "min_pose_score must be a number in 0..1, got nan"),
    ("min_pose_score", float("inf"), "lightning", InvalidOptionError, "min_pose_score must be a number in 0..1, got inf"),
    ("min_pose_score", "0.3", "lightning", InvalidOptionError, "min_pose_score must be a number in 0..1, got '0.3'"),
    ("min_pose_score", None, "lightning", InvalidOptionError, "min_pose_score must be a number in 0..1, got None"),
    ("min_pose_score", True, "lightning", InvalidOptionError, "min_pose_score must be a number in 0..1, got True"),
    ("min_pose_score", 10**400, "lightning", InvalidOptionError, "min_pose_score must be a number in 0..1"),
    ("max_poses", 0, "multipose", InvalidOptionError, r"max_poses must be an integer in 1\.\.6 \(multipose finds at most 6\), got 0"),
    ("max_poses", 7, "multipose", InvalidOptionError, r"max_poses must be an integer in 1\.\.6 .*got 7"),
    ("max_poses", 2, "lightning", InvalidOptionError, r"max_poses must be an integer in 1\.\.1 \(lightning finds at most 1\), got 2"),
    ("max_poses", 2.5, "multipose", InvalidOptionError, "max_poses must be an integer in 1..6 .*got 2.5"),
    ("max_poses", "3", "multipose", InvalidOptionError, "max_poses must be an integer in 1..6 .*got '3'"),
    ("max_poses", True, "multipose", InvalidOptionError, "max_poses must be an integer in 1..6 .*got True"),
    ("multipose_max_dimension", 0, "multipose", InvalidOptionError, r"multipose_max_dimension must be a multiple of 32 in 32\.\.1024 \(memory and time grow with its square\), got 0"),
    ("multipose_max_dimension", 31, "multipose", InvalidOptionError, "multipose_max_dimension must be a multiple of 32 in 32..1024 .*got 31"),
    ("multipose_max_dimension", 250, "multipose", InvalidOptionError, "got 250"),
    ("multipose_max_dimension", -32, "multipose", InvalidOptionError, "got -32"),
    ("multipose_max_dimension", 1056, "multipose", InvalidOptionError, "got 1056"),
    ("multipose_max_dimension", 2**20, "multipose", InvalidOptionError, "got 1048576"),
    ("multipose_max_dimension", 256.0, "multipose", InvalidOptionError, "got 256.0"),
    ("multipose_max_dimension", "256", "multipose", InvalidOptionError, "got '256'"),
    ("multipose_max_dimension", True, "multipose", InvalidOptionError, "got True"),
    ("multipose_max_dimension", None, "multipose", InvalidOptionError, "got None"),
    ("tracker", "iou", "multipose", InvalidOptionError, r"tracker must be one of \('box', 'keypoints'\) or None, got 'iou'"),
    ("tracker", "BOX", "multipose", InvalidOptionError, "tracker must be one of .*got 'BOX'"),
    ("tracker", 1, "multipose", InvalidOptionError, "tracker must be one of .*got 1"),
    ("max_tracks", 0, "multipose", InvalidOptionError, r"max_tracks must be an integer in 1\.\.1000, got 0"),
    ("max_tracks", 10**9, "multipose", InvalidOptionError, r"max_tracks must be an integer in 1\.\.1000, got 1000000000"),
    ("max_tracks", 2.5, "multipose", InvalidOptionError, "max_tracks must be an integer in 1..1000, got 2.5"),
    ("max_tracks", True, "multipose", InvalidOptionError, "max_tracks must be an integer in 1..1000, got True"),
    ("max_tracks", None, "multipose", InvalidOptionError, "max_tracks must be an integer in 1..1000, got None"),
    ("max_track_age_ms", 0, "multipose", InvalidOptionError, "max_track_age_ms must be a finite number > 0, got 0"),
    ("max_track_age_ms", -5, "multipose", InvalidOptionError, "max_track_age_ms must be a finite number > 0, got -5"),
    ("max_track_age_ms", float("nan"), "multipose", InvalidOptionError, "got nan"),
    ("max_track_age_ms", float("inf"), "multipose", InvalidOptionError, "got inf"),
    ("max_track_age_ms", "1000", "multipose", InvalidOptionError, "got '1000'"),
    ("precision", "FP32", "lightning", InvalidOptionError, r"precision must be one of \('fp32', 'bf16', 'fp16', 'int8'\), got 'FP32'"),
    ("precision", "int4", "lightning", InvalidOptionError, "precision must be one of .*got 'int4'"),
    ("precision", None, "lightning", InvalidOptionError, "precision must be one of .*got None"),
    ("precision", 8, "lightning", InvalidOptionError, "precision must be one of .*got 8"),
    ("threads", 0, "lightning", InvalidOptionError, rf"threads must be an integer in 1\.\.{CPUS} \(one per CPU of this computer at most\), got 0"),
    ("threads", -1, "lightning", InvalidOptionError, f"threads must be an integer in 1..{CPUS} .*got -1"),
    ("threads", CPUS + 1, "lightning", InvalidOptionError, f"got {CPUS + 1}"),
    ("threads", 10_000, "lightning", InvalidOptionError, "got 10000"),
    ("threads", 2.5, "lightning", InvalidOptionError, "got 2.5"),
    ("threads", "2", "lightning", InvalidOptionError, "got '2'"),
    ("threads", True, "lightning", InvalidOptionError, "got True"),
    ("weights", 5, "lightning", WeightsError, "weights must be a file path \\(str or Path\\), got int"),
    ("weights", "missing.onnx", "lightning", WeightsError, "ONNX model not found .*: missing.onnx"),
    ("weights", WEIGHTS, "lightning", WeightsError, "ONNX model not found"),
    ("weights", WEIGHTS / "thunder.onnx", "lightning", WeightsError, r"thunder.onnx: a model with input \(256, 256\) and output \(1, 17, 3\), not lightning \(input \(192, 192\)"),
    ("weights", WEIGHTS / "multipose.onnx", "lightning", WeightsError, r"multipose.onnx: a model with input \(None, None\) and output \(6, 56\), not lightning"),
    ("weights", WEIGHTS / "lightning.onnx", "multipose", WeightsError, r"lightning.onnx: a model with input \(192, 192\) and output \(1, 17, 3\), not multipose"),
    ("weights", WEIGHTS / "lightning.safetensors", "lightning", WeightsError, "lightning.safetensors: not a valid ONNX model for (onnxruntime|OpenVINO)"),
]


@pytest.mark.parametrize("option, value, model, error, message", CASES, ids=[f"{c[0]}={c[1]!r}"[:60] for c in CASES])
def test_bad_option(option, value, model, error, message):
    kwargs = {option: value} if option == "model" else {"model": model, option: value}
    if option != "threads":
        kwargs.setdefault("threads", 1)
    with pytest.raises(error) as info:
        movenet.create_detector(**kwargs)
    text = str(info.value)
    assert isinstance(info.value, MovenetError) and "\n" not in text
    assert re.search(message, text), text


@pytest.mark.parametrize("name", ["empty", "junk"])
def test_damaged_weight_files(tmp_path, name):
    path = tmp_path / f"{name}.onnx"
    path.write_bytes(b"" if name == "empty" else b"\x08\x07garbage" * 10)
    with pytest.raises(WeightsError, match=f"{name}.onnx: not a valid ONNX model for (onnxruntime|OpenVINO)"):
        movenet.create_detector("lightning", weights=path, threads=1)


VALID = [
    ("model", " LIGHTNING "), ("max_poses", np.int64(3)), ("min_pose_score", np.float32(0.5)),
    ("multipose_max_dimension", np.int64(320)), ("threads", np.int64(1)), ("smoothing", np.False_),
    ("max_track_age_ms", np.float64(500)),
]


@pytest.mark.parametrize("option, value", VALID, ids=[f"{o}={v!r}" for o, v in VALID])
def test_odd_but_valid_spellings(option, value):
    model = "lightning" if option in ("model", "threads", "smoothing") else "multipose"
    kwargs = {"model": value} if option == "model" else {"model": model, option: value}
    detector = movenet.create_detector(**{"threads": 1, **kwargs})
    plain = {k: (v.item() if isinstance(v, np.generic) else v.strip().lower() if isinstance(v, str) else v) for k, v in kwargs.items()}
    assert detector.options == movenet.create_detector(**{"threads": 1, **plain}).options
    assert all(type(getattr(detector.options, f)) in (int, float, bool, str, type(None)) for f in ("max_poses", "min_pose_score", "multipose_max_dimension", "smoothing", "max_track_age_ms"))
