"""`movenet exercise` (repetition counting), `movenet exercise eval` (counts scored on labelled
clips: `cli.exercise_eval`), `movenet exercise list` and `movenet angles` (joint angles per
frame): thin shells over `movenet.exercise`, on the shared video loop (`cli.video.run_video`)."""

from __future__ import annotations

import argparse
import contextlib
import csv
import math
import sys

from movenet.cli.common import add_exercise_file_option, add_model_options, write_json
from movenet.cli.video import (
    add_tracking_options,
    add_video_arguments,
    run_video,
    video_detector,
)

EXERCISE_EPILOG = """\
examples:
  movenet exercise squats.mp4 --exercise squat --json reps.json --plot squats.png
  movenet exercise clip.mp4 --exercise push_up --out annotated.mp4 --csv reps.csv
  movenet exercise gym.mp4 --exercise squat --model multipose --person 2   # one track id
  movenet exercise 0 --exercise jumping_jack --show                       # webcam
  movenet exercise clip.mp4 --exercise auto --json reps.json              # which exercise? counted
  movenet exercise clip.mp4 --exercise-file examples/exercises/wall_push_up.toml --exercise wall_push_up
  movenet exercise eval DIR --labels DIR/index.csv --model thunder --cache ~/poses   # scored on labelled clips
  movenet exercise list [--toml]                                          # the exercises (as exercise files)

A repetition is counted when it is completed: back past the spec's `exit` level after reaching
its `enter` level (squat: rising back through 145 deg at the knee after reaching 120), on any of
the exercise's signals (squat: also the hips' height above the ankles, which a squat filmed from
the front shows where the knee angle hardly changes); each repetition names its signal. Partial
repetitions are listed with the reason and not counted; one the recording cut off after the far
end of the movement is marked "cut off" (begun, not completed: `reps + cut_off_reps` repetitions
were begun, what labels of repetition starts count). JSON: {"exercise", "reps",
"partial_reps", "cut_off_reps", "repetitions": [{"start_ms", "end_ms", "duration_ms", "range_deg", "peak_deg",
"hold_ms", "shallow"}], "partial_repetitions": [... "reason", "cut_off"], "range_of_motion": {joint: {"min_deg",
"max_deg", "range_deg", "min_ms", "max_ms", "frames"}}, "person", "note", "people": [...]
(MultiPose: per track id)}.
"""


def _person(value: str):
    if value in ("all", "largest"):
        return value
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--person takes 'all', 'largest' or a track id, got {value!r}") from None


def add_parsers(sub) -> None:
    """The movement-analysis commands: exercise (eval, list), angles, balance, classify."""
    from movenet.cli import balance, classify, exercise_eval

    add_parser(sub)
    exercise_eval.add_parser(sub)
    balance.add_parser(sub)
    classify.add_parser(sub)


