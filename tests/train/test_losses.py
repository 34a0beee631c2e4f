"""Each loss on hand-built cases: values computed by hand from the formulas of TRAINING.md."""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")

import math

import torch

from movenet.train.losses import (
    LOSS_WEIGHTS,
    Normalizers,
    focal_loss_sum,
    l1_sum,
    movenet_losses,
)


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def test_focal_positive_and_negative_by_hand():
    logits = torch.tensor([_logit(0.8), _logit(0.3), _logit(0.6)])
    target = torch.tensor([1.0, 0.5, 0.0])
    weight = torch.ones(3)
    expected = -(0.2 ** 2 * math.log(0.8)) - (0.5 ** 4 * 0.3 ** 2 * math.log(0.7)) - (0.6 ** 2 * math.log(0.4))
    assert abs(float(focal_loss_sum(logits, target, weight)) - expected) < 1e-6
    # masked pixels count for nothing
    assert abs(float(focal_loss_sum(logits, target, torch.tensor([1.0, 0.0, 0.0]))) + 0.04 * math.log(0.8)) < 1e-6


def test_focal_clips_the_sigmoid():
    # p = sigmoid(-50) ~ 2e-22 would give log p = -50; the clip makes it log(1e-4)
    value = float(focal_loss_sum(torch.tensor([-50.0]), torch.tensor([1.0]), torch.ones(1)))
    assert abs(value - (-(1 - 1e-4) ** 2 * math.log(1e-4))) < 1e-4
    perfect = float(focal_loss_sum(torch.tensor([50.0, -50.0]), torch.tensor([1.0, 0.0]), torch.ones(2)))
    assert perfect < 1e-7


def test_l1_by_hand():
    pred, target = torch.tensor([1.0, -2.0, 3.0]), torch.tensor([0.5, 0.0, 10.0])
    assert float(l1_sum(pred, target, torch.tensor([1.0, 1.0, 0.0]))) == 2.5


def test_weights_and_divisors():
    h = w = 4
    zeros = {n: torch.zeros(1, c, h, w) for n, c in (("kpt_regress", 34), ("kpt_offset", 34))}
    targets = {
        "kpt_regress": torch.zeros(1, 34, h, w), "kpt_regress_weight": torch.zeros(1, 34, h, w),
        "kpt_offset": torch.zeros(1, 34, h, w), "kpt_offset_weight": torch.zeros(1, 34, h, w),
    }
    targets["kpt_regress"][0, 0:2, 1, 1] = torch.tensor([3.0, -1.0])  # |error| 4 at the centre cell
    targets["kpt_regress_weight"][0, 0:2, 1, 1] = 1
    targets["kpt_offset"][0, 0:2, 2, 2] = torch.tensor([0.5, 0.25])
    targets["kpt_offset_weight"][0, 0:2, 2, 2] = 1
    norm = Normalizers(num_people=1, num_keypoints=2, num_offsets=5)
    losses = movenet_losses(zeros, targets, norm)
    assert abs(float(losses["kpt_regress"]) - LOSS_WEIGHTS["kpt_regress"] * 4 / 2) < 1e-6
    assert abs(float(losses["kpt_offset"]) - 0.75 / 5) < 1e-6
    assert abs(float(losses["total"]) - (0.2 + 0.15)) < 1e-6
    doubled = movenet_losses(zeros, targets, norm, scale=2.0)  # DDP: times the number of processes
    assert abs(float(doubled["total"]) - 0.7) < 1e-6
    # no instance at all: divided by 1, not by 0
    empty = movenet_losses(zeros, targets, Normalizers(0, 0, 0))
    assert abs(float(empty["kpt_offset"]) - 0.75) < 1e-6


def test_gradient_pushes_towards_the_target():
    logits = torch.zeros(1, 1, 3, 3, requires_grad=True)
    target = torch.zeros(1, 1, 3, 3)
    target[0, 0, 1, 1] = 1
    focal_loss_sum(logits, target, torch.ones_like(target)).backward()
    assert logits.grad[0, 0, 1, 1] < 0 and (logits.grad[0, 0, 0] > 0).all()
