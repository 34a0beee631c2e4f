"""`movenet bench`: latency of every model x runtime x threads x batch, beside LiteRT."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

from movenet import benchmark as b
from movenet.cli.common import check_output_file
from movenet.extras import install_hint
from movenet.limits import MAX_BATCH_SIZE, check_int, check_threads
from movenet.peers import list_peers
from movenet.registry import list_models
from movenet.runtime import PRECISIONS, RUNTIMES


def add_parser(sub) -> None:
    p = sub.add_parser(
        "bench",
        help="time the models (model only and end to end), beside Google's TFLite files in LiteRT",
        description="Latency of each model x runtime x precision x threads x batch, and of "
        "Google's official .tflite models in LiteRT (when ai-edge-litert is installed and "
        "their files are in --peers DIR), timed interleaved: per model and thread count, every "
        "configuration runs a short block of calls in turn, round after round, and each pair "
        "(ours / LiteRT, end-to-end / model-only) is the median of its per-round ratios. "
        "Default: all models at 1 and 2 threads.",
    )
    p.add_argument("--models", nargs="+", choices=list_models() + list_peers(), default=list_models(),
                   help=f"default: {' '.join(list_models())}; {', '.join(list_peers())}: end to end only (its extra)")
    p.add_argument("--runtimes", nargs="+", choices=[r for r in RUNTIMES if r != "litert"],
                   help="default: all installed (litert runs Google's files in rows of their own)")
    p.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    p.add_argument("--precisions", nargs="+", choices=list(PRECISIONS), default=["fp32", "int8"],
                   help="precisions, each where the runtime has it (torch: fp32; xnnpack: int8; openvino: all, "
                   "bf16 / fp16 where the CPU has them); default: fp32 int8")
    p.add_argument("--batch", nargs="+", type=int, default=[1], help="batch sizes (e.g. 1 4 8)")
    p.add_argument("--rounds", type=int, default=b.DEFAULT_ROUNDS, help=f"rounds of interleaved blocks (default {b.DEFAULT_ROUNDS})")
    p.add_argument("--block", type=int, default=b.DEFAULT_BLOCK, help=f"calls per block (default {b.DEFAULT_BLOCK})")
    p.add_argument("--pause-ms", type=float, default=b.DEFAULT_PAUSE_MS, help=f"pause before each block (default {b.DEFAULT_PAUSE_MS:g})")
    p.add_argument("--warmup", type=int, default=10, help="untimed calls per configuration first (default 10)")
    p.add_argument("--image", help="photo for the end-to-end rows (default: examples/pose.jpg of the repo)")
    p.add_argument("--peers", default=None, help="folder with Google's official .tflite files (default: peers/tflite of the data folder, docs/data.md)")
    p.add_argument("--no-end-to-end", action="store_true")
    p.add_argument("--json", metavar="FILE", help="also write the rows and pairs as JSON")
    p.set_defaults(func=run)


def _check(args) -> None:
    from movenet.errors import InvalidOptionError

    check_int("--rounds", args.rounds, 2, 1000)
    check_int("--block", args.block, 1, 1000)
    check_int("--warmup", args.warmup, 0, 1000)
    if not 0 <= args.pause_ms <= 10_000:
        raise InvalidOptionError(f"--pause-ms must be in 0..10000, got {args.pause_ms}")
    for batch in args.batch:
        check_int("--batch", batch, 1, MAX_BATCH_SIZE, "larger batches were not faster")
    for threads in args.threads:
        check_threads(threads)
    check_output_file(args.json, "--json")


def build_groups(args, runtimes: list[str], image, peers: Path, skipped: set[str]) -> list[list[b.Config]]:
    """One group per (model, threads): the configurations timed against each other. A
    configuration that cannot be made (a model without int8 files, a peer's missing package) is
    left out and named in `skipped`."""
    from movenet.errors import InvalidOptionError, WeightsError
    from movenet.runtime import has_files, runtime_class

    def make(factory, *a):
        try:
            return factory(*a)
        except (WeightsError, InvalidOptionError) as exc:
            skipped.add(str(exc))
            return None

    groups = []
    for model in args.models:
        for threads in args.threads:
            if model in list_peers():  # comparison detectors: end to end only
                group = [make(b.peer_config, model, threads, image)] if image is not None else []
                groups.append([c for c in group if c is not None])
                continue
            peers_wanted = sorted({b.LITERT_PEER[p] for p in args.precisions})
            group = [b.litert_config(model, threads, peers, p) for p in peers_wanted]
            for runtime in [r for r in runtimes if has_files(r, model)]:
                precisions = [p for p in args.precisions if p in runtime_class(runtime).precisions]
                for precision in precisions:
                    batches = args.batch if precision == "fp32" else [1]
                    group += [make(b.model_config, model, runtime, threads, n, precision) for n in batches]
                    if image is not None:
                        group += [make(b.end_to_end_config, model, runtime, threads, image, n, precision) for n in batches]
            groups.append([c for c in group if c is not None])
    return [g for g in groups if g]


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from movenet.io.image import load_image
    from movenet.runtime import available_runtimes
    from movenet.runtime.cpu import cpu_features

    _check(args)
    # LiteRT runs Google's files in its own rows, not as one of ours
    runtimes = args.runtimes or [r for r in available_runtimes() if r != "litert"]
    image_path = Path(args.image) if args.image else Path(__file__).resolve().parents[3] / "examples" / "pose.jpg"
    image = None if args.no_end_to_end else load_image(image_path)
    peers = Path(args.peers) if args.peers else b.PEERS_DIR
    load = b.load_average()
    skipped: set[str] = set()
    groups = build_groups(args, runtimes, image, peers, skipped)
    total = sum(len(g) for g in groups) * args.rounds
    with tqdm(total=total, unit="block", file=sys.stderr, disable=None) as bar:
        for group in groups:
            b.interleave(group, args.warmup, args.rounds, args.block, args.pause_ms, lambda: bar.update(1))
    rows, pairs = b.results(groups)
    print(f"machine: {cpu_features().summary}; {os.cpu_count()} CPUs; load average at the start {load}")
    print(f"versions: Python {platform.python_version()}, {b.library_versions()}")
    print(f"interleaved: {args.rounds} rounds x {args.block} calls per configuration, {args.pause_ms:g} ms pause, {args.warmup} warm-up calls")
    for message in sorted(skipped):
        print(f"(skipped: {message})")
    if not b.litert_available():
        print(f"(LiteRT rows skipped: {install_hint('litert')})")
    print(b.format_table(rows))
    if pairs:
        print()
        print("paired ratios (median over rounds of a's per-image time / b's):")
        print(b.format_pairs(pairs))
    if args.json:
        payload = {"machine": cpu_features().summary, "load_average_at_start": load, "versions": b.library_versions(),
                   "rows": [r.to_dict() for r in rows], "pairs": [p.to_dict() for p in pairs]}
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
    return 0
