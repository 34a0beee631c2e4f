"""The poses of every frame of a clip, computed once and cached as JSON lines.

`clip_poses(path, detector)` runs a detector (anything with `estimate_poses(image, timestamp_ms)`
and `reset()`) over a video file or a folder of frames and returns [(timestamp_ms, poses)];
with `cache`, the result is read from / written to that JSON-lines file (`movenet track --jsonl`
format), so that analyses can be re-run without the model.
"""

from __future__ import annotations

from pathlib import Path

from movenet.io.pose_jsonl import read_pose_jsonl, write_pose_jsonl
from movenet.io.video import VideoSource
from movenet.pipelines.video import stream_poses
from movenet.types import Pose


def clip_poses(path: str | Path, detector, cache: str | Path | None = None, fps: float | None = None) -> list[tuple[float, list[Pose]]]:
    if cache is not None and Path(cache).is_file():
        return read_pose_jsonl(cache)
    detector.reset()
    with VideoSource(str(path), fps=fps) as source:
        frames = [(fp.frame.timestamp_ms, fp.poses) for fp in stream_poses(detector, source, sequential=True)]
    detector.reset()
    if cache is not None:
        Path(cache).parent.mkdir(parents=True, exist_ok=True)
        write_pose_jsonl(cache, frames)
    return frames
