"""The settings of one training run (stored in RUN_DIR/run.json; a resumed run reads them back)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from movenet.errors import InvalidOptionError
from movenet.eval.rotation import ROTATIONS
from movenet.registry import get_spec
from movenet.train.augment import MAX_ROTATION, AugmentConfig

# Fine-tuning defaults for the official weights (TRAINING.md: low learning rate). Their batch norm is
# folded into the convolutions, so nothing renormalises a layer after an update, and Adam's first
# steps move every weight by about the learning rate: measured on the 6 people of
# tests/fixtures/coco_mini (docs/results/training.md), 3 steps at 2e-4 (rotation augmentation) took
# Lightning's AP from 48.6 to 0, while 30 steps at 1e-5 overfit it to 77.7 (2e-6: 61.2). Hence 2e-5, a linear warm-up over the
# first 5 % of the steps from a quarter of it (CenterNet's 2.5e-4 -> 1e-3 ratio), then cosine to 0.
DEFAULT_LR = 2e-5
WARMUP_FRACTION = 0.05
WARMUP_START = 0.25
FROM_SCRATCH_LR = 1e-3  # the CenterNet recipe's rate
HEATMAP_PRIOR_BIAS = -2.19  # log(0.1 / 0.9): heatmap heads start at probability 0.1 (from scratch)
SGD_MOMENTUM = 0.9
# --relative-lr: each tensor's rate is the learning rate times its starting RMS (plus this floor, so that
# an all-zero bias still moves). Folded batch norm leaves the layers at very different scales (weight
# RMS 0.02 in Lightning's last blocks, 1.8 in its heads), so one absolute rate moves the small deep
# layers by far more, relatively, than the rest: measured on the rotation distillation (docs/results/training.md), the
# upright AP after 150 steps of 8 crops was 28.9 with Adam at 2e-5 and 32.2 with relative rates at 1e-4.
RELATIVE_LR_FLOOR = 1e-3
OPTIMIZERS = ("adam", "sgd")
MAX_BATCH = 1024
MAX_WORKERS = 64
MAX_FREEZE_BLOCKS = 17  # MobileNetV2's inverted-residual blocks


@dataclass(frozen=True)
class TrainConfig:
    model: str = "lightning"
    train: tuple[tuple[str, str], ...] = ()  # (COCO annotation file, images folder) pairs
    val: tuple[str, str] | None = None
    val_rotations: tuple[int, ...] = (0,)  # the best epoch has the highest mean AP over these
    teacher: str | None = None
    unlabelled: tuple[str, ...] = ()
    teacher_rotations: tuple[int, ...] = (0,)
    teacher_refine: bool = True
    frame_step: int = 10
    epochs: int = 10
    batch_size: int = 16  # global: split over the processes
    lr: float | None = None  # None: DEFAULT_LR, or FROM_SCRATCH_LR with from_scratch
    optimizer: str = "adam"  # or "sgd" (momentum 0.9)
    rotate: float = 0.0
    rotate_prob: float = 0.5
    augment: bool = True
    from_scratch: bool = False
    weights: str | None = None  # start from this weight file instead of the official one
    seed: int = 0
    workers: int = 0
    max_steps: int | None = None  # stop after this many steps in all (a compute budget)
    save_every: int = 0  # also checkpoint every N steps inside an epoch (0: at epoch ends)
    export_onnx: bool = True
    distill_rotations: bool = False  # equivariant self-distillation (train/rotation_distill.py)
    freeze_blocks: int = 0  # keep the stem and the first N backbone blocks at their starting weights
    distill_anchor: float = 3.0  # weight of the upright rows (rotation_distill.ANCHOR_WEIGHT)
    relative_lr: bool = False  # each tensor's rate = lr x its starting RMS (RELATIVE_LR_FLOOR)

    def __post_init__(self) -> None:
        spec = get_spec(self.model)
        object.__setattr__(self, "model", spec.name)
        if not self.train and not self.unlabelled:
            raise InvalidOptionError("nothing to train on: give --train A.json --train-images DIR, or "
                                     "--teacher thunder --unlabelled DIR_OR_VIDEO")
        if self.unlabelled and not self.teacher:
            raise InvalidOptionError("--unlabelled needs --teacher (e.g. --teacher thunder)")
        if self.teacher is not None:
            teacher = get_spec(self.teacher)
            if teacher.multi_pose:
                raise InvalidOptionError("the teacher must be a SinglePose model (thunder or lightning)")
        for name, value, low, high in (("epochs", self.epochs, 1, 100_000), ("batch size", self.batch_size, 1, MAX_BATCH),
                                       ("workers", self.workers, 0, MAX_WORKERS), ("frame step", self.frame_step, 1, 100_000),
                                       ("save every", self.save_every, 0, 10**9)):
            if not isinstance(value, int) or not low <= value <= high:
                raise InvalidOptionError(f"{name} must be an integer in {low}..{high}, got {value!r}")
        if not isinstance(self.freeze_blocks, int) or not 0 <= self.freeze_blocks <= MAX_FREEZE_BLOCKS:
            raise InvalidOptionError(f"freeze blocks must be an integer in 0..{MAX_FREEZE_BLOCKS}, got {self.freeze_blocks!r}")
        if self.distill_rotations and (spec.multi_pose or spec.family != "movenet"):
            raise InvalidOptionError("--distill-rotations needs a SinglePose MoveNet (lightning or thunder): "
                                     "its heads are the ones that turn")
        if not 0 < self.distill_anchor <= 1000:
            raise InvalidOptionError(f"distill anchor weight must be in (0, 1000], got {self.distill_anchor!r}")
        if self.distill_rotations and self.from_scratch:
            raise InvalidOptionError("--distill-rotations distils the starting weights into themselves: "
                                     "it cannot start from scratch")
        if self.max_steps is not None and self.max_steps < 1:
            raise InvalidOptionError(f"max steps must be >= 1, got {self.max_steps}")
        if self.optimizer not in OPTIMIZERS:
            raise InvalidOptionError(f"unknown optimizer {self.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
        if self.lr is not None and not 0 < self.lr < 1:
            raise InvalidOptionError(f"learning rate must be in (0, 1), got {self.lr}")
        if not 0 <= self.rotate <= MAX_ROTATION or not 0 <= self.rotate_prob <= 1:
            raise InvalidOptionError(f"rotation must be 0..{MAX_ROTATION:g} degrees with a probability in 0..1")
        for rotations in (self.val_rotations, self.teacher_rotations):
            if not rotations or any(r not in ROTATIONS for r in rotations):
                raise InvalidOptionError(f"rotations must be among {ROTATIONS}, got {rotations}")

    @property
    def learning_rate(self) -> float:
        return self.lr if self.lr is not None else (FROM_SCRATCH_LR if self.from_scratch else DEFAULT_LR)

    def make_optimizer(self, parameters):
        """The optimizer over `parameters`; every group has an `lr_scale` (the loop sets each
        group's rate to the scheduled rate times it): 1, or each tensor's RMS with --relative-lr."""
        import torch

        parameters = list(parameters)
        if self.relative_lr:
            groups = [{"params": [p], "lr_scale": float(p.detach().pow(2).mean().sqrt()) + RELATIVE_LR_FLOOR}
                      for p in parameters]
        else:
            groups = [{"params": parameters, "lr_scale": 1.0}]
        if self.optimizer == "sgd":
            return torch.optim.SGD(groups, lr=self.learning_rate, momentum=SGD_MOMENTUM)
        return torch.optim.Adam(groups, lr=self.learning_rate)

    def augmentation(self) -> AugmentConfig:
        if not self.augment:
            return AugmentConfig.none()
        return AugmentConfig(rotate=self.rotate, rotate_prob=self.rotate_prob)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("train", "unlabelled", "val_rotations", "teacher_rotations"):
            if key in values:
                values[key] = tuple(tuple(v) if isinstance(v, list) else v for v in values[key])
        if values.get("val") is not None:
            values["val"] = tuple(values["val"])
        return cls(**values)


def learning_rate_at(step: int, total_steps: int, base: float) -> float:
    """Linear warm-up from WARMUP_START x base, then cosine decay to 0 at `total_steps`."""
    import math

    warmup = max(1, int(WARMUP_FRACTION * total_steps))
    if step < warmup:
        return base * (WARMUP_START + (1 - WARMUP_START) * step / warmup)
    progress = min(1.0, (step - warmup) / max(1, total_steps - warmup))
    return base * 0.5 * (1 + math.cos(math.pi * progress))
