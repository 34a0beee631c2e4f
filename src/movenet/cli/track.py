"""`movenet track`: poses through a video, a webcam or a folder of frames, with smoothing and
tracking -> annotated video and one JSON line per frame."""

from __future__ import annotations

import argparse
import json
import sys
import time

from movenet.cli.common import add_model_options

EPILOG = """\
examples:
  movenet track clip.mp4 --out annotated.mp4 --jsonl poses.jsonl
  movenet track clip.mp4 --model multipose --tracker keypoints --out people.mp4
  movenet track frames/ --fps 25 --jsonl poses.jsonl      # a folder of frames, in name order
  movenet track 0 --show                                   # webcam 0 with a live preview
  movenet track clip.mp4 --compat tfjs --jsonl ref.jsonl   # exactly Google's TF.js library

JSON lines (--jsonl FILE): {"frame": i, "timestamp_ms": t, "poses": [...]} per frame, poses as
in `movenet predict` with "id" the track id (MultiPose). Timestamps: frame index / fps.
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
    p.add_argument("source", metavar="SOURCE", help="video file, webcam index, or folder of frames")
    add_model_options(p)
    p.add_argument("--out", metavar="VIDEO", help="write the annotated video (same size and fps)")
    p.add_argument("--jsonl", metavar="FILE", help="write one JSON line per frame (- for standard output)")
    p.add_argument("--fps", type=float, help="frames per second of a folder of frames (default 30), or to override a file's")
    p.add_argument("--compat", choices=["tfjs"], help="reproduce Google's TF.js pose-detection exactly")
    p.add_argument("--no-smoothing", action="store_true", help="do not smooth the keypoints over time")
    p.add_argument("--tracker", choices=["box", "keypoints"], default="box", help="multipose: match people by box IoU (default) or keypoint OKS")
    p.add_argument("--threshold", type=float, default=0.3, metavar="T", help="draw keypoints scoring at least T (default 0.3)")
    p.add_argument("--min-pose-score", type=float, default=0.25, metavar="S", help="drop poses scoring below S (default 0.25)")
    p.add_argument("--max-poses", type=int, metavar="N", help="multipose: at most N people")
    p.add_argument("--max-frames", type=int, metavar="N", help="stop after N frames")
    p.add_argument("--flip-horizontal", action="store_true", help="mirror the frames first (selfie view)")
    p.add_argument("--show", action="store_true", help="live preview window (needs a display; q quits)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    import movenet
    from movenet.errors import InvalidInputError
    from movenet.io.video import VideoSource, VideoWriter
    from movenet.viz import draw_poses

    detector = movenet.create_detector(
        args.model, runtime=args.runtime, threads=args.threads, weights=args.weights, precision=args.precision, compat=args.compat, smoothing=not args.no_smoothing, tracker=args.tracker,
        min_pose_score=args.min_pose_score, max_poses=args.max_poses,
        multipose_max_dimension=args.multipose_max_dimension,
    )
    source = VideoSource(args.source, fps=args.fps)
    writer = VideoWriter(args.out, source.fps) if args.out else None
    jsonl = None
    if args.jsonl:
        jsonl = sys.stdout if args.jsonl == "-" else open(args.jsonl, "w")
    total = source.frame_count
    if args.max_frames is not None:
        total = min(total or args.max_frames, args.max_frames)
    bar = tqdm(total=total, unit="frame", file=sys.stderr, disable=None, dynamic_ncols=True)
    frames, started, size = 0, time.perf_counter(), None
    try:
        for frame in source:
            if args.max_frames is not None and frames >= args.max_frames:
                break
            image = frame.image[:, ::-1] if args.flip_horizontal else frame.image
            if size is not None and image.shape[:2] != size:
                tqdm.write(f"note: frame {frame.index} is {image.shape[1]}x{image.shape[0]}, not "
                           f"{size[1]}x{size[0]}: tracking restarts", file=sys.stderr)
            size = image.shape[:2]
            poses = detector.estimate_poses(image, frame.timestamp_ms)
            if jsonl is not None:
                jsonl.write(json.dumps({"frame": frame.index, "timestamp_ms": frame.timestamp_ms,
                                        "poses": [p.to_dict() for p in poses]}) + "\n")
            drawn = draw_poses(image, poses, args.threshold) if (writer or args.show) else None
            if writer is not None:
                writer.write(drawn)
            if args.show:
                _show(drawn)
            frames += 1
            bar.update(1)
    except KeyboardInterrupt:
        tqdm.write("interrupted", file=sys.stderr)
    finally:
        bar.close()
        source.close()
        if writer is not None:
            writer.close()
        if jsonl is not None and jsonl is not sys.stdout:
            jsonl.close()
    elapsed = time.perf_counter() - started
    announced = source.frame_count
    if args.max_frames is None and announced and frames < announced:
        print(f"warning: the video announced {announced} frames but only {frames} could be read", file=sys.stderr)
    if frames == 0:
        raise InvalidInputError(f"{args.source}: no frames")
    if sys.stderr.isatty():
        print(f"{frames} frames in {elapsed:.1f} s ({frames / elapsed:.1f} fps)", file=sys.stderr)
    return 0


def _show(rgb) -> None:
    import cv2

    from movenet.errors import InvalidOptionError

    try:
        cv2.imshow("movenet", rgb[:, :, ::-1])
        if cv2.waitKey(1) & 0xFF == ord("q"):
            raise KeyboardInterrupt
    except cv2.error as exc:
        raise InvalidOptionError(
            "--show needs a display and an OpenCV build with GUI support (opencv-python, not "
            "opencv-python-headless)"
        ) from exc
