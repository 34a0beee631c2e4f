"""Equivariant self-distillation: the loss on hand-built heads, the turned batch, a few steps of
`train(distill_rotations=True)` on the tiny fixture, the turned samples of teacher labels."""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")

import json
import math

import numpy as np
import torch

pytest.importorskip("pycocotools")

from safetensors.numpy import load_file
from train_helpers import ANNOTATIONS, IMAGES, copy_mini, write

from movenet.codec.rotate import rotate_heads
from movenet.errors import InvalidOptionError
from movenet.registry import get_spec
from movenet.train.augment import AugmentConfig
from movenet.train.config import TrainConfig
from movenet.train.data import PoseDataset, build_samples
from movenet.train.distill import teacher_turns
from movenet.train.loop import train
from movenet.train.rotation_distill import (
    DISTILL_WEIGHTS,
    RotationDistiller,
    distill_losses,
    turned_inputs,
)
from movenet.weights.store import weights_path


def _heads(batch=1, size=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    return {"center": torch.randn(batch, 1, size, size, generator=g),
            "kpt_heatmap": torch.randn(batch, 17, size, size, generator=g),
            "kpt_regress": torch.randn(batch, 34, size, size, generator=g),
            "kpt_offset": torch.rand(batch, 34, size, size, generator=g)}


def test_losses_are_zero_at_the_teacher_and_computed_by_hand_elsewhere():
    teacher = _heads()
    zero = distill_losses(teacher, teacher)
    for name, value in zero.items():
        assert float(value.abs().max()) < 1e-5, name
    # one pixel by hand: teacher logit log(4) (p = 0.8), student logit 0 (p = 0.5): KL per pixel
    kl = 0.8 * math.log(0.8 / 0.5) + 0.2 * math.log(0.2 / 0.5)
    student = {k: v.clone() for k, v in teacher.items()}
    teacher["center"] = torch.full((1, 1, 4, 4), -30.0)
    teacher["center"][0, 0, 2, 1] = math.log(4.0)
    student["center"] = teacher["center"].clone()
    student["center"][0, 0, 2, 1] = 0.0
    assert float(distill_losses(student, teacher)["center"][0]) == pytest.approx(kl * DISTILL_WEIGHTS["center"], rel=1e-4)
    # the regression field: L1 weighted by the teacher's centre probability; only that pixel counts
    student["center"] = teacher["center"].clone()
    student["kpt_regress"] = teacher["kpt_regress"].clone()
    student["kpt_regress"][0, 5, 2, 1] += 3.0  # read at the centre peak: counts (3 / 34 channels)
    student["kpt_regress"][0, 7, 0, 0] += 100.0  # where the teacher sees no centre: nearly free
    got = float(distill_losses(student, teacher)["kpt_regress"][0])
    assert got == pytest.approx(3.0 / 34 * DISTILL_WEIGHTS["kpt_regress"], rel=1e-3)
    # offsets: weighted by the teacher's probability of that keypoint (both of its channels)
    student["kpt_regress"] = teacher["kpt_regress"].clone()
    teacher["kpt_heatmap"] = torch.full((1, 17, 4, 4), -30.0)
    teacher["kpt_heatmap"][0, 4, 3, 3] = 0.0  # p = 0.5 at one pixel of keypoint 4
    student["kpt_heatmap"] = teacher["kpt_heatmap"].clone()
    student["kpt_offset"] = teacher["kpt_offset"].clone()
    student["kpt_offset"][0, 9, 3, 3] += 0.5  # keypoint 4's x offset at its peak
    student["kpt_offset"][0, 10, 3, 3] += 0.5  # keypoint 5 has no peak anywhere: weight ~0
    got = float(distill_losses(student, teacher)["kpt_offset"][0])
    assert got == pytest.approx(0.5 / 34 * DISTILL_WEIGHTS["kpt_offset"], rel=1e-3)


def test_each_crop_is_shown_at_every_turn_with_the_turned_teacher_heads():
    images = torch.arange(2 * 3 * 8 * 8, dtype=torch.float32).view(2, 3, 8, 8)
    heads = _heads(batch=2, size=2)
    inputs, targets, turn = turned_inputs(images, heads)
    assert inputs.shape == (8, 3, 8, 8) and turn.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    torch.testing.assert_close(inputs[2:4], torch.rot90(images, 1, dims=(2, 3)))
    torch.testing.assert_close(targets["kpt_offset"][6:8], rotate_heads(heads, 3)["kpt_offset"])
    torch.testing.assert_close(targets["center"][0:2], heads["center"])


def test_the_official_model_is_its_own_upright_teacher_but_not_a_turned_one():
    from movenet.weights.store import load_model

    torch.set_num_threads(1)
    samples, _ = build_samples(ANNOTATIONS, IMAGES)
    dataset = PoseDataset(samples, get_spec("lightning"), AugmentConfig.none(), targets=False)
    images = torch.stack([dataset[i]["image"] for i in range(2)])
    network = load_model("lightning")[0]
    with torch.no_grad():
        losses = RotationDistiller(load_model("lightning")[0], anchor_weight=2.0)(network, images)
    assert float(losses["turn0"]) < 1e-4
    assert min(float(losses[f"turn{d}"]) for d in (90, 180, 270)) > 1.0  # today's weakness


def test_teacher_turns_show_the_person_upright(tmp_path):
    """A teacher label found through a turn gives a sample shown turned: the same pixels as the
    unturned sample, np.rot90'd, and its keypoints moved with them."""
    annotations, images, data = copy_mini(tmp_path)
    person = next(a for a in data["annotations"] if a["num_keypoints"] >= 10)
    person["teacher_rotation"] = 90
    write(annotations, data)
    turns = teacher_turns(annotations)
    assert turns == {person["id"]: 1}
    samples, report = build_samples(annotations, images, turns=turns)
    plain, _ = build_samples(annotations, images)
    index = next(i for i, s in enumerate(samples) if s.turn == 1)
    turned_ds = PoseDataset(samples, get_spec("lightning"), AugmentConfig.none(), targets=False)
    plain_ds = PoseDataset(plain, get_spec("lightning"), AugmentConfig.none(), targets=False)
    turned_input, turned_people = turned_ds.render(index)
    plain_input, plain_people = plain_ds.render(index)
    np.testing.assert_array_equal(turned_input, np.rot90(plain_input, 1))
    a, b = plain_people[0].keypoints, turned_people[0].keypoints
    np.testing.assert_allclose(b[:, 0], 48 - a[:, 1], atol=1e-4)
    np.testing.assert_allclose(b[:, 1], a[:, 0], atol=1e-4)
    # people without keypoints get their own sample only for distillation, and only if big enough
    big, _ = build_samples(annotations, images, min_box_side=64)
    sides = [max(a["bbox"][2:]) for a in data["annotations"] if a["num_keypoints"] == 0 and not a.get("iscrowd")]
    assert len(big) == len(plain) + sum(s >= 64 for s in sides) and report.skipped_people == len(sides)


def test_a_few_distillation_steps_on_the_fixture(tmp_path):
    out = tmp_path / "run"
    config = TrainConfig(model="lightning", train=((str(ANNOTATIONS), str(IMAGES)),), batch_size=2, epochs=1,
                         max_steps=2, export_onnx=False, distill_rotations=True, freeze_blocks=3, lr=1e-4,
                         relative_lr=True)
    summary = train(config, out, threads=1, progress=False, log=lambda *_: None)
    entry = summary["history"][0]
    assert {"turn0", "turn90", "turn180", "turn270", "kpt_offset"} <= set(entry["loss"])
    assert entry["loss"]["turn0"] < 0.1 * entry["loss"]["turn90"]  # anchored upright, far off when turned
    trained = load_file(str(out / "last.safetensors"))
    official = load_file(str(weights_path("lightning")))
    frozen = [k for k in trained if k.startswith(("backbone.stem.", "backbone.blocks.0.", "backbone.blocks.2."))]
    moved = [k for k in trained if k.startswith("heads.")]
    assert frozen and all(np.array_equal(trained[k], official[k]) for k in frozen)
    assert any(not np.array_equal(trained[k], official[k]) for k in moved)
    run = json.loads((out / "run.json").read_text())
    assert run["config"]["distill_rotations"] is True and run["config"]["freeze_blocks"] == 3


def test_relative_learning_rates_follow_each_tensor_scale():
    from movenet.train.config import RELATIVE_LR_FLOOR

    big, small, zero = torch.full((3, 3), 2.0), torch.full((4,), 0.01), torch.zeros(5)
    optimizer = TrainConfig(train=(("a", "b"),), relative_lr=True).make_optimizer([big, small, zero])
    scales = [g["lr_scale"] for g in optimizer.param_groups]
    assert scales == pytest.approx([2.0 + RELATIVE_LR_FLOOR, 0.01 + RELATIVE_LR_FLOOR, RELATIVE_LR_FLOOR])
    plain = TrainConfig(train=(("a", "b"),)).make_optimizer([big, small])
    assert [g["lr_scale"] for g in plain.param_groups] == [1.0]


def test_distillation_refuses_what_it_cannot_turn():
    with pytest.raises(InvalidOptionError, match="SinglePose"):
        TrainConfig(model="multipose", train=(("a", "b"),), distill_rotations=True)
    with pytest.raises(InvalidOptionError, match="scratch"):
        TrainConfig(train=(("a", "b"),), distill_rotations=True, from_scratch=True)
    with pytest.raises(InvalidOptionError, match="freeze"):
        TrainConfig(train=(("a", "b"),), freeze_blocks=18)
