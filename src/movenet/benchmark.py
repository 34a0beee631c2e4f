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

import os
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


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages ("n/a" where the OS has none)."""
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except (AttributeError, OSError):
        return "n/a"


def library_versions() -> str:
    """Versions of the inference libraries installed, e.g. "onnxruntime 1.32.0, openvino 2026.4.1"."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("onnxruntime", "openvino", "ai-edge-litert", "torch", "numpy"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            pass
    return ", ".join(found)


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


def is_default(model: str, runtime: str, precision: str, batch: int) -> bool:
    """Whether `create_detector(model, precision=precision)` picks `runtime` (batch 1 rows only)."""
    from movenet.runtime import default_runtime

    return batch == 1 and runtime == default_runtime(precision, model)


def model_config(model: str, runtime: str, threads: int, batch: int = 1, precision: str = "fp32") -> Config:
    from movenet.runtime import create_runtime

    options = {"threads": threads}
    if precision != "fp32":
        options["precision"] = precision
    backend = create_runtime(model, runtime, **options)
    x = bench_input(model, batch)
    default = is_default(model, runtime, precision, batch)
    return Config("model", model, runtime, precision, threads, batch, lambda: backend.run(x), default)


def end_to_end_config(model: str, runtime: str, threads: int, image: np.ndarray, batch: int = 1,
                      precision: str = "fp32") -> Config:
    """`estimate_poses` on a decoded image (batch > 1: a list of `batch` copies, one network call)."""
    import movenet

    detector = movenet.create_detector(model, runtime=runtime, threads=threads, min_pose_score=0.0, precision=precision)
    if batch == 1:
        call = lambda: detector.estimate_poses(image)
    else:
        call = lambda: detector.estimate_poses([image] * batch, batch_size=batch)
    default = is_default(model, runtime, precision, batch)
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


# The LiteRT peer of each of our precisions: Google's float ("fp16": float16-stored weights,
# float32 compute) for every float precision, Google's int8 file for int8.
LITERT_PEER = {"fp32": "fp16", "bf16": "fp16", "fp16": "fp16", "int8": "int8"}
# Other pairs to report besides every model-only row against its LiteRT peer and every
# end-to-end row against its own model-only row.
EXTRA_PAIRS = ((("model", "torch", "fp32"), ("model", "onnxruntime", "fp32")),)


def pair_keys(keys: list[tuple[str, str, str]]) -> list[tuple[tuple[str, str, str], tuple[str, str, str]]]:
    """(a, b) pairs among the batch-1 (kind, runtime, precision) keys of one group."""
    present = set(keys)
    pairs = []
    for kind, runtime, precision in keys:
        if kind == "model" and runtime != "litert":
            peer = ("model", "litert", LITERT_PEER.get(precision, ""))
            if peer in present:
                pairs.append(((kind, runtime, precision), peer))
    for kind, runtime, precision in keys:
        if kind == "end_to_end" and ("model", runtime, precision) in present:
            pairs.append(((kind, runtime, precision), ("model", runtime, precision)))
    pairs += [(a, b) for a, b in EXTRA_PAIRS if a in present and b in present]
    return pairs


def results(groups: list[list[Config]]) -> tuple[list[BenchRow], list[PairRow]]:
    """Rows (with their paired ratio to LiteRT) and pair rows of timed groups."""
    rows, pairs = [], []
    for group in groups:
        by_key = {(c.kind, c.runtime, c.precision): c for c in group if c.batch == 1}
        for c in group:
            row = c.row()
            peer = by_key.get(("model", "litert", LITERT_PEER.get(c.precision, "")))
            if c.kind == "model" and c.runtime != "litert" and peer is not None and c is not peer:
                ratio, low, high = paired_ratio(c, peer)
                row = BenchRow(**{**row.to_dict(), "ratio_to_litert": ratio, "ratio_spread": (low, high)})
            rows.append(row)
        for a_key, b_key in pair_keys(list(by_key)):
            a, b = by_key[a_key], by_key[b_key]
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
