"""Video sources (files, webcams, folders of frames: OpenCV) and the annotated-video writer (PyAV:
H.264 or VP9, which browsers play; OpenCV as the fallback).

Every frame comes as RGB uint8 with its index and a timestamp in milliseconds: index * 1000 / fps
for files and folders (fps from the file, or given), the wall clock since the first frame for
webcams.
"""

from __future__ import annotations

import functools
import os
import time
import warnings
from collections.abc import Iterator
from fractions import Fraction
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
# OpenCV fourcc per output container: all encoders that ship inside opencv-python(-headless)
# wheels. The writer of .avi and .mkv, and the fallback of the others (VideoWriter).
FOURCC = {".mp4": "mp4v", ".m4v": "mp4v", ".mov": "mp4v", ".avi": "MJPG", ".mkv": "MJPG", ".webm": "VP80"}


def _cv2():
    # FFmpeg inside OpenCV prints its own decoder warnings; our errors already say what is wrong.
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    try:
        import cv2
    except ImportError as exc:  # pragma: no cover - opencv is a dependency
        raise InvalidInputError("video needs OpenCV: pip install opencv-python-headless") from exc
    # OpenCV's own warnings (e.g. "can't open camera by index") repeat what our errors say
    logging = getattr(getattr(cv2, "utils", None), "logging", None)
    if logging is not None:
        logging.setLogLevel(2)  # LOG_LEVEL_ERROR
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
    """Write RGB frames to a video file; every frame is resized to the first frame's size.

    `.mp4`, `.m4v`, `.mov`: H.264 (libx264 through PyAV), `.webm`: VP9 (libvpx-vp9): what browsers
    play, at a fraction of the size of OpenCV's MPEG-4 Part 2. `.avi`, `.mkv`: Motion JPEG
    (OpenCV). Where PyAV or its encoder is missing, the OpenCV writer of the suffix (`mp4v`, `VP80`)
    is the fallback, with a warning (`encoder="opencv"` asks for it). H.264 and VP9 store 4:2:0
    colour, so an odd width or height is padded by one pixel (the last row or column repeated).
    """

    def __init__(self, path: str | Path, fps: float, *, encoder: str | None = None) -> None:
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in FOURCC:
            raise InvalidInputError(f"{self.path}: output video must end in one of {', '.join(sorted(FOURCC))}")
        if encoder not in (None, "pyav", "opencv"):
            raise InvalidInputError(f"video encoder must be 'pyav' or 'opencv', got {encoder!r}")
        self.fps = fps
        self.size: tuple[int, int] | None = None
        codec = PYAV_CODECS.get(suffix) if encoder != "opencv" else None
        if codec is not None and pyav_encoder(codec) is None:
            if encoder == "pyav":
                raise InvalidInputError(f"{self.path}: PyAV with the {codec} encoder is not installed")
            warnings.warn(
                f"{self.path.name}: PyAV with {codec} is not available, writing {FOURCC[suffix]} with "
                "OpenCV instead (browsers may not play it); pip install av", RuntimeWarning, stacklevel=2,
            )
            codec = None
        self.codec = codec or FOURCC[suffix]  # what the file is encoded with
        self._backend = _PyAVBackend(self.path, fps, codec) if codec else _OpenCVBackend(self.path, fps, FOURCC[suffix])

    def write(self, rgb: np.ndarray) -> None:
        height, width = rgb.shape[:2]
        if self.size is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.size = (width, height)
            self._backend.open(width, height)
        if (width, height) != self.size:
            rgb = _cv2().resize(rgb, self.size, interpolation=_cv2().INTER_AREA)
        self._backend.write(np.ascontiguousarray(rgb))

    def close(self) -> None:
        self._backend.close()


# The PyAV codec per container: browsers' codecs (Chromium, Firefox and Safari play H.264 in MP4;
# Chromium and Firefox VP9 in WebM).
PYAV_CODECS = {".mp4": "libx264", ".m4v": "libx264", ".mov": "libx264", ".webm": "libvpx-vp9"}
# Encoder settings, chosen on `tools/annotated_video_codecs.py` (docs/results/speed.md, Annotated
# videos): x264's default quality (CRF 23) with its "veryfast" preset, and VP9 in real-time mode;
# both 4:2:0 (browsers decode no other), MP4s with the index first so a browser starts playing at
# once. One encoder thread: its output cannot depend on thread timing, and in the video pipeline
# the encoder runs beside the model anyway (5.3 ms a frame with one thread against 5.5 with x264's
# default threads, 768x576, on a 2-core VM).
PYAV_OPTIONS = {
    "libx264": {"crf": "23", "preset": "veryfast", "threads": "1"},
    "libvpx-vp9": {"crf": "32", "b": "0", "deadline": "realtime", "cpu-used": "8", "threads": "1"},
}
# WebM: no random segment id and no date, so that the same frames give the same bytes.
MUXER_OPTIONS = {
    ".mp4": {"movflags": "+faststart"}, ".m4v": {"movflags": "+faststart"}, ".mov": {"movflags": "+faststart"},
    ".webm": {"fflags": "+bitexact"},
}


