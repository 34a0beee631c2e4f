"""Frames per second of `movenet track` with the overlapped pipeline against `--sequential`,
interleaved in one run (the issue-13 measurement).

For each clip x model x output (--out annotated video, or --jsonl), the two modes run alternately
for `--rounds` rounds (order swapped every round); each run processes the whole clip with a
detector made beforehand (model loading is not timed). Prints median frames/s per mode, the median
of the per-round speed-ups and their range, and checks that both modes wrote the same JSON lines.

    python tools/bench_video.py                       # pose_squats.mp4 and opencv_vtest.avi
    python tools/bench_video.py --clips my.mp4 --models lightning --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import movenet
from movenet.cli.main import build_parser
from movenet.cli.video import run_video, video_detector

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_CLIPS = [SHARED / "reference-tfjs-models" / "pose_squats.mp4", SHARED / "videos" / "walking" / "opencv_vtest.avi"]


def timed_run(argv: list[str], detector) -> tuple[float, int]:
    args = build_parser().parse_args(argv)
    detector.reset()
    start = time.perf_counter()
    run = run_video(args, detector)
    return time.perf_counter() - start, run.frames


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clips", nargs="+", type=Path, default=DEFAULT_CLIPS)
    p.add_argument("--models", nargs="+", default=["lightning", "multipose"])
    p.add_argument("--outputs", nargs="+", choices=["out", "jsonl"], default=["out", "jsonl"])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=None)
    args = p.parse_args(argv)
    print(f"movenet {movenet.__version__}; {args.rounds} rounds per configuration, modes alternating")
    print(f"{'clip':<20}{'model':<11}{'output':<7}{'frames':>7}{'seq fps':>9}{'overl. fps':>11}{'speed-up':>9}{'range':>13}  same JSONL")
    with tempfile.TemporaryDirectory() as tmp:
        for clip in args.clips:
            for model in args.models:
                base = ["track", str(clip), "--model", model]
                if args.threads:
                    base += ["--threads", str(args.threads)]
                detector = video_detector(build_parser().parse_args(base))
                for output in args.outputs:
                    fps = {"seq": [], "par": []}
                    ratios, frames, same = [], 0, True
                    for r in range(args.rounds):
                        result = {}
                        for mode in (("seq", "par") if r % 2 == 0 else ("par", "seq")):
                            target = Path(tmp) / f"{mode}.{'mp4' if output == 'out' else 'jsonl'}"
                            jsonl = Path(tmp) / f"{mode}_{r}.jsonl"
                            extra = ["--out", str(target), "--jsonl", str(jsonl)] if output == "out" else ["--jsonl", str(jsonl)]
                            if mode == "seq":
                                extra.append("--sequential")
                            elapsed, frames = timed_run(base + extra, detector)
                            result[mode] = frames / elapsed
                            fps[mode].append(frames / elapsed)
                        ratios.append(result["par"] / result["seq"])
                        same &= (Path(tmp) / f"seq_{r}.jsonl").read_text() == (Path(tmp) / f"par_{r}.jsonl").read_text()
                    print(f"{clip.name[:19]:<20}{model:<11}{output:<7}{frames:>7}{statistics.median(fps['seq']):>9.1f}"
                          f"{statistics.median(fps['par']):>11.1f}{statistics.median(ratios):>9.2f}"
                          f"{f'{min(ratios):.2f}-{max(ratios):.2f}':>13}  {'yes' if same else 'NO'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
