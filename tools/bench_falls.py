"""Speed of fall detection: the detector itself (no model), and `movenet falls` end to end.

    python tools/bench_falls.py [--people 1 6] [--repeats 5] [--video clip_640x480.mp4 --models lightning multipose]

1. Detector only, microseconds per frame per person: poses from the synthetic scenarios
   (movenet.falls.synthetic), built once beforehand; each configuration runs
   `FallDetector.update` over all of them, repeated, configurations interleaved so that a busy
   machine disturbs them alike; the median repeat is reported.
2. With `--video`: frames per second of the `movenet falls` loop (decoding, model, fall detector,
   states; the overlapped pipeline, no output written) per model, 2 threads, interleaved rounds;
   a live stream keeps real time when this is above the camera's rate (30 fps). Also the CPU
   time per frame of the same loop on one thread, one stage after another: on a busy machine the
   frame rate says little, the CPU time still says whether a core keeps up (under 33 ms).
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


def video_rates(video: str, model: str, threads: int = 2, sequential: bool = False) -> tuple[float, float]:
    """(frames per second, CPU milliseconds per frame) of the `movenet falls` loop on `video`."""
    import argparse as _argparse

    import movenet
    from movenet.cli.video import run_video
    from movenet.falls.session import FallSession

    args = _argparse.Namespace(source=video, out=None, jsonl=None, fps=None, threshold=0.3, max_frames=None,
                               flip_horizontal=False, show=False, sequential=sequential, keep_all_frames=False)
    session = FallSession(FallDetector(), log=lambda line: None)
    detector = movenet.create_detector(model, threads=threads)
    cpu = time.process_time()
    run = run_video(args, detector, analyse=session.analyse, record=None)
    return run.fps, (time.process_time() - cpu) * 1000.0 / run.frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="+", default=[1, 6])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--video", help="a video (e.g. 640x480) for the end-to-end frame rate")
    parser.add_argument("--models", nargs="+", default=["lightning", "multipose"])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    seqs = {n: sequence(n) for n in args.people}
    configs = [(m, n) for m in ("default", "learned", "ambianic") for n in args.people]
    times: dict[tuple[str, int], list[float]] = {c: [] for c in configs}
    for _ in range(args.repeats):
        for method, n in configs:
            times[(method, n)].append(run(method, seqs[n]))
    print(f"{'method':<10} {'people':>6} {'frames':>7} {'us/frame/person':>16}")
    for method, n in configs:
        per = statistics.median(times[(method, n)]) / (len(seqs[n]) * n) * 1e6
        print(f"{method:<10} {n:>6} {len(seqs[n]):>7} {per:>16.1f}")
    if args.video:
        rates: dict[str, list[float]] = {m: [] for m in args.models}
        cpu: dict[str, list[float]] = {m: [] for m in args.models}
        for _ in range(args.rounds):
            for model in args.models:
                rates[model].append(video_rates(args.video, model)[0])
                cpu[model].append(video_rates(args.video, model, threads=1, sequential=True)[1])
        print(f"\n{args.video}: movenet falls (median of {args.rounds} rounds)")
        print(f"{'model':<10} {'fps, 2 threads':>15} {'CPU ms/frame, 1 thread':>23}")
        for model in args.models:
            print(f"{model:<10} {statistics.median(rates[model]):15.1f} {statistics.median(cpu[model]):23.1f}")


if __name__ == "__main__":
    main()
