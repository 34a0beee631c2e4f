"""The training loop: `train(config, out_dir)`, one process or many (torchrun), resumable exactly.

Per step: a batch of augmented samples, the network, the losses (their divisors summed over the
processes), Adam with warm-up + cosine. Per epoch (rank 0): a checkpoint, `movenet eval` on the
validation set (single-crop; MultiPose: multi) at each validation rotation, the best epoch kept.
At the end the best weights are exported to ONNX with the decoding (`best.onnx`).
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import torch
from torch.utils.data import DataLoader, DistributedSampler

from movenet.errors import InvalidInputError, InvalidOptionError
from movenet.registry import get_spec
from movenet.train import checkpoint, distributed
from movenet.train.config import HEATMAP_PRIOR_BIAS, TrainConfig, learning_rate_at
from movenet.train.data import DataReport, PoseDataset, TrainSample, build_samples
from movenet.train.losses import Normalizers, movenet_losses

COUNT_KEYS = ("num_people", "num_keypoints", "num_offsets")
# Distillation needs no labels, so people without keypoints make samples too when their box's longer
# side is at least this (pixels): a quarter of Thunder's input side; smaller crops are mostly blur.
DISTILL_MIN_BOX_SIDE = 64.0
LOG_FILE = "log.jsonl"


def _network(config: TrainConfig):
    from movenet.model.movenet import MoveNet
    from movenet.weights.store import load_model

    spec = get_spec(config.model)
    if not config.from_scratch:
        return load_model(spec, config.weights)[0]
    torch.manual_seed(config.seed)
    model = MoveNet(spec)
    with torch.no_grad():
        for name in ("center", "kpt_heatmap"):
            model.heads[name].out.conv.bias.fill_(HEATMAP_PRIOR_BIAS)
    return model


def _samples(config: TrainConfig, out_dir: Path, context, progress) -> tuple[list[TrainSample], DataReport, dict]:
    spec = get_spec(config.model)
    samples: list[TrainSample] = []
    report = DataReport()

    def build(annotation_file, images):
        if not config.distill_rotations:
            return build_samples(annotation_file, images, spec.multi_pose)
        from movenet.train.distill import teacher_turns

        return build_samples(annotation_file, images, spec.multi_pose, min_box_side=DISTILL_MIN_BOX_SIDE,
                             turns=teacher_turns(annotation_file))

    for annotation_file, images in config.train:
        found, part = build(annotation_file, images)
        samples += found
        report.add(part)
    teacher_report: dict = {}
    if config.teacher:
        from movenet.train.distill import DistillConfig, file_digest, pseudo_label

        exclude: frozenset[str] = frozenset()
        if config.val is not None:
            from movenet.eval.dataset import load_coco_keypoints

            val = load_coco_keypoints(config.val[0])
            exclude = frozenset(file_digest(Path(config.val[1]) / i.file_name) for i in val.images.values()
                                if (Path(config.val[1]) / i.file_name).is_file())
        distill = DistillConfig(config.teacher, tuple(config.teacher_rotations), config.teacher_refine,
                                config.frame_step)
        if context.is_main:
            pseudo_label(list(config.unlabelled), out_dir / "pseudo", distill, exclude, progress)
        distributed.barrier(context)
        labels, images_dir, teacher_report = pseudo_label(list(config.unlabelled), out_dir / "pseudo", distill, exclude)
        found, part = build(labels, images_dir)
        samples += found
        report.add(part)
    if len(samples) < config.batch_size:
        raise InvalidInputError(f"{len(samples)} training samples, fewer than the batch size {config.batch_size}")
    return samples, report, teacher_report


def _evaluate(config: TrainConfig, weights: Path) -> dict:
    """AP per validation rotation of the weights in `weights` (torch runtime), and their mean."""
    import movenet
    from movenet.eval import evaluate

    spec = get_spec(config.model)
    detector = movenet.create_detector(spec.name, runtime="torch", weights=weights, min_pose_score=0.0,
                                       smoothing=False)
    protocol = "multi" if spec.multi_pose else "single-crop"
    aps = {}
    for degrees in config.val_rotations:
        report, _ = evaluate(detector, config.val[0], config.val[1], protocol, progress=False, bootstrap=0,
                             rotate=degrees)
        aps[str(degrees)] = round(report.metrics.AP, 2)
    return {"AP": aps, "mean_AP": round(sum(aps.values()) / len(aps), 2)}


def _prepare_out(out_dir: Path, config: TrainConfig, resume: bool, overwrite: bool, context) -> tuple[TrainConfig, dict | None]:
    if resume:
        _, _, state = checkpoint.load_checkpoint(out_dir, "last", config.model)
        stored = TrainConfig.from_dict(state["config"])
        return TrainConfig.from_dict({**stored.to_dict(), "epochs": config.epochs, "max_steps": config.max_steps}), state
    if checkpoint.holds_run(out_dir) and not overwrite:
        raise InvalidOptionError(f"{out_dir} already holds a training run: continue it with --resume {out_dir}, "
                                 "replace it with --overwrite, or choose another --out")
    distributed.barrier(context)
    if context.is_main:
        if overwrite and out_dir.is_dir():
            for name in out_dir.iterdir():
                if name.is_file() and name.name != "pseudo":
                    name.unlink()
        out_dir.mkdir(parents=True, exist_ok=True)
    distributed.barrier(context)
    return config, None


def _freeze(model, blocks: int) -> None:
    """Keep the stem and the first `blocks` backbone blocks at their starting weights (no gradient:
    their backward pass is skipped too)."""
    if blocks <= 0:
        return
    for module in (model.backbone.stem, *model.backbone.blocks[:blocks]):
        for p in module.parameters():
            p.requires_grad_(False)


class _Run:
    """The state of one run in one process: model, optimizer, counters, history; saving."""

    def __init__(self, config: TrainConfig, out_dir: Path, context, state: dict | None, run: dict, log) -> None:
        self.config, self.out_dir, self.context, self.run, self.log = config, out_dir, context, run, log
        self.spec = get_spec(config.model)
        self.model = _network(config).to(context.device).train()
        _freeze(self.model, config.freeze_blocks)
        self.optimizer = config.make_optimizer([p for p in self.model.parameters() if p.requires_grad])
        self.distiller = None
        if config.distill_rotations:  # the teacher: the starting weights, also when resuming
            from movenet.train.rotation_distill import RotationDistiller

            self.distiller = RotationDistiller(_network(config).to(context.device), anchor_weight=config.distill_anchor)
        self.epoch, self.step_in_epoch, self.global_step, self.history, self.best = 0, 0, 0, [], None
        if state is not None:
            from movenet.weights.store import load_model

            weights, optimizer_file, _ = checkpoint.load_checkpoint(out_dir, "last", config.model)
            self.model.load_state_dict(load_model(self.spec, weights)[0].state_dict())
            checkpoint.load_optimizer(self.optimizer, optimizer_file, state["optimizer"])
            self.epoch, self.step_in_epoch = state["epoch"], state["step_in_epoch"]
            self.global_step, self.history, self.best = state["global_step"], state.get("history", []), state.get("best")
        self.network = self.model
        if context.distributed:
            ids = [context.device.index] if context.device.type == "cuda" else None
            self.network = torch.nn.parallel.DistributedDataParallel(self.model, device_ids=ids)

    def save(self, name: str) -> None:
        checkpoint.save_checkpoint(self.out_dir, name, self.model, self.spec.name, self.optimizer, {
            "model": self.spec.name, "config": self.config.to_dict(), "epoch": self.epoch,
            "step_in_epoch": self.step_in_epoch, "global_step": self.global_step, "history": self.history,
            "best": self.best})

    def write_run(self) -> None:
        checkpoint.write_json(self.out_dir / checkpoint.RUN_FILE, {**self.run, "history": self.history, "best": self.best})

    def train_epoch(self, dataset: PoseDataset, steps_per_epoch: int, schedule_steps: int, total_steps: int,
                    progress: bool | None) -> dict:
        """Steps until the epoch ends (or the step budget): the epoch's entry (losses, images/s)."""
        from tqdm import tqdm

        config, context = self.config, self.context
        local_batch = config.batch_size // context.world_size
        sampler = DistributedSampler(dataset, num_replicas=context.world_size, rank=context.rank, shuffle=True,
                                     seed=config.seed, drop_last=True)
        sampler.set_epoch(self.epoch)
        dataset.set_epoch(self.epoch)
        indices = list(sampler)[: (steps_per_epoch * local_batch)][self.step_in_epoch * local_batch:]
        loader = DataLoader(dataset, batch_size=local_batch, sampler=indices, num_workers=config.workers,
                            drop_last=True)
        sums: dict[str, float] = {}
        seen, done, started = 0, 0, time.perf_counter()
        quiet = True if not context.is_main else (None if progress is None else not progress)
        bar = tqdm(total=steps_per_epoch, initial=self.step_in_epoch, desc=f"epoch {self.epoch + 1}/{config.epochs}",
                   unit="step", file=sys.stderr, disable=quiet)
        for batch in loader:
            for group in self.optimizer.param_groups:
                group["lr"] = learning_rate_at(self.global_step, schedule_steps, config.learning_rate) * \
                    group.get("lr_scale", 1.0)
            batch = {k: v.to(context.device) for k, v in batch.items()}
            share = 1.0  # what this process's loss contributes to the logged figure
            if self.distiller is not None:  # per-sample means: what DDP's gradient averaging expects
                losses = self.distiller(self.network, batch["image"])
            else:
                share = 1.0 / context.world_size  # a loss scaled by the world size
                heads = self.network(batch["image"])
                norm = Normalizers(*distributed.sum_over_processes([float(batch[k].sum()) for k in COUNT_KEYS], context))
                losses = movenet_losses(heads, batch, norm, scale=float(context.world_size))
            self.optimizer.zero_grad(set_to_none=True)
            losses["total"].backward()
            self.optimizer.step()
            self.global_step += 1
            self.step_in_epoch += 1
            seen += local_batch * context.world_size
            done += 1
            for name, value in losses.items():  # rank 0's figures
                sums[name] = sums.get(name, 0.0) + float(value.detach()) * share
            rate = seen / (time.perf_counter() - started)
            bar.set_postfix({k: f"{v / done:.3f}" for k, v in sums.items()} | {"img/s": f"{rate:.1f}"})
            bar.update(1)
            if config.save_every and self.global_step % config.save_every == 0 and context.is_main:
                self.save("last")
            if self.global_step >= total_steps:
                break
        bar.close()
        entry = {"epoch": self.epoch + 1, "global_step": self.global_step,
                 "images_per_s": round(seen / (time.perf_counter() - started), 2),
                 "loss": {k: round(v / max(1, done), 5) for k, v in sums.items()}}
        if self.step_in_epoch >= steps_per_epoch:
            self.epoch, self.step_in_epoch = self.epoch + 1, 0
        return entry

    def close_epoch(self, entry: dict) -> None:
        """Rank 0: checkpoint, validation, the best epoch, run.json and the log line."""
        import json

        self.save("last")
        if self.config.val is not None:
            entry["val"] = _evaluate(self.config, self.out_dir / "last.safetensors")
        score = entry.get("val", {}).get("mean_AP", float(self.global_step))  # no validation: the latest is best
        if self.best is None or score >= self.best["score"]:
            self.best = {"epoch": entry["epoch"], "global_step": self.global_step, "score": score}
            for suffix in (".safetensors", ".json"):
                shutil.copyfile(self.out_dir / f"last{suffix}", self.out_dir / f"best{suffix}")
        self.history.append(entry)
        self.save("last")  # with this epoch's metrics
        self.write_run()
        with open(self.out_dir / LOG_FILE, "a") as f:
            f.write(json.dumps(entry) + "\n")
        val = entry.get("val")
        self.log(f"epoch {entry['epoch']}: loss {entry['loss'].get('total', float('nan')):.4f} "
                 + " ".join(f"{k} {v:.4f}" for k, v in entry["loss"].items() if k != "total")
                 + f", {entry['images_per_s']} img/s"
                 + (f", val AP {val['AP']} (mean {val['mean_AP']})" if val else ""))


