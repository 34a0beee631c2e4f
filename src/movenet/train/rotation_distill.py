"""Equivariant self-distillation (`movenet train --distill-rotations`): teach the network to see
people turned by 90, 180 and 270 degrees as well as it sees them upright.

A frozen copy of the starting weights (the official model: the teacher) looks at the upright crop;
its raw heads, turned by k x 90 degrees (`codec.rotate.rotate_heads`, exact for quarter turns), are
the targets of the student on the crop turned by k x 90 degrees, for every k of `turns` (each crop
of a batch is shown at all of them). For k = 0 the target is the teacher itself, so the loss starts
at zero there and the upright behaviour is anchored by design rather than pulled toward hand-made
Gaussian targets (which the official weights do not minimise: docs/results/training.md). No label is
needed: any crop with a person works.

Per sample (so that a mean over the batch is what several processes average):
- heatmaps (centre, keypoints): binary cross-entropy of the student's logits against the
  teacher's probabilities, minus the teacher's own entropy (a KL divergence: zero at a perfect
  match), summed over the pixels of a map, averaged over the maps;
- regression field: L1 weighted by the teacher's centre probability (the decoding reads it at the
  centre peak), divided by that weight's sum, averaged over the 2 x 17 channels;
- offsets: L1 weighted by the teacher's probability of that keypoint (the decoding reads them at
  the keypoint peak), divided by that weight's sum, averaged over channels.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from movenet.codec.rotate import rotate_heads

DISTILL_TURNS = (0, 1, 2, 3)  # quarter turns each crop is shown at (0: the upright anchor)
# Head weights. Heatmaps 1 each, as in the labelled recipe; the regression field's L1 at 0.1 as
# there (it only has to land the guess near the right heatmap peak); offsets 1.
DISTILL_WEIGHTS = {"center": 1.0, "kpt_heatmap": 1.0, "kpt_regress": 0.1, "kpt_offset": 1.0}
# Weight of the upright (k = 0) rows against each turned row: with 1 the three turned rows outweigh the
# anchor 3 to 1, and Adam at 1e-5 took the upright AP from 34.0 to 29.4 in 75 steps of 4 crops; with 3
# (upright and turned rows weigh the same in all) it kept 30.9 at the same rotated AP (docs/results/training.md).
ANCHOR_WEIGHT = 3.0
WEIGHT_EPS = 1e-6  # guards the division by the summed teacher probabilities


def _heatmap_kl(student_logits: torch.Tensor, teacher_probs: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) -> (B,): per-pixel Bernoulli KL(teacher || student), summed over pixels,
    averaged over channels."""
    bce = F.binary_cross_entropy_with_logits(student_logits, teacher_probs, reduction="none")
    p = teacher_probs.clamp(1e-12, 1 - 1e-12)
    entropy = -(p * torch.log(p) + (1 - p) * torch.log(1 - p))
    return (bce - entropy).flatten(2).sum(2).mean(1)


def _weighted_l1(student: torch.Tensor, teacher: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """(B, 2K, H, W) fields, weight (B, 1 or K, H, W) -> (B,): per channel, the weight-averaged L1
    over pixels, averaged over channels (a weight of K maps serves both channels of a keypoint)."""
    if weight.shape[1] != 1:
        weight = weight.repeat_interleave(2, dim=1)
    per_channel = ((student - teacher).abs() * weight).flatten(2).sum(2) / (weight.flatten(2).sum(2) + WEIGHT_EPS)
    return per_channel.mean(1)


def distill_losses(student: dict[str, torch.Tensor], teacher: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Weighted per-sample losses (B,) per head and their sum (`total`); `teacher` holds raw heads
    (logits, fields) in the frame of the student's input."""
    center_p = torch.sigmoid(teacher["center"])
    kpt_p = torch.sigmoid(teacher["kpt_heatmap"])
    losses = {
        "center": _heatmap_kl(student["center"], center_p),
        "kpt_heatmap": _heatmap_kl(student["kpt_heatmap"], kpt_p),
        "kpt_regress": _weighted_l1(student["kpt_regress"], teacher["kpt_regress"], center_p),
        "kpt_offset": _weighted_l1(student["kpt_offset"], teacher["kpt_offset"], kpt_p),
    }
    losses = {k: v * DISTILL_WEIGHTS[k] for k, v in losses.items()}
    losses["total"] = sum(losses.values())
    return losses


def turned_inputs(images: torch.Tensor, teacher_heads: dict[str, torch.Tensor], turns=DISTILL_TURNS
                  ) -> tuple[torch.Tensor, dict[str, torch.Tensor], torch.Tensor]:
    """Upright inputs (B, 3, S, S) and the teacher's heads on them -> the student's inputs (each
    crop at every turn, turn-major: (len(turns) x B, 3, S, S)), the turned teacher heads in the
    same order, and the turn of each row."""
    inputs = torch.cat([torch.rot90(images, k, dims=(2, 3)) for k in turns])
    rotated = [rotate_heads(teacher_heads, k) for k in turns]
    targets = {name: torch.cat([r[name] for r in rotated]) for name in teacher_heads}
    turn_of_row = torch.tensor(turns).repeat_interleave(images.shape[0])
    return inputs, targets, turn_of_row


class RotationDistiller:
    """The frozen teacher and the loss of one step: `losses = distiller(network, upright_images)`.

    Returns the batch-mean losses per head and `total` (to back-propagate), plus `turn<degrees>`:
    the mean total of the rows at each turn (how far the student is from equivariance there)."""

    def __init__(self, teacher: torch.nn.Module, turns=DISTILL_TURNS, anchor_weight: float = ANCHOR_WEIGHT) -> None:
        self.teacher = teacher.eval()
        self.anchor_weight = float(anchor_weight)
        for p in self.teacher.parameters():
            p.requires_grad_(False)
        self.turns = tuple(turns)

    def __call__(self, network, images: torch.Tensor) -> dict[str, torch.Tensor]:
        with torch.no_grad():
            teacher_heads = self.teacher(images)
        inputs, targets, turn_of_row = turned_inputs(images, teacher_heads, self.turns)
        per_sample = distill_losses(network(inputs), targets)
        row_weight = torch.where(turn_of_row == 0, self.anchor_weight, 1.0).to(images.dtype)
        row_weight = row_weight / row_weight.mean()
        out = {name: (value * row_weight).mean() for name, value in per_sample.items()}
        for k in self.turns:
            out[f"turn{90 * k}"] = per_sample["total"].detach()[turn_of_row == k].mean()
        return out
