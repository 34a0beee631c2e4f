"""`movenet balance`: single-leg stance, body sway and the chair-stand tests from a video, over
`movenet.exercise.balance` / `chair` and the shared video loop."""

from __future__ import annotations

import argparse
import math

from movenet.cli.common import add_model_options, write_json
from movenet.cli.video import (
    add_tracking_options,
    add_video_arguments,
    run_video,
    video_detector,
)

TESTS = ("single-leg-stance", "sway", "chair-stand", "five-times-sit-to-stand")

EPILOG = """\
tests (definitions and sources: docs/guide/balance.md):
  single-leg-stance        longest time on one leg; ends when the lifted foot comes down, the trunk
                           tilts > 20 deg, the standing foot moves, or at --max-time-s (45)
  sway                     hip-centre path length, RMS and mean velocity over the window (pixels
                           and torso lengths)
  chair-stand              30-second chair stand: full stands in 30 s from the first rise
  five-times-sit-to-stand  seconds from the first rise to the fifth full stand
One person is tested: the only one (SinglePose) or the largest in each frame (MultiPose).
"""


def add_parser(sub) -> None:
    p = sub.add_parser(
        "balance", help="balance and chair-stand tests (single-leg stance, sway, 30-s chair stand, 5x sit-to-stand)",
        description="Clinical balance and strength tests timed from keypoints.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_video_arguments(p)
    p.add_argument("--test", required=True, choices=TESTS, help="which test")
    p.add_argument("--start-s", type=float, metavar="S", help="the test starts at S seconds (default: the first rise; sway: the start)")
    p.add_argument("--duration-s", type=float, metavar="D", help="sway: the window's length (default: to the end)")
    p.add_argument("--max-time-s", type=float, default=45.0, metavar="T", help="single-leg stance: stop at T seconds (default 45)")
    p.add_argument("--json", metavar="FILE", help="write the result as JSON (- for standard output)")
    add_model_options(p)
    add_tracking_options(p)
    p.set_defaults(func=run_balance)


def run_balance(args: argparse.Namespace) -> int:
    from movenet.errors import InvalidOptionError
    from movenet.exercise.balance import SingleLegStance, SwayMeter
    from movenet.exercise.chair import ChairStands
    from movenet.exercise.overlay import draw_lines
    from movenet.exercise.session import pose_area
    from movenet.viz import draw_poses

    for name in ("start_s", "duration_s", "max_time_s"):
        value = getattr(args, name)
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise InvalidOptionError(f"--{name.replace('_', '-')} must be a number >= 0, got {value}")
    start_ms = None if args.start_s is None else args.start_s * 1000.0
    if args.test == "single-leg-stance":
        test = SingleLegStance(max_time_s=args.max_time_s)
    elif args.test == "sway":
        begin = start_ms or 0.0
        test = SwayMeter(begin, math.inf if args.duration_s is None else begin + args.duration_s * 1000.0)
    else:
        test = ChairStands(start_ms)

    def analyse(fp):
        pose = max(fp.poses, key=pose_area) if fp.poses else None
        test.update(pose, fp.frame.timestamp_ms)
        return _live(test, fp.frame.timestamp_ms)

    def render(image, poses, line):
        return draw_lines(draw_poses(image, poses, args.threshold), [line] if line else [])

    run_video(args, video_detector(args), analyse=analyse, render=render)
    if args.test == "single-leg-stance":
        best = test.finish()
        result = {"test": args.test, "best": best.to_dict() if best else None, "stances": [s.to_dict() for s in test.stances]}
        if best is None:
            print(f"{args.source}: no stance on one leg of at least 1 s was seen")
        else:
            sway = best.sway
            print(f"{args.source}: single-leg stance {best.duration_ms / 1000:.2f} s on the {best.leg} leg "
                  f"({best.start_ms / 1000:.2f}-{best.end_ms / 1000:.2f} s), ended: {best.ended_by}")
            if sway:
                print(f"  hip-centre sway: path {sway.path_px:.1f} px ({sway.path_torso:.2f} torso), RMS {sway.rms_px:.1f} px ({sway.rms_torso:.3f} torso)")
    elif args.test == "sway":
        sway = test.result()
        result = {"test": args.test, "sway": sway.to_dict() if sway else None}
        if sway is None:
            print(f"{args.source}: the hip centre was not seen in 2 frames of the window")
        else:
            print(f"{args.source}: sway over {sway.duration_ms / 1000:.2f} s ({sway.frames} frames): path {sway.path_px:.1f} px "
                  f"({sway.path_torso:.2f} torso lengths), RMS {sway.rms_px:.1f} px ({sway.rms_torso:.3f}), mean velocity {sway.mean_velocity_px_s:.1f} px/s")
    else:
        report = test.thirty_second() if args.test == "chair-stand" else test.five_times()
        result = report.to_dict()
        if report.test == "30s-chair-stand":
            print(f"{args.source}: 30-s chair stand: {report.count} stand(s)" + (f" from {report.start_ms / 1000:.2f} s" if report.start_ms is not None else ""))
        else:
            time = "not completed" if report.time_s is None else f"{report.time_s:.2f} s"
            print(f"{args.source}: five-times sit-to-stand: {time}")
        if report.note:
            print(f"note: {report.note}")
    if args.json:
        write_json(args.json, result)
    return 0


def _live(test, t: float) -> str:
    from movenet.exercise.balance import SingleLegStance, SwayMeter

    if isinstance(test, SingleLegStance):
        since = test.stance_start_ms
        return f"on one leg: {(t - since) / 1000:.1f} s" if since is not None else "both feet down"
    if isinstance(test, SwayMeter):
        return ""
    return f"stands: {test.counter.count}"