def train(config: TrainConfig, out_dir: str | Path, resume: bool = False, overwrite: bool = False,
          threads: int | None = None, progress: bool | None = None, log=print) -> dict:
    """Train (fine-tune by default) and return the run summary (also in RUN_DIR/run.json)."""
    context = distributed.init(threads)
    out_dir = Path(out_dir)
    config, state = _prepare_out(out_dir, config, resume, overwrite, context)
    samples, report, teacher_report = _samples(config, out_dir, context, progress)
    if config.batch_size % context.world_size:
        raise InvalidOptionError(f"batch size {config.batch_size} must be a multiple of the {context.world_size} processes")
    spec = get_spec(config.model)
    dataset = PoseDataset(samples, spec, config.augmentation(), config.seed, targets=not config.distill_rotations)
    steps_per_epoch = len(dataset) // config.batch_size
    schedule_steps = config.epochs * steps_per_epoch  # the learning-rate schedule's length
    total_steps = schedule_steps if config.max_steps is None else min(schedule_steps, config.max_steps)
    run_info = {"model": spec.name, "config": config.to_dict(), "data": report.to_dict(), "teacher": teacher_report,
                "samples": len(dataset), "steps_per_epoch": steps_per_epoch, "world_size": context.world_size}
    run = _Run(config, out_dir, context, state, run_info, log)
    if context.is_main:
        run.write_run()
        log(f"{spec.name}: {len(dataset)} samples ({report.skipped_people} people without keypoints skipped, "
            f"{report.keypoints_outside} keypoints outside their image, {len(report.failures)} images failed), "
            f"{steps_per_epoch} steps of {config.batch_size} per epoch, {context.world_size} process(es)")
        for failure in report.failures:
            log(f"  skipped: {failure}")
    while run.epoch < config.epochs and run.global_step < total_steps:
        entry = run.train_epoch(dataset, steps_per_epoch, schedule_steps, total_steps, progress)
        if context.is_main:
            run.close_epoch(entry)
        distributed.barrier(context)
    if context.is_main and config.export_onnx and (out_dir / "best.safetensors").is_file():
        from movenet.export.onnx import export

        export(spec.name, out_dir / "best.onnx", weights=out_dir / "best.safetensors")
        log(f"best epoch {run.best['epoch']} exported: {out_dir / 'best.onnx'}")
    distributed.barrier(context)
    summary = {**run_info, "history": run.history, "best": run.best, "global_step": run.global_step}
    distributed.shutdown(context)
    return summary