# x264's AVX-512 code gave different bytes for the same frames now and then (3 runs in 40 of a
# 12-frame clip with poses drawn, on an Intel Xeon with AVX-512); its AVX2 code did not (40 in 40,
# the same bytes as the usual AVX-512 result). On CPUs with AVX-512, x264 gets the capabilities it
# detects there minus AVX512 (every AVX-512 CPU has all of them), so that reruns give the same
# bytes (`movenet batch` resumes compare them). Elsewhere x264 detects its own.
X264_WITHOUT_AVX512 = "MMX2,SSE2Fast,SSSE3,SSE4.2,AVX,FMA3,BMI2,AVX2"


@functools.cache
def cpu_has_avx512() -> bool:
    """True on an x86 CPU whose Linux /proc/cpuinfo lists avx512f."""
    try:
        with open("/proc/cpuinfo") as info:
            return any(line.startswith("flags") and " avx512f" in line for line in info)
    except OSError:
        return False


def encoder_options(codec: str) -> dict[str, str]:
    """PyAV's options for `codec`: PYAV_OPTIONS, and x264 kept off AVX-512 where the CPU has it."""
    options = dict(PYAV_OPTIONS.get(codec, {}))
    if codec == "libx264" and cpu_has_avx512() and "x264-params" not in options:
        options["x264-params"] = f"asm={X264_WITHOUT_AVX512}"
    return options


def pyav_encoder(codec: str):
    """PyAV's encoder `codec`, or None where PyAV or that encoder (its FFmpeg build) is missing."""
    try:
        import av
    except ImportError:
        return None
    try:
        return av.codec.Codec(codec, "w")
    except Exception:  # av.codec.codec.UnknownCodecError; its FFmpeg was built without it
        return None


class _OpenCVBackend:
    def __init__(self, path: Path, fps: float, fourcc: str) -> None:
        self.path, self.fps, self.fourcc = path, fps, fourcc
        self._writer = None

    def open(self, width: int, height: int) -> None:
        cv2 = _cv2()
        self._writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter_fourcc(*self.fourcc), self.fps, (width, height))
        if not self._writer.isOpened():
            raise InvalidInputError(f"{self.path}: OpenCV cannot write this video format here")

    def write(self, rgb: np.ndarray) -> None:
        cv2 = _cv2()
        self._writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()


class _PyAVBackend:
    def __init__(self, path: Path, fps: float, codec: str) -> None:
        self.path, self.fps, self.codec = path, fps, codec
        self._container = self._stream = None
        self._pad = (0, 0)
        self._time_base, self._frames = None, 0

    def open(self, width: int, height: int) -> None:
        import av

        rate = Fraction(self.fps).limit_denominator(1001)
        self._pad = (width % 2, height % 2)
        try:
            self._container = av.open(str(self.path), "w", options=MUXER_OPTIONS.get(self.path.suffix.lower(), {}))
            stream = self._container.add_stream(self.codec, rate=rate, options=encoder_options(self.codec))
            stream.width, stream.height = width + self._pad[0], height + self._pad[1]
            stream.pix_fmt = "yuv420p"
        except (OSError, ValueError, av.FFmpegError) as exc:
            self.close()
            raise InvalidInputError(f"{self.path}: cannot write a {self.codec} video here ({exc})") from exc
        self._stream = stream
        self._time_base, self._frames = 1 / rate, 0

    def write(self, rgb: np.ndarray) -> None:
        import av

        if any(self._pad):
            rgb = np.pad(rgb, ((0, self._pad[1]), (0, self._pad[0]), (0, 0)), mode="edge")
        # RGB in, converted to 4:2:0 by FFmpeg's swscale inside the encoder's reformat (it averages
        # the chroma of each 2x2 block; OpenCV's RGB2YUV_I420 lost 1.7 dB on drawn skeletons)
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        frame.pts, frame.time_base = self._frames, self._time_base  # frame i at i / fps
        self._frames += 1
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> None:
        if self._container is None:
            return
        try:
            if self._stream is not None:
                for packet in self._stream.encode():  # flush the encoder's delayed frames
                    self._container.mux(packet)
        finally:
            self._container.close()
            self._container = None
