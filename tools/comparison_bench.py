"""Speed of PoseNet, MoveNet and BlazePose side by side, configurations interleaved: every round
calls each configuration once, in turn, so that load changes on a shared machine hit all of them
alike (the medians are comparable even when the absolute times are disturbed).

    python tools/comparison_bench.py [--threads 1] [--rounds 100] [--json FILE]

Model only: the network (+ MoveNet's in-graph decoding) on a prepared batch of one
(`movenet.benchmark.bench_input`). End to end: `estimate_poses` on the decoded examples/pose.jpg
(PoseNet: pad-and-resize, network, decoding: single-pose and multi-pose). BlazePose (MediaPipe,
static-image mode: person detector + landmarks on every call) only where mediapipe < 0.10.30 is
installed; MediaPipe picks its own threads.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

import movenet
from movenet.benchmark import bench_input
from movenet.io.image import load_image
from movenet.peers import create_peer_detector, peer_available
from movenet.runtime import create_runtime

REPO = Path(__file__).resolve().parents[1]


def configurations(threads: int, image: np.ndarray) -> dict:
    calls = {}
    for model in ("lightning", "thunder", "multipose", "posenet"):
        runtime = create_runtime(model, "onnxruntime", threads=threads)
        x = bench_input(model, 1)
        calls[f"model {model}"] = lambda r=runtime, x=x: r.run(x)
    for label, model, options in (
        ("lightning", "lightning", {}), ("thunder", "thunder", {}), ("multipose", "multipose", {}),
        ("posenet single-pose", "posenet", {"max_poses": 1}), ("posenet multi-pose", "posenet", {}),
    ):
        detector = movenet.create_detector(model, threads=threads, min_pose_score=0.0, **options)
        calls[f"end_to_end {label}"] = lambda d=detector: d.estimate_poses(image)
    if peer_available("blazepose"):
        blazepose = create_peer_detector("blazepose")
        calls["end_to_end blazepose (mediapipe)"] = lambda: blazepose.estimate_poses(image)
    return calls


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=100)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--json")
    args = p.parse_args(argv)
    image = load_image(REPO / "examples" / "pose.jpg")
    calls = configurations(args.threads, image)
    for _ in range(args.warmup):
        for call in calls.values():
            call()
    times = {name: [] for name in calls}
    for _ in range(args.rounds):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - start) * 1000.0)
    print(f"threads {args.threads}, {args.rounds} interleaved rounds, examples/pose.jpg (1000x667)")
    print(f"{'configuration':<36}{'median ms':>10}{'p10 ms':>9}{'min ms':>9}")
    rows = []
    for name, t in times.items():
        row = {"configuration": name, "threads": args.threads, "median_ms": float(np.median(t)),
               "p10_ms": float(np.percentile(t, 10)), "min_ms": float(np.min(t))}
        rows.append(row)
        print(f"{name:<36}{row['median_ms']:>10.2f}{row['p10_ms']:>9.2f}{row['min_ms']:>9.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
