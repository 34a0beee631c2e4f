"""Uploaded videos processed on the server: progress, the annotated video and the JSON lines, and
on request the exercise report and the fall events (`job_analysis`).

Each job lives in a private temporary folder (`tempfile.mkdtemp`: mode 0700) holding the upload,
`annotated.mp4`, `poses.jsonl` and the reports asked for (`exercise.json`, `falls.jsonl`); the folder is deleted when the page deletes the job (it does
after the downloads, or when it is closed), `ttl_s` after the job ends in any case, and when the
server stops. Nothing else is written anywhere. The frames go through the package's overlapped
video pipeline (`stream_poses` | `OrderedSink`), as in `movenet track`.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from movenet.errors import MovenetError
from movenet.serve.inference import Engine, Settings
from movenet.serve.job_analysis import (
    EXERCISE_REPORT,
    FALL_EVENTS,
    JobAnalyser,
    JobAnalysis,
)

ANNOTATED = "annotated.mp4"
POSES = "poses.jsonl"
# Frames larger than 4K UHD are refused: the pipeline's queues hold a few decoded frames each.
MAX_VIDEO_PIXELS = 3840 * 2160
DRAW_THRESHOLD = 0.3  # as `movenet track --threshold`
# The files a job may offer, by download key: (file name, media type).
DOWNLOADS = {"video": (ANNOTATED, "video/mp4"), "poses": (POSES, "application/x-ndjson"),
             "exercise": (EXERCISE_REPORT, "application/json"), "falls": (FALL_EVENTS, "application/x-ndjson")}


@dataclass
class VideoJob:
    id: str
    folder: Path
    input: Path
    settings: Settings
    analysis: JobAnalysis = field(default_factory=JobAnalysis)
    state: str = "receiving"  # receiving -> running -> done | failed | cancelled
    frames: int = 0
    total: int | None = None
    fps: float | None = None
    error: str | None = None
    truncated: bool = False
    ended_at: float | None = None
    summary: dict = field(default_factory=dict)  # the analysis' figures (reps, fall events)
    cancel: threading.Event = field(default_factory=threading.Event)

    def status(self) -> dict:
        return {
            "id": self.id, "state": self.state, "frames": self.frames, "total": self.total, "fps": self.fps,
            "error": self.error, "truncated": self.truncated, "model": self.settings.model,
            "analysis": {"exercise": self.analysis.exercise, "falls": self.analysis.falls, **self.summary},
            "downloads": {key: f"/api/videos/{self.id}/{name}" for key, (name, _) in DOWNLOADS.items()
                          if name in self.files()} if self.state == "done" else None,
        }

    def files(self) -> list[str]:
        return [ANNOTATED, POSES, *self.analysis.files()]


class VideoJobs:
    """The jobs of one server: at most `max_jobs` unfinished at once, each deleted after `ttl_s`."""

    def __init__(self, engine: Engine, *, max_jobs: int, max_frames: int, ttl_s: float) -> None:
        self.engine = engine
        self.max_jobs = max_jobs
        self.max_frames = max_frames
        self.ttl_s = ttl_s
        self._jobs: dict[str, VideoJob] = {}
        self._lock = threading.Lock()

    def create(self, kind: str, settings: Settings, analysis: JobAnalysis | None = None) -> VideoJob | None:
        """A new job with its private folder, or None when `max_jobs` are still unfinished (busy)."""
        self.expire()
        with self._lock:
            if sum(j.ended_at is None for j in self._jobs.values()) >= self.max_jobs:
                return None
            folder = Path(tempfile.mkdtemp(prefix="movenet-serve-"))
            job = VideoJob(secrets.token_urlsafe(16), folder, folder / f"upload.{kind}", settings, analysis or JobAnalysis())
            self._jobs[job.id] = job
            return job

    def start(self, job: VideoJob) -> None:
        job.state = "running"
        threading.Thread(target=self._run, args=(job,), name=f"movenet-video-{job.id[:6]}", daemon=True).start()

    def get(self, job_id: str) -> VideoJob | None:
        self.expire()
        return self._jobs.get(job_id)

    def delete(self, job_id: str) -> bool:
        with self._lock:
            job = self._jobs.pop(job_id, None)
        if job is None:
            return False
        job.cancel.set()
        if job.ended_at is not None or job.state == "receiving":
            shutil.rmtree(job.folder, ignore_errors=True)
        # a running job deletes its own folder when it stops (see _run)
        return True

    def expire(self) -> None:
        now = time.monotonic()
        for job_id in [j.id for j in list(self._jobs.values()) if j.ended_at is not None and now - j.ended_at > self.ttl_s]:
            self.delete(job_id)

    def close(self) -> None:
        for job_id in list(self._jobs):
            self.delete(job_id)

    def _run(self, job: VideoJob) -> None:
        try:
            self._process(job)
            job.state = "cancelled" if job.cancel.is_set() else "done"
        except MovenetError as exc:
            job.state, job.error = "failed", str(exc)
        except Exception as exc:  # noqa: BLE001 - reported to the page, never a traceback
            job.state, job.error = "failed", f"processing failed ({type(exc).__name__}: {exc})"
        finally:
            job.ended_at = time.monotonic()
            with contextlib.suppress(OSError):
                job.input.unlink()  # the upload is not needed any more
            if job.id not in self._jobs:  # deleted while running
                shutil.rmtree(job.folder, ignore_errors=True)
            else:  # deleted after ttl_s even if nobody asks again
                timer = threading.Timer(self.ttl_s, self.delete, args=(job.id,))
                timer.daemon = True
                timer.start()

    def _process(self, job: VideoJob) -> None:
        from movenet.errors import InvalidInputError
        from movenet.io.video import VideoSource, VideoWriter
        from movenet.pipelines.video import OrderedSink, stream_poses

        detector = self.engine.detector(job.settings)  # its own state, the shared model
        analyser = JobAnalyser(job.analysis, job.folder, DRAW_THRESHOLD)
        with VideoSource(job.input) as source, VideoWriter(job.folder / ANNOTATED, source.fps) as writer, \
                open(job.folder / POSES, "w") as jsonl, contextlib.closing(analyser):
            job.fps = source.fps
            job.total = min(source.frame_count, self.max_frames) if source.frame_count else None

            def consume(fp) -> None:  # in frame order (OrderedSink): the analysis sees every frame in turn
                writer.write(analyser.render(fp.frame.image, fp.poses, analyser.analyse(fp)))
                line = {"frame": fp.frame.index, "timestamp_ms": fp.frame.timestamp_ms,
                        "poses": [p.to_dict() for p in fp.poses]}
                jsonl.write(json.dumps(line) + "\n")

            stream = stream_poses(detector, source, max_frames=self.max_frames)
            with contextlib.closing(stream), OrderedSink(consume) as sink:
                for fp in stream:
                    height, width = fp.frame.image.shape[:2]
                    if width * height > MAX_VIDEO_PIXELS:
                        raise InvalidInputError(f"video frames of {width}x{height} are over the limit of {MAX_VIDEO_PIXELS} pixels (4K)")
                    if job.cancel.is_set():
                        return
                    sink.submit(fp)
                    job.frames += 1
            if job.frames == 0:
                raise InvalidInputError("the video has no readable frames")
            job.summary = analyser.finish()
            job.truncated = job.frames >= self.max_frames and (source.frame_count or 0) > self.max_frames
