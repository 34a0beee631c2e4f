"""What the web app's analysers cost per frame on the server (CPU ms), each alone and together.

    python tools/bench_serve_analysis.py [--repeats 20] [--model lightning]

Poses: the model on the browser tests' fake-camera clip (tests/serve/browser.py:
squat_and_fall_frames: two squats, then a man standing and fallen; 95 frames, 10 fps), the
sequence repeated `--repeats` times with increasing timestamps, fed to `run_analysers` as a live
session does. Configurations are interleaved round by round; the median per frame is printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "serve"))
from browser import squat_and_fall_frames

import movenet
from movenet.serve.analysers import make_analysers, run_analysers

CONFIGS = {
    "angles": {"angles": {}},
    "reps (squat)": {"reps": {"exercise": "squat"}},
    "falls (default)": {"falls": {}},
    "falls (ambianic)": {"falls": {"method": "ambianic"}},
    "angles + reps + falls": {"angles": {}, "reps": {"exercise": "squat"}, "falls": {}},
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=20, help="times the clip's poses are replayed per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default="lightning")
    args = parser.parse_args(argv)
    detector = movenet.create_detector(args.model, threads=1)
    frames = squat_and_fall_frames()
    poses = [detector.estimate_poses(rgb, 100.0 * i) for i, rgb in enumerate(frames)]
    n = len(poses) * args.repeats
    results: dict[str, list[float]] = {name: [] for name in CONFIGS}
    for _ in range(args.rounds):
        for name, requested in CONFIGS.items():
            analysers = make_analysers(requested)
            started = time.process_time()
            for i in range(n):
                run_analysers(analysers, poses[i % len(poses)], 100.0 * i)
            results[name].append((time.process_time() - started) * 1000.0 / n)
    print(f"{args.model} poses, {n} frames per round, {args.rounds} rounds: CPU ms per frame (median, min-max)")
    for name, values in results.items():
        print(f"  {name:24s} {statistics.median(values):7.3f}   ({min(values):.3f}-{max(values):.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
