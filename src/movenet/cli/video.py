"""What the video commands share (track, exercise, falls, angles, balance): the source and output
options, and one loop that runs the overlapped pipeline with a progress bar.

A command gives `run_video` three callbacks: `analyse(fp)` in frame order in the main thread (rep
counting, fall detection; returns anything, e.g. the count to draw), `render(image, poses, info)`
to draw a frame of the annotated video, and `record(fp, info)` for its JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from movenet.types import Pose


def add_video_arguments(p: argparse.ArgumentParser, *, jsonl_help: str | None = None) -> None:
    p.add_argument("source", metavar="SOURCE", help="video file, webcam index (e.g. 0), folder of frames, or camera URL "
                   "(rtsp://[USER:PASS@]host/path, rtsps://, http(s):// MJPEG, HLS .m3u8 or a video file)")
    p.add_argument("--out", metavar="VIDEO", help="write the annotated video (same size and fps)")
    p.add_argument("--jsonl", metavar="FILE", help=jsonl_help or "write one JSON line per frame (- for standard output)")
    p.add_argument("--fps", type=float, help="frames per second of a folder of frames (default 30), or to override a file's")
    p.add_argument("--threshold", type=float, default=0.3, metavar="T", help="draw keypoints scoring at least T (default 0.3)")
    p.add_argument("--max-frames", type=int, metavar="N", help="stop after N frames")
    p.add_argument("--flip-horizontal", action="store_true", help="mirror the frames first (selfie view)")
    p.add_argument("--show", action="store_true", help="live preview window (needs a display; q quits)")
    p.add_argument(
        "--sequential", action="store_true",
        help="decode, infer, draw and encode one after another (default: overlapped in threads, "
        "same output, faster)",
    )
    p.add_argument("--rtsp-transport", choices=["tcp", "udp"], default="tcp", help="camera URLs: RTSP over tcp (default: no lost packets) or udp")
    p.add_argument("--connect-timeout-s", type=float, default=10.0, metavar="S", help="camera URLs: give up opening after S seconds (default 10)")
    p.add_argument("--read-timeout-s", type=float, default=5.0, metavar="S", help="camera URLs: no frame for S seconds = dropped, reconnect (default 5)")
    p.add_argument(
        "--keep-all-frames", action="store_true",
        help="webcams: process every frame even when inference falls behind (default: drop stale "
        "frames to keep latency low)",
    )


def add_tracking_options(p) -> None:
    """The detector's video options (track, exercise, falls, ...)."""
    p.add_argument("--compat", choices=["tfjs"], help="reproduce Google's TF.js pose-detection exactly")
    p.add_argument("--no-smoothing", action="store_true", help="do not smooth the keypoints over time")
    p.add_argument("--tracker", choices=["box", "keypoints"], default="box", help="multipose: match people by box IoU (default) or keypoint OKS")
    p.add_argument("--min-pose-score", type=float, default=0.25, metavar="S", help="drop poses scoring below S (default 0.25)")
    p.add_argument("--max-poses", type=int, metavar="N", help="multipose: at most N people")


def video_detector(args: argparse.Namespace):
    """The detector the video options ask for. The overlapped pipeline runs onnxruntime without
    spinning threads: their busy-waiting took the cores that decoding, drawing and encoding need
    (README, Video); `--sequential` keeps the stills' setting, as before the pipeline."""
    import movenet

    return movenet.create_detector(
        args.model, runtime=args.runtime, threads=args.threads, weights=args.weights,
        precision=args.precision, compat=args.compat, smoothing=not args.no_smoothing,
        tracker=args.tracker, min_pose_score=args.min_pose_score, max_poses=args.max_poses,
        multipose_max_dimension=args.multipose_max_dimension, input_resolution=args.input_resolution,
        spinning=bool(getattr(args, "sequential", False)),
    )


def stream_options(args: argparse.Namespace):
    """The options of a camera URL (reconnects forever once connected; fails at once when the first
    connection fails, with the reason)."""
    from movenet.io.streams import StreamOptions

    return StreamOptions(transport=getattr(args, "rtsp_transport", "tcp"),
                         connect_timeout_s=getattr(args, "connect_timeout_s", 10.0),
                         read_timeout_s=getattr(args, "read_timeout_s", 5.0))


