"""Where the cameras run: threads in this process (`local`), or one Ray actor per camera (`ray`,
`movenet.watch.ray_engine`). Both give `start()`, `health()`, `restart_failed()`, `stop()`."""

from __future__ import annotations

import logging
import time

from movenet.errors import InvalidOptionError
from movenet.watch.camera import CameraWorker

log = logging.getLogger("movenet.watch")


class LocalEngine:
    def __init__(self, config, evidence_dir, emit, detector_factory=None) -> None:
        self.config, self.evidence_dir, self.emit = config, evidence_dir, emit
        self.detector_factory = detector_factory
        self.workers: dict[str, CameraWorker] = {}
        self._failed_at: dict[str, float] = {}

    def _worker(self, camera) -> CameraWorker:
        c = self.config
        detector = self.detector_factory(camera) if self.detector_factory else None
        return CameraWorker(camera, self.emit, evidence_dir=self.evidence_dir, threads=c.threads,
                            keypoints_only=c.keypoints_only, clip_before_s=c.clip_before_s,
                            clip_after_s=c.clip_after_s, detector=detector)

    def start(self) -> None:
        for camera in self.config.cameras:
            self.workers[camera.name] = self._worker(camera).start()

    def health(self) -> dict[str, dict]:
        return {name: worker.health() for name, worker in self.workers.items()}

    def restart_failed(self, after_s: float) -> None:
        for camera in self.config.cameras:
            worker = self.workers[camera.name]
            if worker.alive or worker.error is None:
                continue
            failed = self._failed_at.setdefault(camera.name, time.monotonic())
            if time.monotonic() - failed >= after_s:
                log.warning("camera %s: starting again after: %s", camera.name, worker.error)
                worker.stop()
                worker.join(5)
                self.workers[camera.name] = self._worker(camera).start()
                del self._failed_at[camera.name]

    def stop(self) -> None:
        for worker in self.workers.values():
            worker.stop()
        for worker in self.workers.values():
            worker.join()


def engine_for(name: str, config, evidence_dir, emit, *, address=None, detector_factory=None):
    if name == "local":
        return LocalEngine(config, evidence_dir, emit, detector_factory)
    if name == "ray":
        from movenet.watch.ray_engine import RayEngine

        return RayEngine(config, evidence_dir, emit, address=address)
    raise InvalidOptionError(f"unknown engine {name!r}; engines: local, ray")
