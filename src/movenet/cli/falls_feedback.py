"""`movenet falls feedback PROFILE`: the user's feedback loop, per camera (movenet.falls.profile):
mark an event as a false alarm or add a missed fall (a time in a recording), then adapt the
detector's settings to those labels (`--fit`); `movenet falls --profile` and `movenet falls eval
--profile` use them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from movenet.cli.common import add_model_options
from movenet.cli.video import add_tracking_options
from movenet.errors import InvalidOptionError

EPILOG = """\
examples:
  movenet falls feedback kitchen.json --video monday.mp4 --false-alarm 12.3   # that event was no fall
  movenet falls feedback kitchen.json --video tuesday.mp4 --missed 40.5       # a fall there was missed
  movenet falls feedback kitchen.json --fit                                     # adapt the settings
  movenet falls feedback kitchen.json --show
  movenet falls 0 --profile kitchen.json --events events.jsonl                 # use them
  movenet falls eval clips/ --labels labels.csv --profile kitchen.json          # the effect, side by side

--video runs the model over the recording (use the --model of your `movenet falls` runs), or
--poses takes the JSON lines of `movenet falls --jsonl` / `movenet track --jsonl` of it. The
profile keeps the poses around each labelled time (keypoints only, no pixels): a false alarm at T
(the event's time) keeps T-12 s .. T+3 s, a missed fall at T keeps T-5 s .. T+8 s.
"""


def add_parser(sub) -> None:
    # Reached as `movenet falls feedback` (movenet.cli.falls.route).
    p = sub.add_parser(
        "falls-feedback", prog="movenet falls feedback",
        description="Label a camera's fall events (false alarm) or missed falls, and adapt the fall "
        "detector's settings to them: a small per-camera profile file.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("profile", metavar="PROFILE", help="the camera's profile (JSON; created if missing)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--false-alarm", type=float, metavar="T", help="the event at T seconds into the recording was not a fall")
    what.add_argument("--missed", type=float, metavar="T", help="a fall at T seconds into the recording was missed")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--video", metavar="FILE", help="the recording (a video or a folder of frames)")
    source.add_argument("--poses", metavar="JSONL", help="its poses (movenet falls --jsonl, movenet track --jsonl)")
    p.add_argument("--fps", type=float, help="frames per second of a folder of frames (default 30)")
    p.add_argument("--fit", action="store_true", help="adapt the settings to all the profile's labels")
    p.add_argument("--method", default="default", help="the method to adapt with --fit: default or learned")
    p.add_argument("--show", action="store_true", help="print the profile's labels and settings")
    add_model_options(p, model_default="lightning")
    add_tracking_options(p)
    from movenet.cli.falls import add_falls_pose_score

    add_falls_pose_score(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from movenet.falls.profile import add_label, fit, load_profile

    kind, time_s = ("false_alarm", args.false_alarm) if args.false_alarm is not None else ("missed", args.missed)
    if time_s is None and not (args.fit or args.show):
        raise InvalidOptionError("say what to do: --false-alarm T or --missed T (with --video or --poses), --fit or --show")
    if time_s is not None and not (args.video or args.poses):
        raise InvalidOptionError(f"--{kind.replace('_', '-')} needs the recording: --video FILE or --poses JSONL")
    profile = load_profile(args.profile, missing_ok=True)
    if time_s is not None:
        frames, name, size = _frames(args)
        label = add_label(profile, kind, time_s, name, frames, size)
        profile.save(args.profile)
        print(f"{args.profile}: {kind.replace('_', ' ')} at {time_s:g} s in {name} ({len(label.frames)} frames kept); "
              f"{len(profile.labels)} label(s)", file=sys.stderr)
    if args.fit:
        report = fit(profile, args.method)
        profile.save(args.profile)
        b, a = report["before"], report["after"]
        changed = ", ".join(f"{k}={v:g}" for k, v in report["settings"].items()) or "none (the defaults fit best)"
        print(f"{args.profile}: {args.method} adapted on {report['labels']} label(s): missed {b['missed']} -> {a['missed']}, "
              f"false alarms {b['false_alarms']} -> {a['false_alarms']}; settings: {changed}", file=sys.stderr)
    if args.show:
        print(json.dumps({"settings": profile.settings, "fit": profile.fit_report,
                          "labels": [{"kind": lb.kind, "time_s": lb.time_s, "recording": lb.recording,
                                      "frames": len(lb.frames)} for lb in profile.labels]}, indent=1))
    return 0


def _frames(args: argparse.Namespace):
    if args.poses:
        from movenet.io.pose_jsonl import read_pose_jsonl

        return read_pose_jsonl(args.poses), Path(args.poses).name, None
    from movenet.cli.falls import make_source
    from movenet.pipelines.clip_poses import clip_poses

    args.compat = getattr(args, "compat", None)
    source = make_source(args, "video", args.model, 0.15)
    from movenet.falls.evaluate import clip_frame_size

    return clip_poses(args.video, source, fps=args.fps), Path(args.video).name, clip_frame_size(args.video)
