"""`movenet exercise eval DIR --labels index.csv`: repetition counts scored on labelled clips
(movenet.exercise.evaluate), per exercise, split and camera view, with a line per clip."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from movenet.cli.common import add_exercise_file_option, add_model_options, write_json
from movenet.cli.video import add_tracking_options

EPILOG = """\
examples:
  movenet exercise eval "$MOVENET_SHARED/data/exercise/workouttracker" --model thunder --cache ~/poses
  movenet exercise eval DIR --labels DIR/index.csv --split docs/exercise/workouttracker_split.csv --json report.json
  movenet exercise eval tests/fixtures/exercise/eval_mini --exercise-file examples/exercises/wall_push_up.toml

labels (the WorkoutTracker format): index.csv with the columns file, exercise, reps (optionally split,
person, view), and labels/<clip>.csv beside it with frame, time, label (1 on the frame where a
repetition starts; its count must equal reps; the time column is not used: each video's own frame
rate is). --split: a CSV with file, split (optionally person, view) for clips of an index without
them. Each clip's poses are computed once per model (--cache DIR keeps them as JSON lines).
A clip's score is its completed repetitions; the "cut off" column is a repetition the clip ends
inside after the far end of the movement (the bottom of a squat reached, the return not seen),
which --count-cut-off scores too (labels that mark every repetition begun). Scores per exercise:
exact counts, off-by-one accuracy (within one repetition of the label), the mean relative error
|scored - labelled| / labelled, and clips with >= 2 labelled repetitions and none completed (counted 0).
"""


def add_parser(sub) -> None:

    # Reached as `movenet exercise eval` (movenet.cli.exercise.route); no `help`: not listed on its own.
    e = sub.add_parser(
        "exercise-eval", prog="movenet exercise eval",
        description="Count the repetitions of every clip of a labelled folder and score the counts against "
        "the labels: per exercise (and split, and camera view) off-by-one accuracy, mean relative error and "
        "exact counts, and a line per clip with the signal that counted and the view seen.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    e.add_argument("dir", metavar="DIR", help="folder of the clips (videos or folders of frames)")
    e.add_argument("--labels", metavar="INDEX", help="index.csv, or its folder (default: DIR)")
    e.add_argument("--split", metavar="CSV", help="file,split[,person,view] of the clips (totals per split and view)")
    e.add_argument("--exercise", metavar="NAME", help="count every clip as this exercise (default: the index's exercise column)")
    add_exercise_file_option(e)
    add_model_options(e)
    add_tracking_options(e)
    e.add_argument("--fps", type=float, help="frames per second of clips that are folders of frames (default 30)")
    e.add_argument("--cache", metavar="DIR", help="keep each clip's poses in DIR (JSON lines) and reuse them")
    e.add_argument("--json", metavar="FILE", help="write the report as JSON (- for standard output)")
    e.add_argument("--count-cut-off", action="store_true",
                   help="score a repetition a clip cuts off after the far end of the movement as well (for labels that "
                   "mark every repetition begun; default: the completed repetitions, what movenet exercise counts)")
    e.add_argument("--quiet", action="store_true", help="totals only, no line per clip")
    e.set_defaults(func=run)


def cache_tag(args: argparse.Namespace) -> str:
    """The cache subfolder of a detector setting: the model's name for the default settings."""
    tag = args.model + (str(args.multipose_max_dimension) if args.model == "multipose" and args.multipose_max_dimension != 256 else "")
    extras = [("nosmooth", args.no_smoothing), ("tfjs", args.compat), (f"mps{args.min_pose_score:g}", args.min_pose_score != 0.25),
              (f"{args.precision}", getattr(args, "precision", None) not in (None, "fp32")), (args.tracker, args.tracker != "box")]
    return "-".join([tag, *(name for name, on in extras if on)])


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from movenet.cli.video import video_detector
    from movenet.exercise.evaluate import evaluate_clips, read_labels
    from movenet.exercise.spec_file import register_exercise_files
    from movenet.pipelines.clip_poses import clip_poses

    register_exercise_files(args.exercise_file)
    clips = read_labels(args.labels or args.dir, args.dir, exercise=args.exercise, splits=args.split)
    args.sequential = True  # clip_poses runs the detector frame by frame
    detector = None

    def poses_of(clip):
        nonlocal detector
        cache = Path(args.cache) / cache_tag(args) / (Path(clip.file).stem + ".jsonl") if args.cache else None
        if cache is not None and cache.is_file():
            return clip_poses(Path(args.dir) / clip.file, None, cache=cache)
        if detector is None:
            detector = video_detector(args)
        return clip_poses(Path(args.dir) / clip.file, detector, cache=cache, fps=args.fps)

    bar = tqdm(total=len(clips), unit="clip", file=sys.stderr, disable=None)

    def progress(clip) -> None:
        bar.set_postfix_str(clip.file)
        bar.update(1)

    try:
        report = evaluate_clips(clips, poses_of, progress=progress, count_cut_off=args.count_cut_off)
    finally:
        bar.close()
    for failure in report.failed:
        print(f"error: {failure['file']}: {failure['error']}", file=sys.stderr)
    scored = "completed + cut off by the clip's end (begun)" if args.count_cut_off else "completed repetitions"
    print_report(report, f"poses: {args.model}" + ("" if cache_tag(args) == args.model else f" ({cache_tag(args)})") + f"; scored: {scored}", quiet=args.quiet)
    if args.json:
        write_json(args.json, {**report.to_dict(), "model": args.model, "settings": cache_tag(args)})
    return 1 if report.failed else 0


def _totals_line(name: str, t) -> str:
    return (f"  {name:<10} {t.clips:>5} {t.labelled:>9} {t.counted:>8} {t.cut_off:>7} {f'{t.exact}/{t.clips}':>8} "
            f"{t.off_by_one_accuracy:>11.2f} {t.mean_relative_error:>8.2f} {t.zero_counted:>9}")


def print_report(report, header: str, quiet: bool = False, out=None) -> None:
    out = out or sys.stdout
    if not quiet and report.per_clip:
        width = max(len(c.file) for c in report.per_clip)
        seen_of = {c.file: (c.view or "-") + (f" ({c.view_label})" if c.view_label and c.view and c.view_label != c.view else "") for c in report.per_clip}
        vw = max(7, *(len(v) for v in seen_of.values()))  # seen vs judged by eye
        print(f"{'clip':<{width}}  {'exercise':<9} {'split':<8} {'view':<{vw}} {'labelled':>8} {'counted':>7} {'cut off':>7} {'partial':>7}  signal", file=out)
        for c in report.per_clip:
            print(f"{c.file:<{width}}  {c.exercise:<9} {c.split or '-':<8} {seen_of[c.file]:<{vw}} {c.labelled:>8} {c.counted:>7} {c.cut_off:>7} {c.partial:>7}  {c.signal}", file=out)
        print(file=out)
    print(header, file=out)
    head = f"  {'':<10} {'clips':>5} {'labelled':>9} {'counted':>8} {'cut off':>7} {'exact':>8} {'off-by-one':>11} {'mean rel':>8} {'counted 0':>9}"
    groups = [("every clip", {"all": report.all, **report.by_exercise})]
    groups += [(f"split {name}", totals) for name, totals in report.by_split.items()]
    groups += [(f"view {name} (by eye)", totals) for name, totals in report.by_view.items()]
    for title, totals in groups:
        print(f"{title}:", file=out)
        print(head, file=out)
        for name, t in totals.items():
            print(_totals_line(name, t), file=out)
