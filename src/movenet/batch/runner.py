"""`run_batch`: every input through one task, resumable, with a manifest and a summary.

Order of events for one input: the worker writes its outputs to temporary files and renames them
(atomic), then the coordinator appends the manifest line. Killed between the two, the input is
simply done again by the next run (the outputs are the same: tasks are pure functions).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from movenet.batch.atomic import clear_temporaries, temp_path, write_atomic
from movenet.batch.engines import engine_class
from movenet.batch.manifest import MANIFEST, Manifest, Record, fingerprint
from movenet.batch.options import BatchOptions
from movenet.batch.plan import Item, plan_items
from movenet.batch.tasks import TaskSpec, get_task
from movenet.batch.worker import Job
from movenet.errors import InvalidOptionError
from movenet.limits import check_int, cpu_count

MAX_RAY_WORKERS = 4096  # tasks in flight on a cluster (x2); bounds the coordinator's bookkeeping
SUMMARY = "summary.json"


@dataclass(frozen=True)
class BatchSummary:
    out_dir: str
    task: str
    total: int  # inputs found (plus arguments that gave none)
    ok: int  # done in this run
    failed: int
    skipped: int  # done (or failed) in an earlier run
    failed_earlier: int  # of the skipped: failed in an earlier run, not retried
    frames: int
    seconds: float
    interrupted: bool
    failures: list[tuple[str, str]] = field(default_factory=list)  # (input, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def default_workers() -> int:
    """One single-threaded worker per CPU (docs/results/speed.md, movenet batch: measured against one process
    with 2 threads)."""
    return cpu_count()


class _Lock:
    """One run at a time per output folder."""

    def __init__(self, out_dir: Path) -> None:
        self._file = open(out_dir / ".lock", "w")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self._file.close()
            raise InvalidOptionError(f"{out_dir}: another movenet batch is writing to this folder") from exc

    def release(self) -> None:
        self._file.close()


def _check(task: TaskSpec, options: BatchOptions, engine: str, workers: int | None) -> int:
    import movenet

    movenet.create_detector(options.model, **options.detector_kwargs(task.video))  # every option, once, here
    if workers is None:
        return default_workers()
    if engine == "ray":
        return check_int("workers", workers, 1, MAX_RAY_WORKERS)
    return check_int("workers", workers, 1, cpu_count(), "one single-threaded worker per CPU at most")


def _bars(show: bool | None, total: int, frames_total: int | None, video: bool):
    from tqdm import tqdm

    disable = None if show is None else not show
    inputs = tqdm(total=total, unit="input", desc="inputs", file=sys.stderr, disable=disable, dynamic_ncols=True, position=0)
    frames = None
    if video:
        frames = tqdm(total=frames_total, unit="frame", desc="frames", file=sys.stderr, disable=disable, dynamic_ncols=True, position=1)
    return inputs, frames


def _frame_total(items: list[Item]) -> int | None:
    """Frames the videos announce, for the ETA (unreadable videos count 0: they fail at once)."""
    import cv2

    from movenet.io.video import open_capture

    total = 0
    for item in items:
        capture = open_capture(item.source)
        total += max(0, int(capture.get(cv2.CAP_PROP_FRAME_COUNT))) if capture.isOpened() else 0
        capture.release()
    return total or None


def run_batch(
    inputs: list[str],
    out_dir: str | Path,
    task: str = "predict",
    options: BatchOptions | None = None,
    *,
    engine: str = "local",
    workers: int | None = None,
    ray_address: str | None = None,
    retry_failed: bool = False,
    recursive: bool = False,
    progress: bool | None = None,
) -> BatchSummary:
    """Run `task` on every input into `out_dir`; inputs done in an earlier run are skipped.

    progress: None shows bars on a terminal only. Ctrl-C stops the run cleanly: the summary says
    `interrupted`, and running the same call again resumes."""
    spec = get_task(task)
    options = options if options is not None else BatchOptions()
    spec.check(options)
    engine_type = engine_class(engine)
    workers = _check(spec, options, engine, workers)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InvalidOptionError(f"--out {out}: is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    lock = _Lock(out)
    try:
        return _run(inputs, out, spec, options, engine_type, workers, ray_address, retry_failed, recursive, progress)
    finally:
        lock.release()


@contextlib.contextmanager
def _interrupt_after():
    """Ctrl-C (SIGINT) arriving inside the block is delivered when it ends: a finished input's
    manifest line and the run's counts are written together or not at all."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # A handler that only notes it, not a blocked signal: the process-wide SIGINT may be received by
    # another thread (the pool's, tqdm's), whose handler Python then runs in the main thread at
    # once, mask or not (the manifest line then lacked its count, now and then).
    pending: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pending.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pending:
            if callable(previous):
                previous(signal.SIGINT, None)  # default_int_handler: KeyboardInterrupt, here
            elif previous == signal.SIG_DFL:
                raise KeyboardInterrupt


