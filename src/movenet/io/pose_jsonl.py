"""Poses per frame as JSON lines, the format `movenet track --jsonl` writes, read back to `Pose`s.

One line per frame: `{"frame": i, "timestamp_ms": t, "poses": [pose.to_dict(), ...]}`. Used to
cache the poses of a clip once and run analyses on them many times (e.g. `movenet falls eval
--cache DIR`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from movenet.errors import InvalidInputError
from movenet.skeleton import NUM_KEYPOINTS
from movenet.types import Box, Keypoint, Pose


def pose_from_dict(d: dict) -> Pose:
    """Inverse of `Pose.to_dict()`."""
    keypoints = tuple(Keypoint(k["name"], float(k["x"]), float(k["y"]), float(k["score"])) for k in d["keypoints"])
    if len(keypoints) != NUM_KEYPOINTS:
        raise ValueError(f"a pose has {NUM_KEYPOINTS} keypoints, got {len(keypoints)}")
    box = Box(*map(float, d["box"])) if d.get("box") is not None else None
    return Pose(keypoints, float(d["score"]), box, d.get("id"))


def frame_line(index: int, timestamp_ms: float, poses: Sequence[Pose]) -> dict:
    return {"frame": index, "timestamp_ms": timestamp_ms, "poses": [p.to_dict() for p in poses]}


def read_pose_jsonl(path: str | Path) -> list[tuple[float, list[Pose]]]:
    """[(timestamp_ms, poses)] of every frame in the file, in order."""
    frames = []
    with open(path) as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                frames.append((float(record["timestamp_ms"]), [pose_from_dict(p) for p in record["poses"]]))
            except (ValueError, KeyError, TypeError) as exc:
                raise InvalidInputError(f"{path}, line {number}: not a frame of poses ({exc})") from exc
    return frames


def write_pose_jsonl(path: str | Path, frames: Iterable[tuple[float, Sequence[Pose]]]) -> None:
    """Write [(timestamp_ms, poses)]; through a temporary file, so a crash leaves no half file."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as stream:
        stream.writelines(json.dumps(frame_line(index, timestamp_ms, poses)) + "\n" for index, (timestamp_ms, poses) in enumerate(frames))
    tmp.replace(path)
