"""Poses of the labelled real clips for the exercise tools, cached as JSON lines (the format of
`movenet track --jsonl`), so the analysis can be re-run without the model.

    from exercise_poses import clip_poses, count_labels
    frames = clip_poses("reference-tfjs-models/pose_squats.mp4", "lightning", cache_dir)
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import movenet
from movenet.io.video import VideoSource
from movenet.pipelines.video import stream_poses
from movenet.types import Box, Pose

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
LABELS = ROOT / "tests" / "fixtures" / "exercise"


def count_labels() -> list[dict]:
    with open(LABELS / "count_labels.csv", newline="") as f:
        return list(csv.DictReader(f))


def _pose(d: dict) -> Pose:
    kps = [(k["x"], k["y"], k["score"]) for k in d["keypoints"]]
    return Pose.from_array(kps, d["score"], Box(*d["box"]) if d["box"] else None, d["id"])


def clip_poses(clip: str, model: str, cache_dir: Path | None, threads: int = 1) -> list[tuple[float, list[Pose]]]:
    """[(timestamp_ms, poses)] of every frame of `DATA / clip` (default detector settings)."""
    cache = None if cache_dir is None else Path(cache_dir) / model / (Path(clip).stem + ".jsonl")
    if cache is not None and cache.is_file() and cache.stat().st_size:
        rows = [json.loads(line) for line in cache.read_text().splitlines()]
        return [(r["timestamp_ms"], [_pose(p) for p in r["poses"]]) for r in rows]
    detector = movenet.create_detector(model, threads=threads)
    out, lines = [], []
    with VideoSource(str(DATA / clip)) as source:
        for fp in stream_poses(detector, source, sequential=True):
            out.append((fp.frame.timestamp_ms, fp.poses))
            lines.append(json.dumps({"frame": fp.frame.index, "timestamp_ms": fp.frame.timestamp_ms, "poses": [p.to_dict() for p in fp.poses]}))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text("\n".join(lines) + "\n")
    return out
