"""What runs in a worker process (local pool or Ray): one job = one input through one task.

Each worker keeps one runtime per detector configuration (single-threaded by default) and builds
a fresh detector around it for every input, so that no state (crops, filters, track ids) passes
from one input to the next: the outputs depend on the input and options only, whatever the order,
the worker or the engine.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from movenet.batch.atomic import commit
from movenet.batch.options import BatchOptions
from movenet.batch.tasks import TASKS
from movenet.errors import MovenetError

PROGRESS_EVERY = 10  # frames between progress messages to the coordinator

_DETECTORS: dict = {}
_PROGRESS = None  # a multiprocessing queue of frame counts (local engine), or None


@dataclass(frozen=True)
class Job:
    input: str
    task: str
    options: BatchOptions
    temps: dict[str, str] = field(default_factory=dict)  # output kind -> temporary path
    finals: dict[str, str] = field(default_factory=dict)  # output kind -> final path


@dataclass(frozen=True)
class JobResult:
    input: str
    ok: bool
    reason: str | None = None
    frames: int = 0
    seconds: float = 0.0
    warning: str | None = None


def init_worker(progress_queue=None) -> None:
    """Local pool workers: Ctrl-C is the coordinator's to handle; die with the coordinator."""
    global _PROGRESS
    _PROGRESS = progress_queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:  # Linux: SIGKILL this worker when its parent dies, even by SIGKILL
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - other systems
        pass


def fresh_detector(options: BatchOptions, video: bool):
    """A detector with no state, around this process's cached runtime for these options."""
    import movenet
    from movenet.api import Detector

    kwargs = options.detector_kwargs(video)
    key = (options.model, video, tuple(sorted(kwargs.items())))
    if key not in _DETECTORS:
        _DETECTORS[key] = movenet.create_detector(options.model, **kwargs)
    template = _DETECTORS[key]
    return Detector(template.spec, template.options, template.runtime)


class _Progress:
    def __init__(self) -> None:
        self.pending = 0

    def __call__(self, frames: int) -> None:
        self.pending += frames
        if self.pending >= PROGRESS_EVERY:
            self.flush()

    def flush(self) -> None:
        if _PROGRESS is not None and self.pending:
            _PROGRESS.put(self.pending)
        self.pending = 0


def execute(job: Job) -> JobResult:
    """Run one job; never raises: a failure is a result with its reason."""
    started = time.perf_counter()
    temps = {kind: Path(p) for kind, p in job.temps.items()}
    progress = _Progress()
    try:
        spec = TASKS[job.task]
        detector = fresh_detector(job.options, spec.video)
        for temp in temps.values():
            temp.parent.mkdir(parents=True, exist_ok=True)
        result = spec.run(Path(job.input), temps, job.options, detector, progress)
        commit(temps, {kind: Path(p) for kind, p in job.finals.items()})
        return JobResult(job.input, True, None, result.frames, time.perf_counter() - started, result.warning)
    except MovenetError as exc:
        reason = str(exc)
    except OSError as exc:
        reason = f"{exc.filename or job.input}: {exc.strerror or exc}"
    except Exception as exc:  # noqa: BLE001 - one bad input must not stop the others
        reason = f"unexpected {type(exc).__name__}: {exc}"
    finally:
        progress.flush()
        for temp in temps.values():
            if temp.exists():
                os.unlink(temp)
    return JobResult(job.input, False, reason, 0, time.perf_counter() - started)
