"""`movenet batch`: many images or videos through one task into a folder, resumable, on local
worker processes or a Ray cluster (a thin shell over `movenet.batch.run_batch`)."""

from __future__ import annotations

import argparse
import signal
import sys

from movenet.cli.common import add_model_options, check_threshold

EPILOG = """\
outputs (in --out DIR, named after each input's path under the folder it was found in):
  predict  <name>.json: {"file", "width", "height", "poses"} as `movenet predict --json`
  track    <name>.jsonl: one line per frame as `movenet track --jsonl`
  exercise <name>.exercise.json: repetitions of --exercise as `movenet exercise --json` (+ <name>.jsonl)
  falls    <name>.events.jsonl: fall events as `movenet falls --events` (+ <name>.jsonl), with the
           same options (--method, --confirm-s, --set, --hold-s, ...; a down_at_end event for
           whoever is still down when a video ends)
  --save-media adds <name>.annotated.jpg / <name>.annotated.mp4
  manifest.jsonl: one line per input and run: "status" ok / failed (with "reason") / skipped
  summary.json: the counts of the last run

Run the same command again to resume: inputs done with the same options (same file size and
modification time) are skipped, failed ones are retried only with --retry-failed. Outputs are
written to a temporary file and renamed, so a killed run never leaves a half-written output.

examples:
  movenet batch photos/ --out poses/ --recursive
  movenet batch clips/*.mp4 --out tracks/ --task track --workers 2 --save-media
  movenet batch /shared/clips --out /shared/tracks --task track --engine ray --ray-address auto
"""


def add_parser(sub) -> None:
    from movenet.batch import ENGINES, TASKS

    p = sub.add_parser(
        "batch",
        help="many images or videos through one task: resumable, atomic outputs, manifest, local processes or Ray",
        description="Run a task (predict: poses of images; track: poses through videos; exercise: "
        "repetitions; falls: fall events) on every "
        "input file, folder or glob pattern, writing one output per input into --out with a "
        "manifest of what was done, failed or skipped.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or glob patterns")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (a shared folder for Ray)")
    p.add_argument("--task", choices=list(TASKS), default="predict", help="default: predict")
    p.add_argument("--workers", type=int, metavar="N", help="worker processes (Ray: tasks at a time); default: one per CPU")
    p.add_argument("--engine", choices=list(ENGINES), default="local", help="local processes (default) or a Ray cluster (ray extra)")
    p.add_argument("--ray-address", metavar="ADDR", help="Ray cluster: 'auto', or ray://HEAD:10001; default: a local Ray")
    p.add_argument("--retry-failed", action="store_true", help="run inputs that failed in an earlier run again")
    p.add_argument("--recursive", "-r", action="store_true", help="look into subfolders too")
    p.add_argument("--save-media", action="store_true", help="also write the annotated image or video")
    add_model_options(p)
    p.set_defaults(threads=1)
    for action in p._actions:  # same option, another default: one thread per worker
        if action.dest == "threads":
            action.help = "CPU threads of each worker's runtime (default 1: one single-threaded runtime per worker)"
    p.add_argument("--compat", choices=["tfjs"], help="reproduce Google's TF.js pose-detection exactly")
    p.add_argument("--refine", action="store_true", help="predict, single pose: second pass on the crop around the person")
    p.add_argument("--no-smoothing", action="store_true", help="track: do not smooth the keypoints over time")
    p.add_argument("--tracker", choices=["box", "keypoints"], default="box", help="track, multipose: match people by box IoU or keypoint OKS")
    p.add_argument("--min-pose-score", type=float, metavar="S",
                   help="drop poses scoring below S (default 0.25; task falls: 0 with lightning/thunder, as movenet falls)")
    p.add_argument("--max-poses", type=int, metavar="N", help="multipose: at most N people")
    p.add_argument("--threshold", type=float, default=0.3, metavar="T", help="--save-media: draw keypoints scoring at least T")
    p.add_argument("--exercise", metavar="NAME", help="task exercise: the exercise to count (movenet exercise --help lists them)")
    from movenet.cli.falls import add_hold_option, add_method_options

    falls = p.add_argument_group("task falls", "the options of `movenet falls` (movenet falls --help)")
    add_method_options(falls, checked_later=True)
    add_hold_option(falls)
    p.set_defaults(func=run)


def format_summary(summary) -> str:
    counts = (f"{summary.ok} done, {summary.failed} failed, {summary.skipped} skipped (done or failed earlier); "
              f"{summary.frames} frame(s) in {summary.seconds:.1f} s")
    lines = [f"{summary.task}: {summary.total} input(s): {counts}"]
    if summary.failed_earlier:
        lines.append(f"  {summary.failed_earlier} input(s) failed in an earlier run (see manifest.jsonl); --retry-failed tries them again")
    lines += [f"  failed: {reason}" for _, reason in summary.failures]
    lines.append(f"outputs in {summary.out_dir}/ (manifest.jsonl, summary.json)")
    return "\n".join(lines)


FALLS_ONLY = ("confirm_s", "long_lie_s", "cooldown_s", "ambianic_threshold", "pose_source", "profile")


def _falls_options(args: argparse.Namespace) -> tuple[tuple[tuple[str, float], ...], float]:
    """The falls settings (sorted (name, value) pairs) and --hold-s; an error if given to another task."""
    from movenet.cli.falls import check_hold, check_set_names, method_settings
    from movenet.errors import InvalidOptionError
    from movenet.falls import get_method

    given = [name for name in FALLS_ONLY if getattr(args, name) is not None] + (["set"] if args.set else [])
    given += ["hold_s"] if args.hold_s else []
    given += ["method"] if args.method != "default" else []
    if args.task != "falls":
        if given:
            raise InvalidOptionError(f"--{given[0].replace('_', '-')} is an option of --task falls, not of --task {args.task}")
        return (), 0.0
    get_method(args.method)
    check_set_names(args, [args.method])
    return tuple(sorted(method_settings(args, args.method).items())), check_hold(args.hold_s)


def _min_pose_score(args: argparse.Namespace) -> float:
    from movenet.cli.falls import falls_min_pose_score

    if args.min_pose_score is not None:
        return args.min_pose_score
    return falls_min_pose_score(args.model, None) if args.task == "falls" else 0.25


def run(args: argparse.Namespace) -> int:
    from movenet.batch import BatchOptions, run_batch
    from movenet.falls import get_method

    check_threshold(args.threshold)
    fall_settings, hold_s = _falls_options(args)
    options = BatchOptions(
        model=args.model, runtime=args.runtime, precision=args.precision, weights=args.weights,
        threads=args.threads, compat=args.compat, refine=args.refine, min_pose_score=_min_pose_score(args),
        max_poses=args.max_poses, multipose_max_dimension=args.multipose_max_dimension,
        smoothing=not args.no_smoothing, tracker=args.tracker, threshold=args.threshold, save_media=args.save_media,
        exercise=args.exercise, fall_method=args.method, fall_settings=fall_settings, fall_hold_s=hold_s,
        fall_pose_source=args.pose_source or get_method(args.method).pose_source,
    )
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops as cleanly as Ctrl-C
    try:
        summary = run_batch(
            args.inputs, args.out, args.task, options, engine=args.engine, workers=args.workers,
            ray_address=args.ray_address, retry_failed=args.retry_failed, recursive=args.recursive,
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(format_summary(summary), file=sys.stderr)
    if summary.interrupted:
        message = "interrupted: finished outputs are kept; run the same command again to resume (done inputs are skipped)"
        print(message, file=sys.stderr)
        return 130
    return 1 if summary.failed or summary.failed_earlier else 0