def add_parser(sub) -> None:
    """`exercise` and `angles`."""
    from movenet.exercise import list_exercises

    p = sub.add_parser(
        "exercise", help="count repetitions of an exercise in a video or webcam",
        description="Count the repetitions of an exercise (" + ", ".join(list_exercises()) + ") "
        "with their timing, depth and range of motion.",
        epilog=EXERCISE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_video_arguments(p, jsonl_help="write one JSON line per frame: poses and each person's count, phase, angle")
    p.add_argument("--exercise", "-e", required=True, metavar="NAME", help="one of: " + ", ".join(list_exercises()) + "; or auto (the exercise whose repetitions count); or one of --exercise-file")
    add_exercise_file_option(p)
    p.add_argument("--json", metavar="FILE", help="write the report as JSON (- for standard output)")
    p.add_argument("--csv", metavar="FILE", help="write one row per repetition (kind: rep, partial, or cut_off for one the stream ended inside)")
    p.add_argument("--plot", metavar="PNG", help="write the angle over time with the repetitions marked (matplotlib)")
    p.add_argument("--person", type=_person, default="all", help="multipose: 'all' (default: one count per person, by track id; a person the tracker lost for up to 3 s and "
                   "found again near where they were keeps their first id and count), 'largest', or a track id")
    add_model_options(p)
    add_tracking_options(p)
    p.set_defaults(func=run_exercise)

    ls = sub.add_parser("exercise-list", prog="movenet exercise list",
                        description="The exercises: name, signals and what counts a repetition; --toml: each in the "
                        "exercise-file format (a starting point for your own).")
    ls.add_argument("names", nargs="*", metavar="NAME", help="only these (default: all)")
    ls.add_argument("--toml", action="store_true", help="print the specs as an exercise file")
    add_exercise_file_option(ls)
    ls.set_defaults(func=run_list)

    a = sub.add_parser(
        "angles", help="joint angles and range of motion per frame",
        description="Joint angles (elbows, shoulders, hips, knees), shin and trunk inclinations per "
        "frame and person, raw and smoothed, and each one's range of motion.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="angle conventions: docs/guide/exercise.md (Angles). NaN/empty where a keypoint scores below --min-score.",
    )
    add_video_arguments(a)
    a.add_argument("--json", metavar="FILE", help="write the angles of every frame and the ranges as JSON (- for standard output)")
    a.add_argument("--csv", metavar="FILE", help="write one row per frame and person")
    a.add_argument("--min-score", type=float, default=0.3, metavar="S", help="keypoints scoring below S are not used (default 0.3)")
    add_model_options(a)
    add_tracking_options(a)
    a.set_defaults(func=run_angles)


def run_list(args: argparse.Namespace) -> int:
    from movenet.exercise import get_exercise, list_exercises
    from movenet.exercise.spec_file import register_exercise_files, spec_to_toml

    register_exercise_files(args.exercise_file)
    specs = [get_exercise(n) for n in (args.names or list_exercises())]
    if args.toml:
        print("\n".join(spec_to_toml(s) for s in specs), end="")
        return 0
    for spec in specs:
        print(f"{spec.name}: {spec.description}")
        print(f"  counted when {spec.counted_when}")
        if spec.checks:
            print(f"  {len(spec.checks)} posture check(s): " + "; ".join(c.why.split(':')[0] for c in spec.checks if c.why))
    return 0


def run_exercise(args: argparse.Namespace) -> int:
    from movenet.exercise import AUTO, ExerciseSession, get_exercise
    from movenet.exercise.overlay import draw_exercise
    from movenet.exercise.spec_file import register_exercise_files
    from movenet.viz import draw_poses

    register_exercise_files(args.exercise_file)
    auto = args.exercise.strip().lower() == AUTO
    spec = None if auto else get_exercise(args.exercise)  # unknown names: an error listing the known ones
    session = ExerciseSession(AUTO if auto else spec, person=args.person)

    def analyse(fp):
        return session.update(fp.poses, fp.frame.timestamp_ms)

    def render(image, poses, states):
        return draw_exercise(draw_poses(image, poses, args.threshold), spec, states or {})

    def record(fp, states):
        line = {"frame": fp.frame.index, "timestamp_ms": fp.frame.timestamp_ms, "poses": [p.to_dict() for p in fp.poses]}
        line["exercise"] = {str(k): {"count": s.count, "phase": s.phase, "angle": _num(s.value), "depth": _num(s.depth)} for k, s in (states or {}).items()}
        return line

    run_video(args, video_detector(args), analyse=analyse, render=render, record=record)
    report = session.finish()
    print_report(report, args.source)
    if args.json:
        write_json(args.json, report.to_dict())
    if args.csv:
        write_repetitions_csv(report, args.csv)
    if args.plot and report.spec is None:
        print("no plot: no exercise was recognised", file=sys.stderr)
    elif args.plot:
        from movenet.exercise.plots import plot_report

        plot_report(report, args.plot)
    return 0


def print_report(report, source: str, out=None) -> None:
    out = out or sys.stdout
    p = report.primary
    partial = len(p.partial_repetitions) if p else 0
    who = f" (person {p.id})" if p is not None and p.id is not None else ""
    when = f"; counted when {report.spec.counted_when}" if report.spec else ""
    found = f" (found automatically; counts: {', '.join(f'{k} {v}' for k, v in p.counts.items() if v) or 'none'})" if p is not None and p.counts is not None else ""
    cut = f" ({report.cut_off} cut off by the end, past the {report.spec.active_name})" if report.cut_off and report.spec else ""
    print(f"{source}: {report.exercise}{who}: {report.reps} repetition(s), {partial} partial{cut}{when}{found}", file=out)
    if p is not None and report.spec is not None and len(report.spec.tracks) > 1:
        print(f"counted on: {p.signal}; camera view: {p.view or 'not seen'}", file=out)
    if report.note:
        print(f"note: {report.note}", file=out)
    if p is None:
        return
    rows = [("rep", "start_s", "end_s", "duration_s", "range", "deepest", "shallow / why not counted")]
    for i, r in enumerate(p.repetitions, 1):
        rows.append((str(i), *_times(r), "shallow" if r.shallow else ""))
    for r in p.partial_repetitions:
        rows.append(("cut off" if r.cut_off else "partial", *_times(r), r.reason))
    if len(rows) > 1:
        widths = [max(len(row[i]) for row in rows) for i in range(6)]
        for row in rows:
            print(("  " + "  ".join(c.rjust(w) for c, w in zip(row[:6], widths)) + "  " + row[6]).rstrip(), file=out)
        units = sorted({_unit(r.signal) for r in [*p.repetitions, *p.partial_repetitions]})
        print(f"(range and deepest: in the unit of the signal each repetition was followed on: {', '.join(units)})", file=out)
    joint = _main_joints(report)
    ranges = [f"{n} {v.min_deg:.0f}-{v.max_deg:.0f}" for n, v in p.range_of_motion.items() if n in joint]
    if ranges:
        print("range of motion (deg, smoothed): " + ", ".join(ranges), file=out)
    if len(report.people) > 1:
        print("people: " + ", ".join(f"#{q.id}: {q.reps} rep(s) in {q.frames_seen} frames" for q in report.people), file=out)


def _unit(signal: str) -> str:
    """The unit of a signal, from its label: degrees for angles and inclinations, else its own
    (a share of the person's rest value, torso lengths, pixels)."""
    if "share of rest" in signal:
        return "shares of rest"
    if "torso lengths" in signal:
        return "torso lengths"
    if "above" in signal:
        return "pixels"
    return "degrees"


def _times(r) -> tuple[str, ...]:
    digits = 1 if _unit(r.signal) in ("degrees", "pixels") else 2
    return (f"{r.start_ms / 1000:.2f}", f"{r.end_ms / 1000:.2f}", f"{r.duration_ms / 1000:.2f}",
            f"{r.range_deg:.{digits}f}", f"{r.peak_deg:.{digits}f}")


def _main_joints(report) -> set[str]:
    if report.spec is None:
        return set()
    label = report.spec.signal.label
    joints = [j for j in ("elbow", "shoulder", "hip", "knee") if j in label]
    return {f"{side}_{j}" for j in joints for side in ("left", "right")} or {"trunk"}


def write_repetitions_csv(report, path: str) -> None:
    fields = ["person", "kind", "index", "start_ms", "end_ms", "duration_ms", "range_deg", "peak_deg", "hold_ms", "shallow", "reason"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(fields)
        for person in report.people:
            for kind, reps in (("rep", person.repetitions), ("partial", person.partial_repetitions)):
                for i, r in enumerate(reps, 1):
                    d = r.to_dict()
                    w.writerow([person.id if person.id is not None else "", "cut_off" if r.cut_off else kind, i, d["start_ms"], d["end_ms"], d["duration_ms"], d["range_deg"], d["peak_deg"], d["hold_ms"], int(r.shallow), r.reason])


def _num(x: float, digits: int = 2):
    return None if math.isnan(x) else round(float(x), digits)


def run_angles(args: argparse.Namespace) -> int:
    from movenet.analysis.per_person import SINGLE, PerPerson, person_key
    from movenet.exercise.rom import MEASURES, RangeOfMotion, measure_all

    people: PerPerson[RangeOfMotion] = PerPerson(lambda: RangeOfMotion(min_score=args.min_score))
    frames: list[dict] = []
    with contextlib.ExitStack() as stack:
        rows_csv = None
        if args.csv:
            rows_csv = csv.writer(stack.enter_context(open(args.csv, "w", newline="")))
            rows_csv.writerow(["frame", "timestamp_ms", "person", *MEASURES, *(f"smoothed_{n}" for n in MEASURES)])

        def analyse(fp):
            t = fp.frame.timestamp_ms
            out = []
            for pose in fp.poses:
                key = person_key(pose)
                raw = measure_all(pose, args.min_score)
                smooth = people.get(key, t).update(pose, t)
                out.append({"id": None if key == SINGLE else key, "angles": {k: _num(v) for k, v in raw.items()}, "smoothed": {k: _num(v) for k, v in smooth.items()}})
                if rows_csv is not None:
                    rows_csv.writerow([fp.frame.index, t, "" if key == SINGLE else key, *(_cell(raw[n]) for n in MEASURES), *(_cell(smooth[n]) for n in MEASURES)])
            if args.json:
                frames.append({"frame": fp.frame.index, "timestamp_ms": t, "people": out})
            return out

        run_video(args, video_detector(args), analyse=analyse)
    ranges = {("single" if k == SINGLE else str(k)): rom.result() for k, rom in people.items()}
    if not ranges:
        print(f"{args.source}: nobody was seen")
    for who, result in ranges.items():
        print(f"{args.source}: range of motion" + ("" if who == "single" else f", person {who}") + " (smoothed, degrees; frames where the joint was seen)")
        for name, r in result.items():
            print(f"  {name:<15} {r.min_deg:6.1f} - {r.max_deg:6.1f}  range {r.range_deg:6.1f}  ({r.frames} frames)")
    if args.json:
        write_json(args.json, {"source": args.source, "measures": list(MEASURES), "frames": frames,
                               "range_of_motion": {w: {n: r.to_dict() for n, r in res.items()} for w, res in ranges.items()}})
    return 0


def _cell(x: float) -> str:
    return "" if math.isnan(x) else f"{x:.2f}"
