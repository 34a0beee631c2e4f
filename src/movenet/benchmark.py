"""Latency benchmark: our runtimes side by side with Google's .tflite models in LiteRT, timed
interleaved so that a machine whose speed drifts cannot favour one configuration.

Model-only: one call of the network + decoding on a prepared int32 batch (LiteRT: set input,
invoke, read output, the official graphs including their decoding). End-to-end: `estimate_poses`
on a decoded RGB photo (preprocessing, model, poses in pixels; file decoding excluded).

Method (`interleave`): the configurations compared with each other (one model at one thread
count) are warmed up, then timed in `rounds` rounds; in each round every configuration runs one
block of `block` calls, in an order rotated from round to round, after a pause of `pause_ms` so
that one runtime's spinning worker threads do not slow the next. A row gives the median and
minimum over all its calls. A pair (e.g. ours vs LiteRT) gives the median over the rounds of the
ratio of the two blocks' medians, and the 10th-90th percentile of those ratios as its spread:
both blocks of a round ran within a second of each other, so a slow minute of the machine slows
both.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from movenet.runtime.litert_runtime import PEERS_DIR, TFLITE_FILES, tflite_file

BENCH_SIZE = {"lightning": (192, 192), "thunder": (256, 256), "multipose": (256, 256), "posenet": (257, 257)}
DEFAULT_ROUNDS = 10
DEFAULT_BLOCK = 5
# Between two blocks: onnxruntime's and XNNPACK's workers spin for a few ms after a call, torch's
# OpenMP workers longer; 50 ms lets both settle (longer pauses did not change the medians).
DEFAULT_PAUSE_MS = 50.0


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
    ratio_to_litert: float | None = None  # paired: ours / LiteRT of the same precision family
    ratio_spread: tuple[float, float] | None = None  # 10th-90th percentile of the per-round ratios

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class PairRow:
    """`a` over `b`, paired per round: median ratio and its 10th-90th percentile."""

    model: str
    threads: int
    a: str
    b: str
    ratio: float
    low: float
    high: float
    rounds: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Config:
    """One timed configuration: its row fields and a prepared call."""

    kind: str
    model: str
    runtime: str
    precision: str
    threads: int
    batch: int
    call: Callable[[], object]
    default: bool = False
    times_ms: list[float] = field(default_factory=list)
    block_medians: list[float] = field(default_factory=list)

    @property
    def label(self) -> str:
        batch = f" b{self.batch}" if self.batch != 1 else ""
        return f"{self.kind} {self.runtime} {self.precision}{batch}"

    def row(self) -> BenchRow:
        median = float(np.median(self.times_ms))
        return BenchRow(self.kind, self.model, self.runtime, self.precision, self.threads, self.batch,
                        median, float(np.min(self.times_ms)), self.batch * 1000.0 / median, self.default)


def bench_input(model: str, batch: int) -> np.ndarray:
    """A random model input of the model's bench size and input dtype (int32, PoseNet float32)."""
    from movenet.registry import get_spec

    spec = get_spec(model)
    size = BENCH_SIZE.get(spec.name, spec.default_input_size)
    return np.random.default_rng(0).integers(0, 256, (batch, *size, 3)).astype(spec.input_dtype)


