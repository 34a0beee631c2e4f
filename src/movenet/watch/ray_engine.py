"""`movenet watch --engine ray`: one Ray actor per camera, on the nodes of a Ray cluster (or a
local Ray started here), restarted by Ray when it dies (`max_restarts=-1`: its process killed,
its node lost); the actor starts its camera again in its constructor, so a restart needs nothing
from here. The driver (this process) collects each actor's messages (`drain`, every `POLL_S`)
and handles them as for local cameras: the same store, merging, broker. Evidence files are
written by the actors: `evidence_dir` must be the same path on every node (a shared folder), and
so must the database be reachable from the driver (it is the only writer).
"""

from __future__ import annotations

import logging
import os
import threading
import time

from movenet.errors import InvalidOptionError

log = logging.getLogger("movenet.watch")
POLL_S = 0.1  # how often messages are collected: adds at most this to an alert's delay
HEALTH_TIMEOUT_S = 10.0


class _CameraActor:
    """Runs in the actor's process: a CameraWorker and the messages it emits."""

    def __init__(self, camera, options: dict, evidence_dir: str) -> None:
        from movenet.watch.camera import CameraWorker

        self._messages: list[dict] = []
        self._lock = threading.Lock()
        self.worker = CameraWorker(camera, self._emit, evidence_dir=evidence_dir, **options).start()
        self.started = time.time()

    def _emit(self, message: dict) -> None:
        with self._lock:
            self._messages.append(message)

    def drain(self) -> list[dict]:
        with self._lock:
            messages, self._messages = self._messages, []
        return messages

    def health(self) -> dict:
        return {**self.worker.health(), "pid": os.getpid(), "started": self.started}

    def pid(self) -> int:
        return os.getpid()

    def stop(self) -> list[dict]:
        self.worker.stop()
        self.worker.join()
        return self.drain()


class RayEngine:
    def __init__(self, config, evidence_dir, emit, *, address: str | None = None) -> None:
        try:
            import ray
        except ImportError as exc:
            raise InvalidOptionError("--engine ray needs Ray: pip install 'movenet[ray]'") from exc
        self.ray = ray
        self.config, self.evidence_dir, self.emit = config, str(evidence_dir), emit
        self._started_ray = not ray.is_initialized()
        if self._started_ray:
            local = {} if address else {"num_cpus": max(len(config.cameras), os.cpu_count() or 1)}
            ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False, **local)
        self._actor_class = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=0, max_concurrency=4)(_CameraActor)
        self.actors: dict = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._collect, name="movenet-ray-collect", daemon=True)
        self._health: dict[str, dict] = {}
        self.restarts: dict[str, int] = {}

    def start(self) -> None:
        c = self.config
        options = {"threads": c.threads, "keypoints_only": c.keypoints_only, "clip_before_s": c.clip_before_s,
                   "clip_after_s": c.clip_after_s}
        for camera in c.cameras:
            self.actors[camera.name] = self._actor_class.options(name=None).remote(camera, options, self.evidence_dir)
            self.restarts[camera.name] = 0
        self._thread.start()

    def _collect(self) -> None:
        while not self._stop.is_set():
            refs = {self.actors[name].drain.remote(): name for name in self.actors}
            for ref, name in refs.items():
                try:
                    messages = self.ray.get(ref, timeout=HEALTH_TIMEOUT_S)
                except Exception as exc:  # noqa: BLE001 - the actor is restarting: its camera comes back
                    log.warning("camera %s: its actor is away (%s); Ray restarts it", name, type(exc).__name__)
                    continue
                for message in messages:
                    try:
                        self.emit(message)
                    except Exception as exc:  # noqa: BLE001
                        log.error("camera %s: %s", name, exc)
            self._stop.wait(POLL_S)

    def health(self) -> dict[str, dict]:
        out = {}
        refs = {name: actor.health.remote() for name, actor in self.actors.items()}
        for name, ref in refs.items():
            try:
                sample = self.ray.get(ref, timeout=HEALTH_TIMEOUT_S)
            except Exception as exc:  # noqa: BLE001
                previous = self._health.get(name, {})
                sample = {**_EMPTY, **{k: v for k, v in previous.items() if k in _EMPTY}, "state": "restarting",
                          "connected": False, "last_error": f"actor unavailable ({type(exc).__name__})",
                          "url": previous.get("url", "")}
            else:
                previous = self._health.get(name)
                if previous is not None and previous.get("pid") not in (None, sample["pid"]):
                    self.restarts[name] += 1
                    log.warning("camera %s: its actor was restarted by Ray (restart %d)", name, self.restarts[name])
                self._health[name] = sample
            out[name] = {k: v for k, v in sample.items() if k in _EMPTY}
        return out

    def restart_failed(self, after_s: float) -> None:
        """Ray restarts dead actors itself."""

    def stop(self) -> None:
        refs = {name: actor.stop.remote() for name, actor in self.actors.items()}
        self._stop.set()
        self._thread.join()
        for name, ref in refs.items():
            try:
                for message in self.ray.get(ref, timeout=60):
                    self.emit(message)
            except Exception as exc:  # noqa: BLE001
                log.error("camera %s: stopping its actor: %s", name, exc)
        for actor in self.actors.values():
            self.ray.kill(actor)
        if self._started_ray:
            self.ray.shutdown()


_EMPTY = {"state": "connecting", "connected": False, "fps": 0.0, "analysed_fps": 0.0, "frames": 0, "dropped": 0,
          "reconnects": 0, "cpu_percent": 0.0, "last_frame_age_s": None, "last_error": None, "url": ""}
