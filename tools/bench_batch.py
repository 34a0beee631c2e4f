"""Throughput of `movenet batch`'s local engine against one process, interleaved in one run.

Configurations (each on the same inputs, rounds interleaved so that a disturbance of the shared
machine hits all of them alike):
  pool W x 1   run_batch with W single-threaded worker processes (W = 1, 2, ...)
  one x T      the same task function in this one process with a T-thread runtime (no pool)

    python tools/bench_batch.py --task track --inputs ../shared/data/videos/falls-urfd --rounds 2
    python tools/bench_batch.py --task predict --inputs ../shared/data/coco-val2017/images \
        ../shared/data/coco-train2017-mini/images --rounds 3

Prints images/s (predict) or frames/s (track) per configuration and round, and the median.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from movenet.batch import BatchOptions, run_batch
from movenet.batch.plan import plan_items
from movenet.batch.tasks import TASKS
from movenet.batch.worker import Job, execute


def one_process(inputs, task, threads, out: Path) -> tuple[int, float]:
    spec = TASKS[task]
    items, _ = plan_items(inputs, spec.suffixes, False, "input", {})
    options = BatchOptions(threads=threads)
    started, frames = time.perf_counter(), 0
    for i, item in enumerate(items):
        suffixes = spec.output_suffixes(options)
        finals = {k: str(out / f"{i}{s}") for k, s in suffixes.items()}
        temps = {k: str(out / ".tmp" / f"{i}{s}") for k, s in suffixes.items()}
        result = execute(Job(str(item.source), task, options, temps, finals))
        assert result.ok, result.reason
        frames += result.frames
    return frames, time.perf_counter() - started


def pool(inputs, task, workers, out: Path) -> tuple[int, float]:
    started = time.perf_counter()
    summary = run_batch(inputs, out, task, BatchOptions(threads=1), workers=workers, progress=False)
    assert summary.failed == 0, summary.failures
    return summary.frames, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", choices=["predict", "track"], default="track")
    parser.add_argument("--inputs", nargs="+", required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--threads", nargs="+", type=int, default=[2])
    parser.add_argument("--limit", type=int, help="only the first N inputs (name order)")
    args = parser.parse_args()
    inputs = args.inputs
    if args.limit:
        items, _ = plan_items(inputs, TASKS[args.task].suffixes, False, "input", {})
        inputs = [str(item.source) for item in items[: args.limit]]
    configs = [(f"pool {w} x 1", lambda out, w=w: pool(inputs, args.task, w, out)) for w in args.workers]
    configs += [(f"one x {t}", lambda out, t=t: one_process(inputs, args.task, t, out)) for t in args.threads]
    unit = "frames/s" if args.task == "track" else "images/s"
    rates: dict[str, list[float]] = {name: [] for name, _ in configs}
    for r in range(args.rounds):
        for name, run in configs:
            out = Path(tempfile.mkdtemp(prefix="bench_batch_"))
            frames, seconds = run(out)
            shutil.rmtree(out)
            rates[name].append(frames / seconds)
            print(f"round {r + 1}: {name:<12} {frames} in {seconds:.1f} s = {frames / seconds:.1f} {unit}", flush=True)
    best = max(statistics.median(v) for v in rates.values())
    print(f"\n{args.task}, {len(inputs)} input argument(s), {args.rounds} round(s); median {unit} (share of the best):")
    for name, values in rates.items():
        median = statistics.median(values)
        print(f"  {name:<12} {median:8.1f}  ({100 * median / best:.0f} %)")


if __name__ == "__main__":
    main()
