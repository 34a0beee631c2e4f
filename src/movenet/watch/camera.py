"""One camera of the watcher: its stream read in a thread (only the newest frame is kept: when
analysis falls behind, older frames are dropped and counted), and the analysis in another (pose
detector -> FallDetector -> zones -> evidence). Messages go out through `emit(dict)`:

- `{"type": "event", "key", "camera", "room", "kind", "track_id", "confirmed_at", "started_at",
  "stream_ms", "confidence", "method", "reason", "snapshot": path | None, "zone": None}`;
- `{"type": "evidence", "key", "files": [[kind, path, media type], ...]}` once the clip is written;
- `{"type": "state", "camera", "down", "people", "connected"}` when it changes.

The same class runs in the watcher's process (threads) or in a Ray actor (`movenet.watch.ray_engine`).
The FallDetector is used only through its public API (settings, `update`, `reset`, `states`).
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

import numpy as np

from movenet.watch.config import CameraConfig
from movenet.watch.cpu import CpuMeter
from movenet.watch.zones import body_point, zone_of

log = logging.getLogger("movenet.watch")
SNAPSHOT_QUALITY = 85
BLANK = (24, 24, 24)


# Frames waiting for analysis: a camera over TCP often delivers two frames back to back, so a
# one-frame slot dropped frames the analysis had time for; 3 frames (200 ms at 15 fps) absorb that
# jitter and still keep the analysis within a fraction of a second of the camera.
MAX_WAITING = 3
# Frames waiting for the evidence thread: 2 s at 15 fps (a clip being written takes a few hundred
# ms); beyond it the clip misses frames rather than the analysis waiting (27 MB at 640x480 at most).
EVIDENCE_QUEUE = 30
# lightning and thunder (the watcher's models) are single-pose: keep every pose for fall detection.
FALLS_MIN_POSE_SCORE = 0.0
# People whose last position is kept for the zones (more: those not in the frame are forgotten).
MAX_TRACKED_POINTS = 64
# Evidence threads run at a lower priority (nice +10, Linux: per thread) than reading and analysis.
EVIDENCE_NICE = 10


def _lower_priority() -> None:
    import os

    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), EVIDENCE_NICE)
    except (AttributeError, OSError):  # not Linux, or not allowed: same priority
        pass


class _Latest:
    """The newest `MAX_WAITING` frames: the reader adds, the analyser takes the oldest; a frame
    pushed out when the analysis is behind is dropped (stale) and counted."""

    def __init__(self, size: int = MAX_WAITING) -> None:
        self._cond = threading.Condition()
        self._items: deque = deque()
        self.size = size
        self.dropped = 0
        self.ended = False

    def put(self, item) -> None:
        with self._cond:
            if len(self._items) >= self.size:
                self._items.popleft()
                self.dropped += 1
            self._items.append(item)
            self._cond.notify()

    def end(self) -> None:
        with self._cond:
            self.ended = True
            self._cond.notify()

    def take(self, timeout: float):
        with self._cond:
            if not self._items and not self.ended:
                self._cond.wait(timeout)
            return self._items.popleft() if self._items else None


def open_camera(config: CameraConfig, stop_reconnecting: bool = False):
    """A frame source for the camera's url: a NetworkStream (retries from the first connection
    on), or a VideoSource for a file, folder or webcam index."""
    from movenet.io.streams import NetworkStream, StreamOptions, is_stream_url
    from movenet.io.video import VideoSource

    if is_stream_url(config.url):
        options = StreamOptions(transport=config.transport, connect_timeout_s=config.connect_timeout_s,
                                read_timeout_s=config.read_timeout_s, retry_first=True,
                                reconnect=not stop_reconnecting)
        return NetworkStream(config.url, options, on_log=lambda line: log.warning("camera %s: %s", config.name, line),
                             connect=False)
    return VideoSource(config.url)


class CameraWorker:
    def __init__(self, config: CameraConfig, emit: Callable[[dict], None], *, evidence_dir: str | Path,
                 threads: int = 1, keypoints_only: bool = False, clip_before_s: float = 5.0,
                 clip_after_s: float = 5.0, threshold: float = 0.3, detector=None) -> None:
        self.config = config
        self.emit = emit
        # One folder per run: the recorder names files by stream time, which starts again at 0.
        self.evidence_dir = Path(evidence_dir) / config.name / time.strftime("%Y%m%d-%H%M%S")
        self.threads = threads
        self.keypoints_only = keypoints_only
        self.clip_before_s, self.clip_after_s = clip_before_s, clip_after_s
        self.threshold = threshold
        self._detector = detector
        self._slot = _Latest()
        self._stop = threading.Event()
        self.cpu = CpuMeter()
        self.analysed = 0
        self._analysed_times: list[float] = []
        self.source = None
        self._reader: threading.Thread | None = None
        self._analyser: threading.Thread | None = None
        self.error: str | None = None
        self._state = {"down": False, "people": 0}
        self._suppressed: set = set()
        self._last_point: dict = {}
        self._pending_clips: list[tuple[str, str]] = []  # (stem prefix, event key)
        self._written = 0
        self._files: queue.Queue = queue.Queue()
        self._evidence_thread: threading.Thread | None = None
        self._recorder: threading.Thread | None = None
        self._evidence_queue: queue.Queue = queue.Queue(maxsize=EVIDENCE_QUEUE)
        self.evidence_dropped = 0

    # -- threads -------------------------------------------------------------------------------
    def start(self) -> CameraWorker:
        self.evidence_dir.mkdir(parents=True, exist_ok=True)
        self.source = open_camera(self.config)
        self._reader = threading.Thread(target=self._read, name=f"movenet-read-{self.config.name}", daemon=True)
        self._analyser = threading.Thread(target=self._analyse_loop, name=f"movenet-analyse-{self.config.name}", daemon=True)
        self._evidence_thread = threading.Thread(target=self._post_process, name=f"movenet-clips-{self.config.name}",
                                                 daemon=True)
        self._recorder = threading.Thread(target=self._record, name=f"movenet-evidence-{self.config.name}", daemon=True)
        self._reader.start()
        self._analyser.start()
        self._evidence_thread.start()
        return self

    def _read(self) -> None:
        self.cpu.add_current_thread()
        try:
            for frame in self.source:
                if self._stop.is_set():
                    break
                self._slot.put((frame, time.time()))
        except Exception as exc:  # noqa: BLE001 - reported in health and the log
            self.error = str(exc)
            log.error("camera %s: %s", self.config.name, exc)
        finally:
            self._slot.end()

    def _analyse_loop(self) -> None:
        self.cpu.add_current_thread()
        try:
            self._setup()
            min_gap = 1.0 / self.config.max_fps if self.config.max_fps else 0.0
            last = -math.inf
            while not self._stop.is_set():
                item = self._slot.take(0.5)
                if item is None:
                    if self._slot.ended:
                        break
                    continue
                frame, wall = item
                if frame.timestamp_ms / 1000.0 - last < min_gap:
                    self._slot.dropped += 1
                    continue
                last = frame.timestamp_ms / 1000.0
                self._analyse(frame, wall)
        except Exception as exc:  # noqa: BLE001
            self.error = str(exc)
            log.exception("camera %s: analysis stopped", self.config.name)
        finally:
            self._close_evidence()

    def _setup(self) -> None:
        import movenet
        from movenet.falls import FallDetector
        from movenet.falls.evidence import EvidenceRecorder

        if self._detector is None:
            # Every single-person pose is kept (min pose score 0), as `movenet falls` does: a person
            # lying on the floor often scores low, and the fall detector weighs keypoints itself
            # (docs/results/falls.md).
            self._detector = movenet.create_detector(self.config.model, threads=self.threads, spinning=False,
                                                     min_pose_score=FALLS_MIN_POSE_SCORE)
        self.falls = FallDetector("default", **self.config.falls)
        self.evidence = EvidenceRecorder(self.evidence_dir, None, self.clip_before_s, self.clip_after_s,
                                         pixels=not self.keypoints_only, threshold=self.threshold)
        self._recorder.start()

    # -- per frame -----------------------------------------------------------------------------
    def _analyse(self, frame, wall: float) -> None:
        poses = self._detector.estimate_poses(frame.image, frame.timestamp_ms)
        self.analysed += 1
        now = time.monotonic()
        self._analysed_times.append(now)
        if len(self._analysed_times) > 256:
            del self._analysed_times[:128]
        height, width = frame.image.shape[:2]
        if len(self._last_point) > MAX_TRACKED_POINTS:  # MultiPose ids keep growing: forget the absent ones
            present = {pose.id for pose in poses}
            self._last_point = {k: v for k, v in self._last_point.items() if k in present}
        for pose in poses:
            point = body_point(pose, width, height)
            if point is not None:
                self._last_point[pose.id] = point
        events = self.falls.update(poses, frame.timestamp_ms, frame_size=(width, height))
        try:
            self._evidence_queue.put_nowait(("frame", frame.image, poses, frame.timestamp_ms))
        except queue.Full:
            self.evidence_dropped += 1  # the clip misses a frame; the alert never waits for evidence
        for event in events:
            self._event(event, frame, poses, wall)
        self._publish_state(poses)

    def _event(self, event, frame, poses, wall: float) -> None:
        track = event.track_id
        zone = zone_of(self._last_point.get(track), self.config.zones)
        if event.event == "fall" and zone is not None:
            self._suppressed.add(track)
            log.warning("camera %s: a fall in zone %r (lying there is normal): no alarm", self.config.name, zone)
            return
        if track in self._suppressed:
            if event.event == "recovered":
                self._suppressed.discard(track)
            return
        confirmed_at = wall
        started_at = wall - max(0.0, (event.confirmed_ms - event.start_ms) / 1000.0)
        kind = event.event
        key = f"{self.config.name}/{kind}/{'-' if track is None else track}/{confirmed_at:.3f}"
        snapshot = self._snapshot(frame, poses, event, key)
        self._pending_clips.append((f"{round(event.confirmed_ms):09d}-{kind}", key))
        self.emit({"type": "event", "key": key, "camera": self.config.name, "room": self.config.room, "kind": kind,
                   "track_id": track, "confirmed_at": confirmed_at, "started_at": started_at,
                   "stream_ms": event.confirmed_ms, "confidence": event.confidence,
                   "method": getattr(event, "method", "default"), "reason": dict(event.reason or {}),
                   "snapshot": str(snapshot) if snapshot else None})
        self._evidence_queue.put(("event", event))  # after the alert: the clip is written later

    def _snapshot(self, frame, poses, event, key: str) -> Path | None:
        from PIL import Image

        from movenet.viz import draw_poses

        if self.keypoints_only:
            canvas = np.empty_like(frame.image)
            canvas[:] = BLANK
            image = draw_poses(canvas, poses, self.threshold)
        else:
            image = draw_poses(frame.image.copy(), poses, self.threshold)
        path = self.evidence_dir / f"{round(event.confirmed_ms):09d}-{event.event}-{'single' if event.track_id is None else event.track_id}-snapshot.jpg"
        try:
            Image.fromarray(np.ascontiguousarray(image)).save(path, quality=SNAPSHOT_QUALITY)
        except OSError as exc:
            log.error("camera %s: cannot write the snapshot %s (%s)", self.config.name, path, exc.strerror)
            return None
        return path

    def _record(self) -> None:
        """The evidence thread: the recorder's ring of frames and its clips (writing a clip takes
        a few hundred ms: never in the analysis thread, whose alerts must not wait)."""
        self.cpu.add_current_thread()
        _lower_priority()
        while True:
            item = self._evidence_queue.get()
            try:
                if item[0] == "frame":
                    self.evidence.add(item[1], item[2], item[3])
                elif item[0] == "event":
                    self.evidence.event(item[1])
                else:
                    self.evidence.close()
                self._check_clips()
            except Exception as exc:  # noqa: BLE001 - evidence lost, the events stay
                log.error("camera %s: evidence: %s", self.config.name, exc)
            if item[0] == "close":
                self._files.put(None)
                return

    def _check_clips(self) -> None:
        written = list(getattr(self.evidence, "written", []))
        if len(written) == self._written:
            return
        new, self._written = written[self._written:], len(written)
        self._files.put(new)  # re-encoding the clip for browsers: yet another thread

    def _post_process(self) -> None:
        self.cpu.add_current_thread()
        _lower_priority()
        while True:
            paths = self._files.get()
            if paths is None:
                return
            try:
                self._deliver_files(paths)
            except Exception as exc:  # noqa: BLE001 - evidence lost, the event stays
                log.error("camera %s: evidence: %s", self.config.name, exc)

    def _deliver_files(self, paths) -> None:
        from movenet.watch.evidence import browser_clip

        by_stem: dict[str, list[Path]] = {}
        for path in map(Path, paths):
            by_stem.setdefault(path.stem, []).append(path)
        for stem, files in by_stem.items():
            match = next((key for prefix, key in self._pending_clips if stem.startswith(prefix)), None)
            if match is None:
                continue
            self._pending_clips = [(p, k) for p, k in self._pending_clips if k != match]
            out = []
            for path in files:
                if path.suffix == ".mp4":
                    clip = path if self._stop.is_set() else browser_clip(path)  # stopping: no time to re-encode
                    out.append(["clip", str(clip), "video/webm" if clip.suffix == ".webm" else "video/mp4"])
                elif path.suffix == ".jsonl":
                    out.append(["keypoints", str(path), "application/x-ndjson"])
                elif path.suffix == ".jpg":
                    path.unlink(missing_ok=True)  # the snapshot taken at the event stands for it
            self.emit({"type": "evidence", "key": match, "files": out})

    def _close_evidence(self) -> None:
        if getattr(self, "evidence", None) is None:
            self._files.put(None)
            return
        self._evidence_queue.put(("close",))

    def _publish_state(self, poses) -> None:
        states = getattr(self.falls, "states", lambda: {})()
        down = any(getattr(s, "value", s) in ("down", "fallen") for s in states.values())
        state = {"down": down, "people": len(poses)}
        if state != self._state:
            self._state = state
            self.emit({"type": "state", "camera": self.config.name, **state, "connected": True})

    # -- health and stop -----------------------------------------------------------------------
    def health(self) -> dict:
        stream = getattr(self.source, "health", None)
        snapshot = stream.snapshot() if stream is not None else None
        now = time.monotonic()
        recent = [t for t in self._analysed_times if t >= now - 5.0]
        analysed_fps = (len(recent) - 1) / (recent[-1] - recent[0]) if len(recent) > 1 and recent[-1] > recent[0] else 0.0
        alive = self._analyser is not None and self._analyser.is_alive()
        state = snapshot.state if snapshot else ("connected" if alive else "ended")
        if self.error and not alive:
            state = "failed"
        stopped = self._stop.is_set()
        if stopped:
            state = "stopped"
        return {
            "state": state, "connected": bool(snapshot.connected if snapshot else alive) and not stopped,
            "fps": round(snapshot.fps if snapshot else analysed_fps, 2), "analysed_fps": round(analysed_fps, 2),
            "frames": snapshot.frames if snapshot else self.analysed, "dropped": self._slot.dropped,
            "reconnects": snapshot.reconnects if snapshot else 0, "cpu_percent": round(self.cpu.percent(), 1),
            "last_frame_age_s": snapshot.last_frame_age_s if snapshot else None,
            "last_error": (snapshot.last_error if snapshot else None) or self.error,
            "url": getattr(self.source, "safe_url", None) or _safe(self.config.url),
        }

    def stop(self) -> None:
        self._stop.set()
        stopper = getattr(self.source, "stop", None)
        if stopper is not None:
            stopper()

    def join(self, timeout: float = 30.0) -> None:
        for thread in (self._reader, self._analyser, self._recorder, self._evidence_thread):
            if thread is not None and thread.ident is not None:
                thread.join(timeout)
        if self.source is not None and not (self._reader and self._reader.is_alive()):
            self.source.close()

    @property
    def alive(self) -> bool:
        return self._analyser is not None and self._analyser.is_alive()


def _safe(url: str) -> str:
    from movenet.io.streams import redact_stream_url

    return redact_stream_url(url)
