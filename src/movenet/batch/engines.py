"""Where the jobs run, chosen by name from one table: a local process pool, or a Ray cluster.

Both run the same `worker.execute(job)` and keep at most `2 x workers` jobs in flight, so that an
interruption stops quickly and a worker that dies (a crash, the OOM killer) costs only the jobs it
may have held: they are reported failed with that reason and the run goes on with a new worker.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from movenet.batch.worker import Job, JobResult, execute, init_worker
from movenet.errors import InvalidOptionError
from movenet.extras import install_hint

IN_FLIGHT_PER_WORKER = 2
DIED = "the worker process died while this input was in flight (crash or out of memory); --retry-failed tries again"


class LocalEngine:
    """A pool of `workers` processes (spawned: no state inherited), each with its own runtime."""

    name = "local"
    reports_frames = True  # workers send frame counts while a video runs

    def __init__(self, workers: int, on_frames: Callable[[int], None] | None = None, address: str | None = None) -> None:
        self.workers = workers
        self._context = multiprocessing.get_context("spawn")
        self._queue = self._context.Queue()
        self._on_frames = on_frames
        self._pool: ProcessPoolExecutor | None = None
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._read_progress, daemon=True)
        self._reader.start()

    def _read_progress(self) -> None:
        while not self._stop.is_set():
            try:
                frames = self._queue.get(timeout=0.2)
            except (queue.Empty, OSError, ValueError):  # nothing yet, or the queue closed at shutdown
                frames = 0
            if frames and self._on_frames is not None:
                self._on_frames(frames)

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=self._context, initializer=init_worker, initargs=(self._queue,))

    def run(self, jobs: Iterable[Job]) -> Iterator[JobResult]:
        pending = iter(jobs)
        self._pool = self._new_pool()
        in_flight: dict = {}
        while True:
            while len(in_flight) < IN_FLIGHT_PER_WORKER * self.workers:
                job = next(pending, None)
                if job is None:
                    break
                in_flight[self._pool.submit(execute, job)] = job
            if not in_flight:
                return
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                job = in_flight.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken = True
                    yield JobResult(job.input, False, DIED)
            if broken:  # every job still in flight went down with the pool
                for job in in_flight.values():
                    yield JobResult(job.input, False, DIED)
                in_flight.clear()
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()

    def stop(self) -> None:
        """Kill the workers now (Ctrl-C): their unfinished outputs stay temporary files."""
        if self._pool is not None:
            processes = list((getattr(self._pool, "_processes", None) or {}).values())  # no public API
            for process in processes:
                process.kill()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self._stop.set()
        self._reader.join()
        self._queue.close()


class RayEngine:
    """The same jobs as Ray tasks (the `ray` extra): on the cluster at `address`
    ("auto", "ray://head:10001"), or on a local Ray started here when there is none. Inputs and
    the output folder must be at the same path on every node (a shared folder)."""

    name = "ray"
    reports_frames = False  # frames are counted when a video is done

    def __init__(self, workers: int, on_frames: Callable[[int], None] | None = None, address: str | None = None) -> None:
        try:
            import ray
        except ImportError as exc:
            raise InvalidOptionError(f"--engine ray needs Ray: {install_hint('ray')}") from exc
        self._ray = ray
        self.workers = workers
        self._started = not ray.is_initialized()
        if self._started:
            local = {} if address else {"num_cpus": workers}
            ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False, **local)
        self._remote = ray.remote(num_cpus=1, max_retries=0)(execute)
        self._in_flight: dict = {}

    def run(self, jobs: Iterable[Job]) -> Iterator[JobResult]:
        ray = self._ray
        pending = iter(jobs)
        while True:
            while len(self._in_flight) < IN_FLIGHT_PER_WORKER * self.workers:
                job = next(pending, None)
                if job is None:
                    break
                self._in_flight[self._remote.remote(job)] = job
            if not self._in_flight:
                return
            done, _ = ray.wait(list(self._in_flight), num_returns=1)
            for ref in done:
                job = self._in_flight.pop(ref)
                try:
                    yield ray.get(ref)
                except ray.exceptions.RayError as exc:  # the worker died, or the node
                    yield JobResult(job.input, False, f"{DIED} ({type(exc).__name__})")

    def stop(self) -> None:
        for ref in list(self._in_flight):
            self._ray.cancel(ref, force=True)
        self._in_flight.clear()

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()


ENGINES = {"local": LocalEngine, "ray": RayEngine}


def engine_class(name: str):
    if name not in ENGINES:
        raise InvalidOptionError(f"unknown engine {name!r}; engines: {', '.join(ENGINES)}")
    return ENGINES[name]
