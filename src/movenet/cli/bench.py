"""`movenet bench`: latency of every model x runtime x threads x batch, beside LiteRT."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

from movenet.cli.common import check_output_file
from movenet.limits import MAX_BATCH_SIZE, check_int, check_threads
from movenet.registry import list_models


def add_parser(sub) -> None:
    p = sub.add_parser(
        "bench",
        help="time the models (model only and end to end), beside Google's TFLite files in LiteRT",
        description="Median and minimum latency of each model x runtime x threads x batch, and of "
        "Google's official .tflite models in LiteRT (when ai-edge-litert is installed and "
        "../shared/peers/tflite exists) in the same run. Default: all models at 1 and 2 threads.",
    )
    p.add_argument("--models", nargs="+", choices=list_models(), default=list_models())
    p.add_argument("--runtimes", nargs="+", choices=["onnxruntime", "torch"], help="default: all installed")
    p.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    p.add_argument("--precisions", nargs="+", choices=["fp32", "int8"], default=["fp32", "int8"], help="onnxruntime precisions (torch: fp32)")
    p.add_argument("--batch", nargs="+", type=int, default=[1], help="batch sizes for model-only rows (e.g. 1 4 8)")
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--image", help="photo for the end-to-end rows (default: examples/pose.jpg of the repo)")
    p.add_argument("--peers", default=None, help="folder with the official .tflite files")
    p.add_argument("--no-end-to-end", action="store_true")
    p.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from movenet import benchmark as b
    from movenet.io.image import load_image
    from movenet.runtime import available_runtimes

    check_int("--runs", args.runs, 1)
    check_int("--warmup", args.warmup, 0)
    for batch in args.batch:
        check_int("--batch", batch, 1, MAX_BATCH_SIZE, "larger batches were not faster")
    for threads in args.threads:
        check_threads(threads)
    check_output_file(args.json, "--json")
    # LiteRT runs Google's files in its own rows (bench_litert), not as one of ours
    runtimes = args.runtimes or [r for r in available_runtimes() if r != "litert"]
    image_path = Path(args.image) if args.image else Path(__file__).resolve().parents[3] / "examples" / "pose.jpg"
    image = None if args.no_end_to_end else load_image(image_path)
    peers = Path(args.peers) if args.peers else b.PEERS_DIR
    # PyTorch's OpenMP workers keep spinning for a while after each call and slow whatever runs
    # next on a 2-core machine, so all torch rows run last.
    ordered = sorted(runtimes, key=lambda r: r == "torch")
    jobs = []
    for runtime in [None, *ordered]:
        for model in args.models:
            for threads in args.threads:
                if runtime is None:
                    for precision in ("fp16", "int8"):
                        jobs.append(lambda m=model, t=threads, p=precision: b.bench_litert(m, t, args.warmup, args.runs, peers, p))
                    continue
                for batch in args.batch:
                    jobs.append(lambda m=model, t=threads, r=runtime, n=batch: b.bench_runtime(m, r, t, n, args.warmup, args.runs))
                if runtime == "onnxruntime":
                    for precision in [p for p in args.precisions if p != "fp32"]:
                        jobs.append(lambda m=model, t=threads, p=precision: b.bench_runtime(m, "onnxruntime", t, 1, args.warmup, args.runs, p))
                if image is not None:
                    for batch in args.batch:
                        jobs.append(lambda m=model, t=threads, r=runtime, n=batch: b.bench_end_to_end(m, r, t, image, args.warmup, args.runs, n))
                    if runtime == "onnxruntime":
                        for precision in [p for p in args.precisions if p != "fp32"]:
                            jobs.append(lambda m=model, t=threads, p=precision: b.bench_end_to_end(m, "onnxruntime", t, image, args.warmup, args.runs, 1, p))
    from movenet.errors import WeightsError

    rows, missing = [], set()
    for job in tqdm(jobs, unit="config", file=sys.stderr, disable=None):
        try:
            row = job()
        except WeightsError as exc:  # e.g. int8 models that were not made here
            missing.add(str(exc))
            continue
        if row is not None:
            rows.append(row)
    rows = b.with_ratios(sorted(rows, key=lambda r: (args.models.index(r.model), r.threads)))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    for message in sorted(missing):
        print(f"(skipped: {message})")
    if not b.litert_available():
        print("(LiteRT rows skipped: pip install ai-edge-litert)")
    print(b.format_table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps([r.to_dict() for r in rows], indent=2) + "\n")
    return 0
