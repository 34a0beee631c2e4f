"""Speed of the fall detector itself (no model): microseconds per frame per person.

    python tools/bench_falls.py [--people 1 6] [--repeats 5]

Poses come from the synthetic scenarios (movenet.falls.synthetic), built once beforehand; each
configuration runs `FallDetector.update` over all of them, repeated, configurations interleaved so
that a busy machine disturbs them alike; the median repeat is reported.
"""

from __future__ import annotations

import argparse
import statistics
import time

from movenet.falls import FallDetector
from movenet.falls.synthetic import SCENARIOS, frames, scenario
from movenet.types import Pose


def sequence(people: int) -> list[tuple[float, list[Pose]]]:
    """Every scenario one after the other, `people` copies of the person with ids 1..people."""
    out, offset = [], 0.0
    for name in SCENARIOS:
        one = frames(scenario(name))
        for t, poses in one:
            out.append((offset + t, [Pose(p.keypoints, p.score, p.box, i + 1) for i in range(people) for p in poses]))
        offset += one[-1][0] + 40.0
    return out


def run(method: str, seq) -> float:
    detector = FallDetector(method)
    start = time.perf_counter()
    for t, poses in seq:
        detector.update(poses, t)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="+", default=[1, 6])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    seqs = {n: sequence(n) for n in args.people}
    configs = [(m, n) for m in ("default", "ambianic") for n in args.people]
    times: dict[tuple[str, int], list[float]] = {c: [] for c in configs}
    for _ in range(args.repeats):
        for method, n in configs:
            times[(method, n)].append(run(method, seqs[n]))
    print(f"{'method':<10} {'people':>6} {'frames':>7} {'us/frame/person':>16}")
    for method, n in configs:
        per = statistics.median(times[(method, n)]) / (len(seqs[n]) * n) * 1e6
        print(f"{method:<10} {n:>6} {len(seqs[n]):>7} {per:>16.1f}")


if __name__ == "__main__":
    main()
