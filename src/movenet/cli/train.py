"""`movenet train`: fine-tune (or train) a model on COCO keypoint files and teacher-labelled footage."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from movenet.cli.common import require_modules
from movenet.registry import list_models

EPILOG = """\
examples:
  movenet train --model lightning --train A.json --train-images DIR --val V.json --val-images VDIR \\
                --epochs 10 --rotate 180 --out runs/rot
  movenet train --teacher thunder --unlabelled my_camera/ clip.mp4 --epochs 5 --out runs/mycam
  movenet train --distill-rotations --train A.json --train-images DIR --teacher thunder --unlabelled clips/ \
                --val V.json --val-images VDIR --val-rotations 0,90,180,270 --out runs/turns
  movenet train --resume runs/rot --epochs 20           # continue (exactly where it stopped)
  torchrun --standalone --nproc-per-node=2 -m movenet train ... --out runs/ddp   # several processes

RUN_DIR gets run.json (config, data report, metrics per epoch), log.jsonl, last.* and best.*
(.safetensors weights, .json state, .optimizer.safetensors) and best.onnx, which
create_detector(model, weights="RUN_DIR/best.onnx") and every command's --weights accept.
"""


def _rotations(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected degrees separated by commas (e.g. 0,90,180,270), got {text!r}")


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="fine-tune a model on COCO keypoints and/or teacher-labelled footage (torch extra)",
                       description="Fine-tune MoveNet from the official weights (or train from scratch) with "
                       "targets and losses that match the official decoding; evaluates each epoch with movenet eval.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=list_models(), help="default lightning (with --resume: the run's)")
    p.add_argument("--train", action="append", default=[], metavar="A.json", help="COCO keypoint file (repeatable)")
    p.add_argument("--train-images", action="append", default=[], metavar="DIR", help="its images (one per --train)")
    p.add_argument("--val", metavar="A.json", help="COCO keypoint file evaluated after each epoch (never trained on)")
    p.add_argument("--val-images", metavar="DIR")
    p.add_argument("--val-rotations", type=_rotations, default=(0,), metavar="0,90,...",
                   help="evaluate at these rotations; the best epoch has the highest mean AP (default 0)")
    p.add_argument("--teacher", choices=["thunder", "lightning"], help="label --unlabelled footage with this model")
    p.add_argument("--unlabelled", nargs="+", default=[], metavar="DIR_OR_VIDEO", help="images, folders, videos")
    p.add_argument("--teacher-rotations", type=_rotations, default=(0,), metavar="0,90,...",
                   help="test-time rotation of the teacher: keep the best-scoring turn (default 0)")
    p.add_argument("--no-teacher-refine", action="store_true", help="teacher without its refinement pass")
    p.add_argument("--frame-step", type=int, default=10, metavar="N", help="teacher: every Nth video frame (default 10)")
    p.add_argument("--distill-rotations", action="store_true",
                   help="equivariant self-distillation: the starting model's heads on each upright crop, turned by "
                   "90/180/270, teach the network the turned crops (no labels used; the crops come from --train and "
                   "--unlabelled)")
    p.add_argument("--distill-anchor", type=float, default=3.0, metavar="W",
                   help="weight of the upright crops against each turn in --distill-rotations (default 3)")
    p.add_argument("--freeze-blocks", type=int, default=0, metavar="N",
                   help="keep the stem and the first N of the 17 backbone blocks fixed (default 0)")
    p.add_argument("--relative-lr", action="store_true",
                   help="each weight tensor's learning rate is --lr times its starting RMS (fine-tuning folded "
                   "batch-norm weights, whose layers differ in scale by 100x)")
    p.add_argument("--epochs", type=int, help="default 10 (with --resume: the run's; more extends it)")
    p.add_argument("--batch-size", type=int, default=16, help="global batch, split over processes (default 16)")
    p.add_argument("--lr", type=float, help="peak learning rate; default 2e-5 (fine-tuning), 1e-3 with --from-scratch")
    p.add_argument("--optimizer", choices=["adam", "sgd"], default="adam", help="Adam (default) or SGD with momentum 0.9")
    p.add_argument("--rotate", type=float, default=0.0, metavar="DEG", help="rotation augmentation up to +-DEG (0..180)")
    p.add_argument("--rotate-prob", type=float, default=0.5, metavar="P", help="share of samples rotated (default 0.5)")
    p.add_argument("--no-augment", action="store_true", help="no augmentation at all")
    p.add_argument("--from-scratch", action="store_true", help="random initialisation instead of the official weights")
    p.add_argument("--weights", metavar="FILE", help="start from this .safetensors weight file")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=0, help="data loader processes per training process (default 0)")
    p.add_argument("--threads", type=int, help="torch threads per process (default: cores / processes)")
    p.add_argument("--max-steps", type=int, metavar="N", help="stop after N steps in all (a compute budget)")
    p.add_argument("--save-every", type=int, default=0, metavar="N", help="also checkpoint every N steps (default: epoch ends)")
    p.add_argument("--no-onnx", action="store_true", help="do not export best.onnx at the end")
    p.add_argument("--resume", metavar="RUN_DIR", help="continue this run (its settings; --epochs/--max-steps may extend it)")
    p.add_argument("--overwrite", action="store_true", help="replace a run already in --out")
    p.add_argument("--out", metavar="RUN_DIR", help="the run folder (required unless --resume)")
    p.set_defaults(func=run)


def config_from_args(args: argparse.Namespace):
    from movenet.errors import InvalidOptionError
    from movenet.train.config import TrainConfig

    if len(args.train) != len(args.train_images):
        raise InvalidOptionError(f"give one --train-images DIR per --train file ({len(args.train)} files, "
                                 f"{len(args.train_images)} folders)")
    if (args.val is None) != (args.val_images is None):
        raise InvalidOptionError("--val and --val-images go together")
    return TrainConfig(
        model=args.model or "lightning", train=tuple(zip(args.train, args.train_images)),
        val=(args.val, args.val_images) if args.val else None, val_rotations=args.val_rotations,
        teacher=args.teacher, unlabelled=tuple(args.unlabelled), teacher_rotations=args.teacher_rotations,
        teacher_refine=not args.no_teacher_refine, frame_step=args.frame_step, epochs=args.epochs or 10,
        batch_size=args.batch_size, lr=args.lr, optimizer=args.optimizer, rotate=args.rotate, rotate_prob=args.rotate_prob,
        augment=not args.no_augment, from_scratch=args.from_scratch, weights=args.weights, seed=args.seed,
        workers=args.workers, max_steps=args.max_steps, save_every=args.save_every, export_onnx=not args.no_onnx,
        distill_rotations=args.distill_rotations, freeze_blocks=args.freeze_blocks, relative_lr=args.relative_lr,
        distill_anchor=args.distill_anchor)


def run(args: argparse.Namespace) -> int:
    require_modules("movenet train", ("torch", "safetensors"), "torch")
    from movenet.errors import InvalidOptionError
    from movenet.train.checkpoint import RUN_FILE
    from movenet.train.config import TrainConfig
    from movenet.train.loop import train

    if args.resume:
        out = Path(args.resume)
        if args.out and Path(args.out).resolve() != out.resolve():
            raise InvalidOptionError("--resume continues the run in its own folder: leave out --out")
        if not (out / RUN_FILE).is_file():
            raise InvalidOptionError(f"{out}: not a training run folder ({RUN_FILE} is missing)")
        stored = json.loads((out / RUN_FILE).read_text())
        config = TrainConfig.from_dict({**stored["config"], "model": args.model or stored["model"],
                                        "epochs": args.epochs or stored["config"]["epochs"],
                                        "max_steps": args.max_steps})
        train(config, out, resume=True, threads=args.threads)
        return 0
    if not args.out:
        raise InvalidOptionError("--out RUN_DIR is required (the run folder)")
    train(config_from_args(args), args.out, overwrite=args.overwrite, threads=args.threads)
    return 0
