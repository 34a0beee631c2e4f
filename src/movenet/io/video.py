"""Video sources (files, webcams, folders of frames) and the annotated-video writer (OpenCV).

Every frame comes as RGB uint8 with its index and a timestamp in milliseconds: index * 1000 / fps
for files and folders (fps from the file, or given), the wall clock since the first frame for
webcams.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from movenet.errors import InvalidInputError
from movenet.io.frame import Frame
from movenet.io.image import load_image
from movenet.io.sources import IMAGE_SUFFIXES
from movenet.limits import MAX_WEBCAM_INDEX

VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv"})
DEFAULT_FOLDER_FPS = 30.0
DEFAULT_STREAM_FPS = 15.0  # a camera URL that announces no rate (MJPEG): a common camera setting
# fourcc per output container: all encoders that ship inside opencv-python(-headless) wheels.
FOURCC = {".mp4": "mp4v", ".m4v": "mp4v", ".mov": "mp4v", ".avi": "MJPG", ".mkv": "MJPG", ".webm": "VP80"}


def _cv2():
    # FFmpeg inside OpenCV prints its own decoder warnings; our errors already say what is wrong.
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    try:
        import cv2
    except ImportError as exc:  # pragma: no cover - opencv is a dependency
        raise InvalidInputError("video needs OpenCV: pip install opencv-python-headless") from exc
    return cv2


def open_capture(path: str | Path):
    """A cv2.VideoCapture of a file, FFmpeg's own log quiet (our errors say what is wrong)."""
    return _cv2().VideoCapture(str(path))




class _ClosedOnExit:
    """`with X(...) as x:` closes x at the end."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class VideoSource(_ClosedOnExit):
    """Iterate `Frame`s of a video file, a webcam (an integer index), a folder of images, or a
    camera URL (rtsp://, rtsps://, http(s)://: `movenet.io.streams.NetworkStream`, with
    reconnection; URLs are never taken for paths)."""

    def __init__(self, source: str | Path | int, fps: float | None = None, stream_options=None) -> None:
        if fps is not None and not 0 < fps < float("inf"):
            raise InvalidInputError(f"fps must be a positive finite number, got {fps}")
        self.source = source
        self._capture = None
        self._files: list[Path] | None = None
        self._stream = None
        from movenet.io.streams import is_stream_url

        if is_stream_url(source):
            from movenet.io.streams import NetworkStream

            self._stream = NetworkStream(str(source), stream_options, fps=fps)
            self.source = self._stream.safe_url
            self.is_webcam = self._stream.live  # live: drop stale frames
            self.fps = self._stream.fps or DEFAULT_STREAM_FPS
            self.frame_count = None
            return
        self.is_webcam = isinstance(source, int) or (isinstance(source, str) and source.isdigit())
        cv2 = _cv2()
        if self.is_webcam:
            index = int(source)
            if index > MAX_WEBCAM_INDEX:
                raise InvalidInputError(f"webcam index must be in 0..{MAX_WEBCAM_INDEX}, got {index}")
            self._capture = cv2.VideoCapture(index)
            if not self._capture.isOpened():
                raise InvalidInputError(f"no webcam at index {index} (or it is in use)")
            self.fps = fps or self._capture.get(cv2.CAP_PROP_FPS) or DEFAULT_FOLDER_FPS
            self.frame_count = None
            return
        path = Path(source)
        if path.is_dir():
            self._files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
            if not self._files:
                raise InvalidInputError(f"{path}: folder has no frames (looked for {', '.join(sorted(IMAGE_SUFFIXES))})")
            self.fps = fps or DEFAULT_FOLDER_FPS
            self.frame_count = len(self._files)
            return
        if not path.is_file():
            raise InvalidInputError(f"{path}: no such video file, folder or webcam index")
        if path.stat().st_size == 0:
            raise InvalidInputError(f"{path}: empty file")
        self._capture = cv2.VideoCapture(str(path))
        if not self._capture.isOpened():
            raise InvalidInputError(f"{path}: not a video OpenCV can read (accepted: {', '.join(sorted(VIDEO_SUFFIXES))})")
        file_fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.fps = fps or (file_fps if file_fps and np.isfinite(file_fps) and file_fps > 0 else DEFAULT_FOLDER_FPS)
        count = int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT))
        self.frame_count = count if count > 0 else None

    @property
    def health(self):
        """A network stream's `StreamHealth` (None for files, folders and webcams)."""
        return self._stream.health if self._stream is not None else None

    def __iter__(self) -> Iterator[Frame]:
        if self._stream is not None:
            yield from self._stream
            return
        if self._files is not None:
            for index, file in enumerate(self._files):
                yield Frame(index, index * 1000.0 / self.fps, load_image(file))
            return
        cv2 = _cv2()
        index, start = 0, None
        while True:
            ok, bgr = self._capture.read()
            if not ok:
                break
            if self.is_webcam:
                now = time.monotonic()
                start = now if start is None else start
                timestamp = (now - start) * 1000.0
            else:
                timestamp = index * 1000.0 / self.fps
            yield Frame(index, timestamp, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            index += 1
        if index == 0:
            raise InvalidInputError(f"{self.source}: video has no readable frames (empty or corrupt)")

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
        if self._capture is not None:
            self._capture.release()


class VideoWriter(_ClosedOnExit):
    """Write RGB frames to a video file; every frame is resized to the first frame's size."""

    def __init__(self, path: str | Path, fps: float) -> None:
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in FOURCC:
            raise InvalidInputError(f"{self.path}: output video must end in one of {', '.join(sorted(FOURCC))}")
        self.fps = fps
        self._writer = None
        self.size: tuple[int, int] | None = None

    def write(self, rgb: np.ndarray) -> None:
        cv2 = _cv2()
        height, width = rgb.shape[:2]
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fourcc = cv2.VideoWriter_fourcc(*FOURCC[self.path.suffix.lower()])
            self._writer = cv2.VideoWriter(str(self.path), fourcc, self.fps, (width, height))
            if not self._writer.isOpened():
                raise InvalidInputError(f"{self.path}: OpenCV cannot write this video format here")
            self.size = (width, height)
        if (width, height) != self.size:
            rgb = cv2.resize(rgb, self.size, interpolation=cv2.INTER_AREA)
        self._writer.write(cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR))

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()
