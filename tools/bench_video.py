"""Frames per second of `movenet track` with the overlapped pipeline against `--sequential`,
interleaved in one run (the issue-13 measurement).

For each clip x model x output (--out annotated video, or --jsonl), three modes run in rotating
order for `--rounds` rounds: `--sequential` (decode, infer, draw, encode one after another, with
onnxruntime's spinning threads as for stills: the mode before the pipeline), the same without
spinning (a diagnostic: how much of the gain is the threads' busy-waiting), and the overlapped
pipeline (the default; no spinning). Each run processes the whole clip with a fresh detector on a
runtime loaded beforehand (model loading is not timed). Prints median frames/s per mode, the
median of the per-round speed-ups over `--sequential` and their range, the speed-up over the
diagnostic mode, and checks that all modes wrote the same JSON lines.

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
from movenet.api import Detector
from movenet.cli.main import build_parser
from movenet.cli.video import run_video, video_detector
from movenet.runtime.onnx_runtime import OnnxRuntime

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_CLIPS = [SHARED / "reference-tfjs-models" / "pose_squats.mp4", SHARED / "videos" / "walking" / "opencv_vtest.avi"]


MODES = {  # name: (--sequential, onnxruntime spinning)
    "seq": (True, True),  # `movenet track --sequential`: one thing after another, as before the pipeline
    "seq_nospin": (True, False),  # the same without spinning threads (a diagnostic column)
    "par": (False, False),  # `movenet track`: the overlapped pipeline (no spinning threads)
}


def timed_run(argv: list[str], base: Detector) -> tuple[float, int]:
    """One whole run on a fresh detector sharing `base`'s loaded runtime (fresh tracker ids, as a
    new `movenet track` process has)."""
    args = build_parser().parse_args(argv)
    detector = Detector(base.spec, base.options, base.runtime)
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
    print(f"movenet {movenet.__version__}; {args.rounds} rounds per configuration, modes rotating; frames/s (median)")
    print(f"{'clip':<20}{'model':<11}{'output':<7}{'frames':>7}{'seq':>8}{'seq nospin':>11}{'overl.':>8}"
          f"{'overl./seq':>11}{'range':>12}{'overl./seq nospin':>18}  same JSONL")
    with tempfile.TemporaryDirectory() as tmp:
        for clip in args.clips:
            for model in args.models:
                base = ["track", str(clip), "--model", model]
                if args.threads:
                    base += ["--threads", str(args.threads)]
                detectors = {m: video_detector(build_parser().parse_args(base + (["--sequential"] if seq else [])))
                             for m, (seq, _) in MODES.items()}
                for m, (_, spin) in MODES.items():  # the diagnostic column: sequential without spinning
                    if not spin and detectors[m].options.runtime == "onnxruntime":
                        detectors[m].runtime = OnnxRuntime(model, threads=args.threads, spinning=False,
                                                           precision=detectors[m].options.precision)
                for output in args.outputs:
                    fps = {m: [] for m in MODES}
                    ratios, ratios_nospin, frames, same = [], [], 0, True
                    names = list(MODES)
                    for r in range(args.rounds):
                        result = {}
                        for mode in names[r % len(names):] + names[:r % len(names)]:
                            jsonl = Path(tmp) / f"{mode}_{r}.jsonl"
                            extra = ["--jsonl", str(jsonl)]
                            if output == "out":
                                extra += ["--out", str(Path(tmp) / f"{mode}.mp4")]
                            if MODES[mode][0]:
                                extra.append("--sequential")
                            elapsed, frames = timed_run(base + extra, detectors[mode])
                            result[mode] = frames / elapsed
                            fps[mode].append(frames / elapsed)
                        ratios.append(result["par"] / result["seq"])
                        ratios_nospin.append(result["par"] / result["seq_nospin"])
                        texts = {(Path(tmp) / f"{m}_{r}.jsonl").read_text() for m in MODES}
                        same &= len(texts) == 1
                    med = {m: statistics.median(v) for m, v in fps.items()}
                    print(f"{clip.name[:19]:<20}{model:<11}{output:<7}{frames:>7}{med['seq']:>8.1f}{med['seq_nospin']:>11.1f}"
                          f"{med['par']:>8.1f}{statistics.median(ratios):>11.2f}{f'{min(ratios):.2f}-{max(ratios):.2f}':>12}"
                          f"{statistics.median(ratios_nospin):>18.2f}  {'yes' if same else 'NO'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
