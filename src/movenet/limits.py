"""Every bound on an input or option that sizes memory, threads or time, with the reason for it,
and the checks that enforce them with one-line errors naming what is accepted.

The bounds are documented in docs/reference/limits.md; `tests/robustness/test_limits.py` runs the worst
allowed values under an address-space limit (RLIMIT_AS) and a time limit.
"""

from __future__ import annotations

import math
import numbers
import os

import numpy as np

from movenet.errors import InvalidOptionError

# Images: Pillow's own decompression-bomb error threshold (2 x PIL.Image.MAX_IMAGE_PIXELS =
# 2 x 89,478,485, where Pillow only warns). An RGB image of that size is 537 MB; the pipeline
# makes at most a few copies of it (file decoding, colour conversion, mirroring).
MAX_IMAGE_PIXELS = 178_956_970

# MultiPose input side: 4x the official default of 256 (16x its compute). Measured peak RSS of one
# `estimate_poses` call at 1 thread: 139 MB at 256, 463 MB at 1024, 1.5 GB at 2048.
MAX_MULTIPOSE_DIMENSION = 1024

# Model inputs per network call. Batches > 1 were not faster on 2 cores (docs/results/speed.md), and memory
# grows with the batch (onnxruntime keeps its largest working set): Thunder peaked at 1.9 GB RSS
# at batch 64, Thunder with refine then MultiPose at 1024 in one process at 4.9 GB; `movenet
# predict` also holds that many decoded images at once.
MAX_BATCH_SIZE = 16

# Model-input pixels per network call: 16 inputs of 256x256 (the batch-size limit at the default
# sizes), or one MultiPose input of 1024x1024: larger inputs go fewer per call, so that batch size
# and input size cannot multiply.
MAX_BATCH_PIXELS = MAX_BATCH_SIZE * 256 * 256

# MultiPose tracks kept (official default 18). Matching costs poses x tracks per frame, and tracks
# older than max_track_age_ms are dropped anyway (6 new ones per frame at most).
MAX_TRACKS_LIMIT = 1000

# Timestamps become microseconds in float64: above 2**53 microseconds (285 years) steps of one
# microsecond are no longer exact.
MAX_TIMESTAMP_MS = 2.0**53 / 1000.0

# OpenCV reads a camera index >= 100 as "backend id x 100 + index" (cv::VideoCapture::open).
MAX_WEBCAM_INDEX = 99


def cpu_count() -> int:
    """CPUs this process may run on (the affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def max_threads() -> int:
    """Runtime threads: at most one per CPU. More only make onnxruntime's spinning workers fight for
    cores: on 2 cores, Lightning took 1.6x longer per call at 4 threads than at 2, 28x at 64 (and
    10 s to create the session); 10,000 threads did not finish one call in 2 minutes."""
    return cpu_count()


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _as_float(value) -> float:
    """A real number (not a bool) as float; NaN for anything else, or too large for a float."""
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        return math.nan
    try:
        return float(value)
    except OverflowError:
        return math.nan


def check_int(name: str, value, low: int, high: int | None = None, why: str = "") -> int:
    """`value` as an int in low..high (bool, float and str rejected), or InvalidOptionError."""
    if not _is_int(value) or value < low or (high is not None and value > high):
        accepted = f"in {low}..{high}" if high is not None else f">= {low}"
        reason = f" ({why})" if why else ""
        raise InvalidOptionError(f"{name} must be an integer {accepted}{reason}, got {value!r}")
    return int(value)


def check_number(name: str, value, low: float, high: float | None = None, *, low_open: bool = False) -> float:
    """`value` as a finite float in [low, high] (or (low, high] with low_open), or InvalidOptionError."""
    number = _as_float(value)
    above = number > low if low_open else number >= low
    if not (math.isfinite(number) and above and (high is None or number <= high)):
        if high is not None and not low_open:
            accepted = f"a number in {low:g}..{high:g}"
        else:
            accepted = f"a finite number {'>' if low_open else '>='} {low:g}" + (f" and <= {high:g}" if high is not None else "")
        raise InvalidOptionError(f"{name} must be {accepted}, got {value!r}")
    return number


def check_bool(name: str, value) -> bool:
    """True or False only: a string like "no" would otherwise count as True."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidOptionError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_threads(threads) -> int | None:
    """None (the runtime's default) or 1..max_threads()."""
    if threads is None:
        return None
    return check_int("threads", threads, 1, max_threads(), "one per CPU of this computer at most")