def time_block(call: Callable[[], object], n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def interleave(configs: list[Config], warmup: int, rounds: int, block: int, pause_ms: float,
               progress: Callable[[], None] | None = None) -> None:
    """Time `configs` against each other (see the module docstring); fills their times."""
    for c in configs:
        time_block(c.call, warmup)
    for r in range(rounds):
        shift = r % len(configs)
        for c in configs[shift:] + configs[:shift]:
            time.sleep(pause_ms / 1000.0)
            times = time_block(c.call, block)
            c.times_ms.extend(times)
            c.block_medians.append(float(np.median(times)))
            if progress is not None:
                progress()


def paired_ratio(a: Config, b: Config) -> tuple[float, float, float]:
    """Median and 10th / 90th percentiles of the per-round ratios of a's per-image time to b's."""
    ratios = (np.asarray(a.block_medians) / a.batch) / (np.asarray(b.block_medians) / b.batch)
    return float(np.median(ratios)), float(np.percentile(ratios, 10)), float(np.percentile(ratios, 90))


def model_config(model: str, runtime: str, threads: int, batch: int = 1, precision: str = "fp32") -> Config:
    from movenet.runtime import create_runtime, default_runtime

    options = {"threads": threads}
    if precision != "fp32":
        options["precision"] = precision
    backend = create_runtime(model, runtime, **options)
    x = bench_input(model, batch)
    default = runtime == default_runtime() and precision == "fp32" and batch == 1
    return Config("model", model, runtime, precision, threads, batch, lambda: backend.run(x), default)


def end_to_end_config(model: str, runtime: str, threads: int, image: np.ndarray, batch: int = 1,
                      precision: str = "fp32") -> Config:
    """`estimate_poses` on a decoded image (batch > 1: a list of `batch` copies, one network call)."""
    import movenet
    from movenet.runtime import default_runtime

    detector = movenet.create_detector(model, runtime=runtime, threads=threads, min_pose_score=0.0, precision=precision)
    if batch == 1:
        call = lambda: detector.estimate_poses(image)
    else:
        call = lambda: detector.estimate_poses([image] * batch, batch_size=batch)
    default = runtime == default_runtime() and precision == "fp32" and batch == 1
    return Config("end_to_end", model, runtime, precision, threads, batch, call, default)


def litert_available() -> bool:
    from movenet.runtime import available_runtimes

    return "litert" in available_runtimes()


def litert_config(model: str, threads: int, peers_dir: Path = PEERS_DIR, precision: str = "fp16") -> Config | None:
    # LiteRT's float file is what Google publishes as "FP16" (float16-stored, float32 compute)
    if (model, "fp32" if precision == "fp16" else precision) not in TFLITE_FILES:
        return None  # Google publishes no .tflite file of this model here (PoseNet)
    path = tflite_file(model, "fp32" if precision == "fp16" else precision, peers_dir)
    if not litert_available() or not path.is_file():
        return None
    from movenet.runtime.litert_runtime import LiteRTRuntime

    backend = LiteRTRuntime(model, weights=path, threads=threads)
    x = bench_input(model, 1)
    return Config("model", model, "litert", precision, threads, 1, lambda: backend.run(x))


def peer_config(name: str, threads: int, image: np.ndarray) -> Config | None:
    """End to end of a comparison detector (`movenet.peers`, e.g. BlazePose); None when its package
    is not installed. MediaPipe chooses its own threads: `threads` is recorded only."""
    from movenet.peers import create_peer_detector, peer_available

    if not peer_available(name):
        return None
    detector = create_peer_detector(name)
    return Config("end_to_end", name, detector.runtime, "fp32", threads, 1, lambda: detector.estimate_poses(image))


# Which pairs to report: (a, b) as (kind, runtime, precision) with batch 1. The LiteRT peer of our
# fp32 is Google's float ("fp16") file; of our int8, Google's int8 file.
PAIRS = (
    (("model", "onnxruntime", "fp32"), ("model", "litert", "fp16")),
    (("model", "onnxruntime", "int8"), ("model", "litert", "int8")),
    (("model", "xnnpack", "int8"), ("model", "litert", "int8")),
    (("end_to_end", "onnxruntime", "fp32"), ("model", "onnxruntime", "fp32")),
    (("end_to_end", "onnxruntime", "int8"), ("model", "onnxruntime", "int8")),
    (("end_to_end", "xnnpack", "int8"), ("model", "xnnpack", "int8")),
    (("model", "torch", "fp32"), ("model", "onnxruntime", "fp32")),
)
LITERT_PEER = {"fp32": "fp16", "int8": "int8"}


def results(groups: list[list[Config]]) -> tuple[list[BenchRow], list[PairRow]]:
    """Rows (with their paired ratio to LiteRT) and pair rows of timed groups."""
    rows, pairs = [], []
    for group in groups:
        by_key = {(c.kind, c.runtime, c.precision): c for c in group if c.batch == 1}
        for c in group:
            row = c.row()
            peer = by_key.get(("model", "litert", LITERT_PEER.get(c.precision, "")))
            if c.kind == "model" and c.runtime != "litert" and peer is not None:
                ratio, low, high = paired_ratio(c, peer)
                row = BenchRow(**{**row.to_dict(), "ratio_to_litert": ratio, "ratio_spread": (low, high)})
            rows.append(row)
        for a_key, b_key in PAIRS:
            a, b = by_key.get(a_key), by_key.get(b_key)
            if a is not None and b is not None:
                ratio, low, high = paired_ratio(a, b)
                pairs.append(PairRow(a.model, a.threads, a.label, b.label, ratio, low, high, len(a.block_medians)))
    return rows, pairs


def format_table(rows: list[BenchRow]) -> str:
    head = (f"{'kind':<11}{'model':<10}{'runtime':<12}{'prec':<6}{'thr':>4}{'batch':>6}{'median ms':>11}"
            f"{'min ms':>9}{'img/s':>8}{'vs LiteRT':>10}{'(p10-p90)':>13}  default")
    lines = [head, "-" * len(head)]
    for r in rows:
        ratio = f"{r.ratio_to_litert:.2f}" if r.ratio_to_litert is not None else ""
        spread = f"{r.ratio_spread[0]:.2f}-{r.ratio_spread[1]:.2f}" if r.ratio_spread is not None else ""
        lines.append(
            f"{r.kind:<11}{r.model:<10}{r.runtime:<12}{r.precision:<6}{r.threads:>4}{r.batch:>6}"
            f"{r.median_ms:>11.2f}{r.min_ms:>9.2f}{r.images_per_s:>8.1f}{ratio:>10}{spread:>13}  {'*' if r.default else ''}"
        )
    return "\n".join(lines)


def format_pairs(pairs: list[PairRow]) -> str:
    head = f"{'model':<10}{'thr':>4}  {'a':<28}{'b':<28}{'a/b':>6}{'p10-p90':>13}{'rounds':>7}"
    lines = [head, "-" * len(head)]
    for p in pairs:
        lines.append(f"{p.model:<10}{p.threads:>4}  {p.a:<28}{p.b:<28}{p.ratio:>6.2f}{f'{p.low:.2f}-{p.high:.2f}':>13}{p.rounds:>7}")
    return "\n".join(lines)
