"""A few training steps on the tiny fixture: the run folder, the ONNX export that create_detector
accepts, exact resume (mid-epoch), refusals."""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")

import json

import numpy as np
import torch

pytest.importorskip("pycocotools")

from safetensors.numpy import load_file
from train_helpers import ANNOTATIONS, IMAGES

import movenet
from movenet.errors import InvalidInputError, InvalidOptionError
from movenet.train.config import TrainConfig
from movenet.train.loop import train

TINY = {"model": "lightning", "train": ((str(ANNOTATIONS), str(IMAGES)),), "batch_size": 2, "rotate": 180.0,
        "export_onnx": False, "seed": 5}


@pytest.fixture(autouse=True)
def _one_thread():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def _weights(path):
    return load_file(str(path))


def test_few_steps_write_a_run_that_every_runtime_accepts(tmp_path):
    out = tmp_path / "run"
    config = TrainConfig(**{**TINY, "export_onnx": True, "max_steps": 2, "epochs": 1,
                            "val": (str(ANNOTATIONS), str(IMAGES)), "val_rotations": (0, 90)})
    summary = train(config, out, threads=1, progress=False, log=lambda *_: None)
    assert summary["global_step"] == 2 and summary["data"]["skipped_people"] == 4 and summary["samples"] == 6
    run = json.loads((out / "run.json").read_text())
    entry = run["history"][0]
    assert set(entry["loss"]) == {"total", "center", "kpt_heatmap", "kpt_regress", "kpt_offset"}
    assert set(entry["val"]["AP"]) == {"0", "90"} and entry["images_per_s"] > 0
    for name in ("last.safetensors", "last.optimizer.safetensors", "last.json", "best.safetensors", "best.onnx", "log.jsonl"):
        assert (out / name).is_file(), name
    image = np.asarray(movenet.io.image.load_image(IMAGES / "000000000785.jpg"))
    onnx_pose = movenet.create_detector("lightning", weights=out / "best.onnx").estimate_poses(image)[0]
    torch_pose = movenet.create_detector("lightning", runtime="torch", weights=out / "best.safetensors").estimate_poses(image)[0]
    official = movenet.create_detector("lightning").estimate_poses(image)[0]
    np.testing.assert_allclose(onnx_pose.to_array(), torch_pose.to_array(), atol=1e-2)
    assert not np.allclose(onnx_pose.to_array(), official.to_array(), atol=1e-4)  # trained, not the shipped model


def test_resume_mid_epoch_is_exact(tmp_path):
    straight = TrainConfig(**{**TINY, "epochs": 2})
    train(straight, tmp_path / "a", threads=1, progress=False, log=lambda *_: None)
    stopped = TrainConfig(**{**TINY, "epochs": 2, "max_steps": 4})  # 3 steps per epoch: stops inside epoch 2
    train(stopped, tmp_path / "b", threads=1, progress=False, log=lambda *_: None)
    state = json.loads((tmp_path / "b" / "last.json").read_text())
    assert (state["epoch"], state["step_in_epoch"], state["global_step"]) == (1, 1, 4)
    train(TrainConfig(**{**TINY, "epochs": 2}), tmp_path / "b", resume=True, threads=1, progress=False,
          log=lambda *_: None)
    a, b = _weights(tmp_path / "a" / "last.safetensors"), _weights(tmp_path / "b" / "last.safetensors")
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    official = _weights(movenet.weights.weights_path("lightning"))
    assert not np.array_equal(a["heads.center.out.conv.weight"], official["heads.center.out.conv.weight"])


def test_refusals(tmp_path):
    out = tmp_path / "run"
    train(TrainConfig(**{**TINY, "max_steps": 1}), out, threads=1, progress=False, log=lambda *_: None)
    with pytest.raises(InvalidOptionError, match="already holds a training run"):
        train(TrainConfig(**TINY), out, threads=1, progress=False, log=lambda *_: None)
    with pytest.raises(InvalidOptionError, match="run of model 'lightning', not 'thunder'"):
        train(TrainConfig(**{**TINY, "model": "thunder"}), out, resume=True, threads=1, progress=False)
    with pytest.raises(InvalidOptionError, match="no checkpoint"):
        train(TrainConfig(**TINY), tmp_path / "empty", resume=True, threads=1, progress=False)
    with pytest.raises(InvalidInputError, match="fewer than the batch size 8"):
        train(TrainConfig(**{**TINY, "batch_size": 8}), tmp_path / "b", threads=1, progress=False)
    with pytest.raises(InvalidOptionError, match="nothing to train on"):
        TrainConfig(model="lightning")
    with pytest.raises(InvalidOptionError, match="rotation"):
        TrainConfig(**{**TINY, "rotate": 270.0})
    # --overwrite replaces the run
    train(TrainConfig(**{**TINY, "max_steps": 1}), out, overwrite=True, threads=1, progress=False, log=lambda *_: None)


def test_multipose_steps(tmp_path):
    config = TrainConfig(**{**TINY, "model": "multipose", "max_steps": 2})
    summary = train(config, tmp_path / "mp", threads=1, progress=False, log=lambda *_: None)
    assert summary["samples"] == 4 and summary["global_step"] == 2  # whole images
    assert {"box_scale", "box_offset"} <= set(summary["history"][0]["loss"])
