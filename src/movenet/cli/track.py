"""`movenet track`: poses through a video, a webcam or a folder of frames, with smoothing and
tracking -> annotated video and one JSON line per frame."""

from __future__ import annotations

import argparse
import sys

from movenet.cli.common import add_model_options
from movenet.cli.video import (
    add_tracking_options,
    add_video_arguments,
    run_video,
    video_detector,
)
from movenet.errors import InvalidOptionError

EPILOG = """\
examples:
  movenet track clip.mp4 --out annotated.mp4 --jsonl poses.jsonl
  movenet track clip.mp4 --model multipose --tracker keypoints --out people.mp4
  movenet track frames/ --fps 25 --jsonl poses.jsonl      # a folder of frames, in name order
  movenet track 0 --show                                   # webcam 0 with a live preview
  movenet track clip.mp4 --compat tfjs --jsonl ref.jsonl   # exactly Google's TF.js library

JSON lines (--jsonl FILE): {"frame": i, "timestamp_ms": t, "poses": [...]} per frame, poses as
in `movenet predict` with "id" the track id (MultiPose). Timestamps: frame index / fps.
Without --out, --jsonl or --show, the JSON lines go to standard output when it is a pipe or a
file (movenet track clip.mp4 > poses.jsonl); on a terminal that is an error naming the options.
"""


def add_parser(sub) -> None:
    p = sub.add_parser(
        "track",
        help="poses through a video, webcam or folder of frames (smoothing, tracking)",
        description="Follow people through a video file (mp4, avi, mov, mkv, webm), a webcam (its "
        "index, e.g. 0) or a folder of frames: the crop follows the person, keypoints are "
        "smoothed, and MultiPose gives each person a stable id.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_video_arguments(p)
    add_model_options(p)
    add_tracking_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not (args.out or args.jsonl or args.show):
        # Piped or redirected: the poses are the output (`movenet track clip.mp4 | jq ...`), as
        # `movenet predict` prints its table. On a terminal, JSON lines would scroll past unread and
        # the run would otherwise keep nothing: say what to ask for instead.
        if sys.stdout.isatty():
            raise InvalidOptionError(
                "nothing to write: give --out VIDEO (annotated video), --jsonl FILE (poses; - for "
                "standard output) or --show (live window); piped, movenet track writes JSON lines"
            )
        args.jsonl = "-"
    run_video(args, video_detector(args))
    return 0
