"""The CenterNet keypoint losses on MoveNet's heads (shared/TRAINING.md).

- heatmaps (centre, keypoints): penalty-reduced logistic focal loss (alpha 2, beta 4) on the
  logits, sigmoid clipped to [1e-4, 1 - 1e-4], positives where the target is 1, weighted by the
  target's mask, summed and divided by the number of instances (people for the centre, labelled
  keypoints for the keypoint heatmaps);
- `kpt_regress`: L1 at the centre cell, divided by the number of labelled keypoints, weight 0.1;
- `kpt_offset`: L1 on the cells within radius 3 of each keypoint, divided by the number of those
  cells, weight 1;
- MultiPose `box_scale` (weight 0.1) and `box_offset` (weight 1): L1 at the centre cell, divided by
  the number of people.
The divisors are passed in (`Normalizers`) so that under DistributedDataParallel they can be summed
over all processes first: the gradient then equals that of one process on the whole batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

FOCAL_ALPHA = 2.0
FOCAL_BETA = 4.0
PROB_CLIP = 1e-4  # the sigmoid is clipped to [1e-4, 1 - 1e-4] before the logs
LOSS_WEIGHTS = {  # CenterNet keypoint task defaults (TRAINING.md)
    "center": 1.0, "kpt_heatmap": 1.0, "kpt_regress": 0.1, "kpt_offset": 1.0,
    "box_scale": 0.1, "box_offset": 1.0,
}
# Which count divides each head's loss.
DIVISOR = {"center": "num_people", "kpt_heatmap": "num_keypoints", "kpt_regress": "num_keypoints",
           "kpt_offset": "num_offsets", "box_scale": "num_people", "box_offset": "num_people"}


def focal_loss_sum(logits: torch.Tensor, target: torch.Tensor, weight: torch.Tensor,
                   alpha: float = FOCAL_ALPHA, beta: float = FOCAL_BETA) -> torch.Tensor:
    """Summed penalty-reduced focal loss: -(1-p)^a log p at positives (target == 1), -(1-t)^b p^a
    log(1-p) elsewhere, times `weight`."""
    p = torch.sigmoid(logits).clamp(PROB_CLIP, 1 - PROB_CLIP)
    positive = target >= 1.0
    pos = (1 - p) ** alpha * torch.log(p)
    neg = (1 - target) ** beta * p ** alpha * torch.log(1 - p)
    return -(torch.where(positive, pos, neg) * weight).sum()


def l1_sum(prediction: torch.Tensor, target: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    return ((prediction - target).abs() * weight).sum()


@dataclass(frozen=True)
class Normalizers:
    num_people: float
    num_keypoints: float
    num_offsets: float

    @classmethod
    def from_targets(cls, targets: dict[str, torch.Tensor]) -> Normalizers:
        return cls(*(float(targets[k].sum()) for k in ("num_people", "num_keypoints", "num_offsets")))


def movenet_losses(heads: dict[str, torch.Tensor], targets: dict[str, torch.Tensor],
                   norm: Normalizers, scale: float = 1.0) -> dict[str, torch.Tensor]:
    """Weighted loss per head and their sum (`total`). `scale` multiplies everything (the number
    of processes under DDP, whose gradients are averaged)."""
    losses = {}
    for name, head in heads.items():
        if name not in targets:
            continue
        weight = targets[name + "_weight"]
        if name in ("center", "kpt_heatmap"):
            raw = focal_loss_sum(head, targets[name], weight)
        else:
            raw = l1_sum(head, targets[name], weight)
        divisor = max(1.0, getattr(norm, DIVISOR[name]))
        losses[name] = raw * (LOSS_WEIGHTS[name] * scale / divisor)
    losses["total"] = sum(losses.values())
    return losses