@dataclass(frozen=True)
class VideoRun:
    frames: int
    elapsed_s: float
    dropped: int  # webcam frames dropped because inference was behind

    @property
    def fps(self) -> float:
        return self.frames / self.elapsed_s if self.elapsed_s > 0 else 0.0


def default_render(threshold: float) -> Callable[[Any, list[Pose], Any], Any]:
    from movenet.viz import draw_poses

    return lambda image, poses, info: draw_poses(image, poses, threshold)


def default_record(fp, info) -> dict:
    return {"frame": fp.frame.index, "timestamp_ms": fp.frame.timestamp_ms, "poses": [p.to_dict() for p in fp.poses]}


def run_video(
    args: argparse.Namespace,
    detector,
    *,
    analyse: Callable[[Any], Any] | None = None,
    render: Callable[[Any, list[Pose], Any], Any] | None = None,
    record: Callable[[Any, Any], dict | None] | None = default_record,
) -> VideoRun:
    """Run the detector over `args.source`; write `--out` and `--jsonl`; show `--show`."""
    from tqdm import tqdm

    from movenet.cli.common import check_output_file, check_threshold
    from movenet.errors import InvalidInputError, InvalidOptionError
    from movenet.io.video import VideoSource, VideoWriter
    from movenet.pipelines.video import OrderedSink, stream_poses

    if args.max_frames is not None and args.max_frames < 1:
        raise InvalidOptionError(f"--max-frames must be a positive integer, got {args.max_frames}")
    check_threshold(args.threshold)
    check_output_file(args.jsonl, "--jsonl")
    render = render or default_render(args.threshold)
    source = VideoSource(args.source, fps=args.fps, stream_options=stream_options(args))
    writer = VideoWriter(args.out, source.fps) if args.out else None
    jsonl = None
    if args.jsonl:
        jsonl = sys.stdout if args.jsonl == "-" else open(args.jsonl, "w")
    live = source.is_webcam

    def consume(item) -> None:
        fp, info, drawn = item
        if writer is not None:
            writer.write(drawn if drawn is not None else render(fp.frame.image, fp.poses, info))
        if jsonl is not None and record is not None:
            line = record(fp, info)
            if line is not None:
                jsonl.write(json.dumps(line) + "\n")
                if live:
                    jsonl.flush()

    total = source.frame_count
    if args.max_frames is not None:
        total = min(total or args.max_frames, args.max_frames)
    bar = tqdm(total=total, unit="frame", file=sys.stderr, disable=None, dynamic_ncols=True)
    frames, started, size = 0, time.perf_counter(), None
    stream = stream_poses(
        detector, source, max_frames=args.max_frames, flip_horizontal=args.flip_horizontal,
        sequential=args.sequential, drop_stale=live and not args.keep_all_frames,
    )
    sink = OrderedSink(consume, sequential=args.sequential)
    try:
        with contextlib.closing(stream), sink:
            for fp in stream:
                shape = fp.frame.image.shape[:2]
                if size is not None and shape != size:
                    tqdm.write(f"note: frame {fp.frame.index} is {shape[1]}x{shape[0]}, not "
                               f"{size[1]}x{size[0]}: tracking restarts", file=sys.stderr)
                size = shape
                info = analyse(fp) if analyse is not None else None
                drawn = render(fp.frame.image, fp.poses, info) if args.show else None
                sink.submit((fp, info, drawn))
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
    if args.max_frames is None and announced and frames < announced and not live:
        print(f"warning: the video announced {announced} frames but only {frames} could be read", file=sys.stderr)
    if frames == 0:
        raise InvalidInputError(f"{args.source}: no frames")
    run = VideoRun(frames, elapsed, 0)
    if sys.stderr.isatty():
        print(f"{frames} frames in {elapsed:.1f} s ({run.fps:.1f} fps)", file=sys.stderr)
    return run


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
