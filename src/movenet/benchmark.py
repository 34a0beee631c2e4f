"""Latency benchmark: our runtimes side by side with Google's .tflite models in LiteRT.

Model-only: one call of the network + decoding on a prepared int32 batch (LiteRT: set input,
invoke, read output, the official graphs including their decoding; PoseNet: the network on a
float32 257x257 batch, its decoding runs in Python and is in the end-to-end rows only). End-to-end:
`estimate_poses` on a decoded RGB photo (preprocessing, model, poses in pixels; file decoding
excluded); peers (`movenet.peers`, e.g. BlazePose in MediaPipe) have end-to-end rows only. Median
and minimum over `runs` calls after `warmup` calls, in milliseconds.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from movenet.runtime.litert_runtime import PEERS_DIR, TFLITE_FILES, tflite_file

BENCH_SIZE = {"lightning": (192, 192), "thunder": (256, 256), "multipose": (256, 256), "posenet": (257, 257)}


def bench_input(model: str, batch: int) -> np.ndarray:
    """A random model input of the model's bench size and input dtype (int32, PoseNet float32)."""
    from movenet.registry import get_spec

    spec = get_spec(model)
    size = BENCH_SIZE.get(spec.name, spec.default_input_size)
    return np.random.default_rng(0).integers(0, 256, (batch, *size, 3)).astype(spec.input_dtype)


@dataclass(frozen=True)
class BenchRow:
    kind: str  # "model" or "end_to_end"
    model: str
    runtime: str  # onnxruntime, torch, litert
    precision: str
    threads: int
    batch: int
    median_ms: float
    min_ms: float
    images_per_s: float
    default: bool = False
    ratio_to_litert: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def time_call(fn, warmup: int, runs: int) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return float(np.median(times)), float(np.min(times))


def _row(kind, model, runtime, precision, threads, batch, timing, default=False) -> BenchRow:
    median, best = timing
    return BenchRow(kind, model, runtime, precision, threads, batch, median, best, batch * 1000.0 / median, default)


def bench_runtime(model: str, runtime: str, threads: int, batch: int, warmup: int, runs: int,
                  precision: str = "fp32") -> BenchRow:
    from movenet.runtime import create_runtime, default_runtime

    options = {"threads": threads}
    if precision != "fp32":
        options["precision"] = precision
    backend = create_runtime(model, runtime, **options)
    x = bench_input(model, batch)
    call = lambda: backend.run(x)
    default = runtime == default_runtime() and precision == "fp32" and batch == 1
    return _row("model", model, runtime, precision, threads, batch, time_call(call, warmup, runs), default)


def bench_end_to_end(model: str, runtime: str, threads: int, image: np.ndarray, warmup: int, runs: int,
                     batch: int = 1, precision: str = "fp32") -> BenchRow:
    """`estimate_poses` on a decoded image (batch > 1: a list of `batch` copies, one network call)."""
    import movenet
    from movenet.runtime import default_runtime

    detector = movenet.create_detector(model, runtime=runtime, threads=threads, min_pose_score=0.0, precision=precision)
    if batch == 1:
        call = lambda: detector.estimate_poses(image)
    else:
        call = lambda: detector.estimate_poses([image] * batch, batch_size=batch)
    default = runtime == default_runtime() and precision == "fp32" and batch == 1
    return _row("end_to_end", model, runtime, precision, threads, batch, time_call(call, warmup, runs), default)


def litert_available() -> bool:
    from movenet.runtime import available_runtimes

    return "litert" in available_runtimes()


def bench_litert(model: str, threads: int, warmup: int, runs: int, peers_dir: Path = PEERS_DIR,
                 precision: str = "fp16") -> BenchRow | None:
    # LiteRT's float file is what Google publishes as "FP16" (float16-stored, float32 compute)
    if (model, "fp32" if precision == "fp16" else precision) not in TFLITE_FILES:
        return None  # Google publishes no .tflite file of this model here (PoseNet)
    path = tflite_file(model, "fp32" if precision == "fp16" else precision, peers_dir)
    if not litert_available() or not path.is_file():
        return None
    from movenet.runtime.litert_runtime import LiteRTRuntime

    backend = LiteRTRuntime(model, weights=path, threads=threads)
    x = bench_input(model, 1)
    return _row("model", model, "litert", precision, threads, 1, time_call(lambda: backend.run(x), warmup, runs))


def bench_peer(name: str, threads: int, image: np.ndarray, warmup: int, runs: int) -> BenchRow | None:
    """End-to-end time of a comparison detector (`movenet.peers`) on a decoded image; None when its
    package is not installed. MediaPipe chooses its own threads: `threads` is recorded only."""
    from movenet.peers import create_peer_detector, peer_available

    if not peer_available(name):
        return None
    detector = create_peer_detector(name)
    timing = time_call(lambda: detector.estimate_poses(image), warmup, runs)
    return _row("end_to_end", name, detector.runtime, "fp32", threads, 1, timing)


def with_ratios(rows: list[BenchRow]) -> list[BenchRow]:
    """Add the ratio of each model-only row's per-image median to LiteRT fp16's (same model, threads)."""
    peers = {(r.model, r.threads): r.median_ms for r in rows if r.runtime == "litert" and r.precision == "fp16"}
    out = []
    for r in rows:
        peer = peers.get((r.model, r.threads))
        ratio = None if peer is None or r.kind != "model" else (r.median_ms / r.batch) / peer
        out.append(BenchRow(**{**r.to_dict(), "ratio_to_litert": ratio}))
    return out


def format_table(rows: list[BenchRow]) -> str:
    head = f"{'kind':<11}{'model':<10}{'runtime':<12}{'prec':<6}{'thr':>4}{'batch':>6}{'median ms':>11}{'min ms':>9}{'img/s':>8}{'vs LiteRT':>10}  default"
    lines = [head, "-" * len(head)]
    for r in rows:
        ratio = f"{r.ratio_to_litert:.2f}" if r.ratio_to_litert is not None else ""
        lines.append(
            f"{r.kind:<11}{r.model:<10}{r.runtime:<12}{r.precision:<6}{r.threads:>4}{r.batch:>6}"
            f"{r.median_ms:>11.2f}{r.min_ms:>9.2f}{r.images_per_s:>8.1f}{ratio:>10}  {'*' if r.default else ''}"
        )
    return "\n".join(lines)

