"""One-thread CPU time per model call of several model files, interleaved, with paired ratios to
the first file: on a loaded machine a descheduled thread accrues no CPU time, so these figures
stay stable where wall-clock medians do not (docs/results/int8.md). `.tflite` files run in LiteRT,
`.onnx` files in onnxruntime, all with one thread on the calling thread.

    python tools/bench_cpu_time.py lightning ../shared/peers/tflite/lightning_int8.tflite \\
        src/movenet/weights/lightning_int8.tflite src/movenet/weights/lightning_int8.onnx
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from movenet.benchmark import BENCH_SIZE
from movenet.runtime.litert_runtime import LiteRTRuntime
from movenet.runtime.onnx_runtime import OnnxRuntime

PAUSE_S = 0.02  # between blocks, as movenet bench (spinning workers settle)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", choices=sorted(BENCH_SIZE))
    p.add_argument("files", nargs="+")
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--block", type=int, default=5)
    args = p.parse_args(argv)
    x = np.random.default_rng(0).integers(0, 256, (1, *BENCH_SIZE[args.model], 3)).astype(np.int32)
    runtimes = []
    for f in args.files:
        rt = (LiteRTRuntime(args.model, weights=f, threads=1) if f.endswith(".tflite")
              else OnnxRuntime(args.model, weights=f, threads=1, precision="int8"))
        for _ in range(5):
            rt.run(x)
        runtimes.append((f, rt))
    cpu = {f: [] for f in args.files}
    wall = {f: [] for f in args.files}
    blocks = {f: [] for f in args.files}
    for r in range(args.rounds):
        shift = r % len(runtimes)
        for f, rt in runtimes[shift:] + runtimes[:shift]:
            time.sleep(PAUSE_S)
            times = []
            for _ in range(args.block):
                c0, w0 = time.thread_time(), time.perf_counter()
                rt.run(x)
                times.append((time.thread_time() - c0) * 1000.0)
                wall[f].append((time.perf_counter() - w0) * 1000.0)
            cpu[f] += times
            blocks[f].append(float(np.median(times)))
    first = args.files[0]
    for f in args.files:
        ratio = np.asarray(blocks[f]) / np.asarray(blocks[first])
        print(f"{args.model} 1 thread: cpu ms median {np.median(cpu[f]):6.2f} min {np.min(cpu[f]):6.2f} | wall ms median "
              f"{np.median(wall[f]):6.2f} | cpu ratio {np.median(ratio):.3f} (p10-p90 {np.percentile(ratio, 10):.2f}-"
              f"{np.percentile(ratio, 90):.2f})  {f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