def _run(inputs, out, spec, options, engine_type, workers, ray_address, retry_failed, recursive, progress) -> BatchSummary:
    started = time.perf_counter()
    run_id = time.strftime("%Y-%m-%dT%H:%M:%S")
    clear_temporaries(out)
    manifest = Manifest(out)
    key = options.key(spec.name)
    previous = {source: record.name for source, record in manifest.latest.items()}
    items, errors = plan_items(inputs, spec.suffixes, recursive, "video" if spec.video else "image", previous)
    suffixes = spec.output_suffixes(options)
    failures = [(message.split(": ")[0], message) for message in errors]
    warnings: list[tuple[str, str]] = []
    todo, skipped, failed_earlier = [], 0, 0
    for item in items:
        size, mtime = fingerprint(item.source)
        earlier = manifest.latest.get(str(item.source))
        same_input = earlier is not None and earlier.options == key and (earlier.size, earlier.mtime_ns) == (size, mtime)
        if manifest.is_done(item.source, key, out):
            reason = "done in an earlier run (same size, modification time and options)"
        elif same_input and earlier.status == "failed" and not retry_failed:
            reason = f"failed in an earlier run ({earlier.reason}); --retry-failed tries again"
            failed_earlier += 1
        else:
            todo.append(item)
            continue
        skipped += 1
        manifest.append(Record(str(item.source), "skipped", reason, earlier.outputs, item.name, size, mtime, key, run=run_id))

    def jobs() -> Iterator[Job]:
        for item in todo:
            finals = {kind: str(out / f"{item.name}{suffix}") for kind, suffix in suffixes.items()}
            temps = {kind: str(temp_path(out, suffix)) for kind, suffix in suffixes.items()}
            yield Job(str(item.source), spec.name, options, temps, finals)

    names = {str(item.source): item for item in todo}
    show = progress if progress is not None else (None if sys.stderr.isatty() else False)
    frames_total = _frame_total(todo) if spec.video and show is not False and todo else None
    bar, frame_bar = _bars(show, len(todo), frames_total, spec.video)
    engine = None
    ok = failed = frames = 0
    interrupted = False
    try:
        if todo:
            engine = engine_type(workers, frame_bar.update if frame_bar is not None else None, ray_address)
            for result in engine.run(jobs()):
                with _interrupt_after():  # the manifest line and the counts stay in step
                    item = names[result.input]
                    size, mtime = fingerprint(item.source)
                    outputs = {kind: f"{item.name}{suffix}" for kind, suffix in suffixes.items()} if result.ok else {}
                    status = "ok" if result.ok else "failed"
                    manifest.append(Record(result.input, status, result.reason, outputs, item.name, size, mtime, key,
                                           result.frames, round(result.seconds, 3), result.warning, run_id))
                    if result.ok:
                        ok += 1
                        frames += result.frames
                        if result.warning:
                            warnings.append((result.input, result.warning))
                            bar.write(f"warning: {result.input}: {result.warning}", file=sys.stderr)
                    else:
                        failed += 1
                        failures.append((result.input, result.reason))
                        bar.write(f"failed: {result.reason}", file=sys.stderr)
                    if frame_bar is not None and not engine.reports_frames:
                        frame_bar.update(result.frames)
                    bar.update(1)
    except KeyboardInterrupt:
        interrupted = True
        if engine is not None:
            engine.stop()
    finally:
        if engine is not None:
            engine.close()
        bar.close()
        if frame_bar is not None:
            frame_bar.close()
        manifest.close()
        clear_temporaries(out)
    summary = BatchSummary(str(out), spec.name, len(items) + len(errors), ok, failed + len(errors), skipped, failed_earlier, frames,
                           round(time.perf_counter() - started, 3), interrupted, failures, warnings)
    write_atomic(out / SUMMARY, json.dumps(summary.to_dict(), indent=2) + "\n")
    return summary


__all__ = ["MANIFEST", "SUMMARY", "BatchSummary", "default_workers", "run_batch"]
