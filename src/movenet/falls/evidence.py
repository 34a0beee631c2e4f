"""Evidence around an event, written only when asked: a short clip, a snapshot and the poses.

`EvidenceRecorder(folder, fps, before_s, after_s)` (fps None: from the frames' timestamps) keeps the last `before_s` of frames (JPEG-
compressed in memory: about 50 kB per 640x480 frame, so 5 s at 30 fps take ~8 MB whatever the
video size), and on `event(...)` writes, once `after_s` more frames have come:
`<stem>.mp4` (before + after), `<stem>.jpg` (the frame of the event) and `<stem>.jsonl` (the poses
of those frames). With `pixels=False` no pixel is kept at all: the clip and the snapshot show the
skeletons on a blank background (keypoints-only evidence, for privacy), and the poses are written
as before. `<stem>` is `<confirmed_ms>-<event>-<track>`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from movenet.errors import InvalidOptionError
from movenet.falls.events import FallEvent
from movenet.io.pose_jsonl import write_pose_jsonl
from movenet.types import Pose

MAX_SECONDS = 60.0  # bounds the memory of the ring buffer
JPEG_QUALITY = 85
BLANK = (24, 24, 24)
DEFAULT_FPS = 30.0  # a clip of a single frame  # background of keypoints-only evidence


@dataclass
class _Stored:
    timestamp_ms: float
    jpeg: bytes | None  # None: keypoints only
    shape: tuple[int, int]
    poses: list[Pose]


@dataclass
class _Pending:
    stem: str
    event_ms: float
    until_ms: float
    frames: list[_Stored]


class EvidenceRecorder:
    def __init__(self, folder: str | Path, fps: float | None = None, before_s: float = 5.0, after_s: float = 5.0,
                 pixels: bool = True, threshold: float = 0.3) -> None:
        for name, value in (("before", before_s), ("after", after_s)):
            if not 0 <= value <= MAX_SECONDS:
                raise InvalidOptionError(f"--clip-{name}-s must be within 0..{MAX_SECONDS:g} s, got {value}")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.fps, self.pixels, self.threshold = fps, pixels, threshold
        self.before_ms, self.after_ms = before_s * 1000.0, after_s * 1000.0
        self._ring: deque[_Stored] = deque()
        self._pending: list[_Pending] = []
        self.written: list[Path] = []

    def add(self, image: np.ndarray, poses: list[Pose], timestamp_ms: float) -> None:
        """Every frame, in order (RGB)."""
        jpeg = _encode(image) if self.pixels else None
        stored = _Stored(timestamp_ms, jpeg, image.shape[:2], list(poses))
        self._ring.append(stored)
        while self._ring and self._ring[0].timestamp_ms < timestamp_ms - self.before_ms:
            self._ring.popleft()
        for pending in self._pending:
            pending.frames.append(stored)
        done = [p for p in self._pending if timestamp_ms >= p.until_ms]
        self._pending = [p for p in self._pending if timestamp_ms < p.until_ms]
        for pending in done:
            self._write(pending)

    def event(self, event: FallEvent) -> None:
        """Call after `add` of the frame the event came with."""
        track = "single" if event.track_id is None else f"id{event.track_id}"
        stem = f"{round(event.confirmed_ms):09d}-{event.event}-{track}"
        self._pending.append(_Pending(stem, event.confirmed_ms, event.confirmed_ms + self.after_ms, list(self._ring)))

    def close(self) -> None:
        """Write what is pending (the video ended before `after_s`)."""
        for pending in self._pending:
            self._write(pending)
        self._pending = []

    def _write(self, pending: _Pending) -> None:
        from movenet.io.video import VideoWriter

        frames = pending.frames
        if not frames:
            return
        images = [self._image(f) for f in frames]
        fps = self.fps
        if not fps:  # from the timestamps (webcams: the rate actually processed)
            span = frames[-1].timestamp_ms - frames[0].timestamp_ms
            fps = (len(frames) - 1) * 1000.0 / span if span > 0 else DEFAULT_FPS
        with VideoWriter(self.folder / f"{pending.stem}.mp4", fps) as writer:
            for image in images:
                writer.write(image)
        key = min(range(len(frames)), key=lambda i: abs(frames[i].timestamp_ms - pending.event_ms))
        _save_jpeg(self.folder / f"{pending.stem}.jpg", images[key])
        write_pose_jsonl(self.folder / f"{pending.stem}.jsonl", [(f.timestamp_ms, f.poses) for f in frames])
        self.written += [self.folder / f"{pending.stem}{s}" for s in (".mp4", ".jpg", ".jsonl")]

    def _image(self, stored: _Stored) -> np.ndarray:
        from movenet.viz import draw_poses

        if stored.jpeg is not None:
            return _decode(stored.jpeg)
        canvas = np.empty((*stored.shape, 3), dtype=np.uint8)
        canvas[:] = BLANK
        return draw_poses(canvas, stored.poses, self.threshold)


def _encode(rgb: np.ndarray) -> bytes:
    import cv2

    _, buffer = cv2.imencode(".jpg", np.ascontiguousarray(rgb[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    return buffer.tobytes()


def _decode(jpeg: bytes) -> np.ndarray:
    import cv2

    return cv2.imdecode(np.frombuffer(jpeg, dtype=np.uint8), cv2.IMREAD_COLOR)[:, :, ::-1]


def _save_jpeg(path: Path, rgb: np.ndarray) -> None:
    from PIL import Image

    Image.fromarray(np.ascontiguousarray(rgb)).save(path, quality=JPEG_QUALITY)
