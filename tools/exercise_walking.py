"""Repetitions counted on people who only walk: `opencv_vtest.avi` (795 frames, 10 fps, many small
pedestrians seen from above; ../shared/data/videos/walking), MultiPose at 512 with tracking, every
exercise of the registry, every track id. Everything counted here is a false count.

    python tools/exercise_walking.py [--cache /work/cache/exercise]

The poses (about 10 min on one core) are cached as `<cache>/multipose512/opencv_vtest.jsonl`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import movenet
from movenet.exercise import analyse_exercise, list_exercises
from movenet.io.video import VideoSource
from movenet.pipelines.video import stream_poses
from movenet.types import Box, Pose

ROOT = Path(__file__).resolve().parents[1]
VIDEO = ROOT.parent / "shared" / "data" / "videos" / "walking" / "opencv_vtest.avi"


def frames(cache: Path | None) -> list:
    path = None if cache is None else cache / "multipose512" / "opencv_vtest.jsonl"
    if path is not None and path.is_file():
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        return [(r["timestamp_ms"], [Pose.from_array([(k["x"], k["y"], k["score"]) for k in p["keypoints"]], p["score"], Box(*p["box"]), p["id"]) for p in r["poses"]]) for r in rows]
    detector = movenet.create_detector("multipose", multipose_max_dimension=512, threads=1)
    with VideoSource(str(VIDEO)) as source:
        out = [(fp.frame.timestamp_ms, fp.poses) for fp in stream_poses(detector, source, sequential=True)]
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps({"timestamp_ms": t, "poses": [p.to_dict() for p in ps]}) + "\n" for t, ps in out))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args()
    data = frames(args.cache)
    ids = {p.id for _, poses in data for p in poses}
    print(f"{VIDEO.name}: {len(data)} frames, {sum(len(p) for _, p in data)} poses, {len(ids)} track ids")
    print("| exercise | counted (false) | track ids with a count | partial |")
    print("|---|---|---|---|")
    for name in list_exercises():
        report = analyse_exercise(data, name)
        counted = {p.id: p.reps for p in report.people if p.reps}
        print(f"| {name} | {sum(counted.values())} | {', '.join(f'{k} ({v})' for k, v in counted.items()) or '-'} | {sum(len(p.partial_repetitions) for p in report.people)} |")


if __name__ == "__main__":
    main()
