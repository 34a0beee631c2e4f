"""Poses through a video with the stages overlapped: decoding | inference | drawing and encoding.

`stream_poses(detector, source)` yields one `FramePoses` per frame, in order. By default a reader
thread decodes (and mirrors) frames ahead into a bounded queue while the caller's thread runs the
model, so decoding and inference overlap (OpenCV and onnxruntime release the GIL). `OrderedSink`
runs the last stage (drawing, encoding, writing JSON lines) in a thread of its own, in order.
`sequential=True` runs everything one step after another in the caller's thread: kept to measure
the gain and as a fallback.

Back-pressure: both queues are bounded (`queue_size` frames), so memory stays flat whatever the
speed of each stage. Live sources (webcams) drop stale frames by default: when inference falls
behind, the reader keeps only the newest frames instead of queueing old ones, so latency stays low.
An error in any stage stops the run and is raised in the caller's thread with its own message.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from movenet.errors import InvalidOptionError
from movenet.io.video import Frame, VideoSource
from movenet.preprocess.image_input import mirror
from movenet.types import Pose

# Frames decoded ahead of inference, and results waiting to be drawn/encoded. Small: one 1080p RGB
# frame is 6 MB; 4 keep every stage busy (more did not raise throughput, see docs/results/speed.md).
DEFAULT_QUEUE_SIZE = 4
MAX_QUEUE_SIZE = 64  # bounds memory (64 x 6 MB at 1080p)
_END = object()


@dataclass(frozen=True)
class FramePoses:
    frame: Frame  # index, timestamp_ms, image (RGB, mirrored when asked)
    poses: list[Pose]


class _Failure:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def _check_queue_size(queue_size: int) -> int:
    if isinstance(queue_size, bool) or not isinstance(queue_size, int) or not 1 <= queue_size <= MAX_QUEUE_SIZE:
        raise InvalidOptionError(f"queue_size must be an integer in 1..{MAX_QUEUE_SIZE}, got {queue_size!r}")
    return queue_size


def _frames(source: VideoSource, flip_horizontal: bool, max_frames: int | None) -> Iterator[Frame]:
    for frame in source:
        if max_frames is not None and frame.index >= max_frames:
            return
        if flip_horizontal:
            frame = Frame(frame.index, frame.timestamp_ms, mirror(frame.image))
        yield frame


class _Reader:
    """Decodes frames in a thread into a bounded queue; `drop_stale` keeps only the newest."""

    def __init__(self, frames: Iterator[Frame], queue_size: int, drop_stale: bool) -> None:
        self._frames = frames
        self._queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self._drop_stale = drop_stale
        self._stop = threading.Event()
        self.dropped = 0
        self._thread = threading.Thread(target=self._run, name="movenet-decode", daemon=True)
        self._thread.start()

    def _put(self, item) -> None:
        while not self._stop.is_set():
            if self._drop_stale and item is not _END and not isinstance(item, _Failure):
                try:
                    self._queue.put_nowait(item)
                    return
                except queue.Full:
                    try:
                        self._queue.get_nowait()  # the oldest waiting frame is stale
                        self.dropped += 1
                    except queue.Empty:
                        pass
                    continue
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _run(self) -> None:
        try:
            for frame in self._frames:
                if self._stop.is_set():
                    return
                self._put(frame)
            self._put(_END)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the consumer's thread
            self._put(_Failure(exc))

    def __iter__(self) -> Iterator[Frame]:
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.exc
            yield item

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._queue.get(timeout=0.05)
            except queue.Empty:
                pass
        self._thread.join()


def stream_poses(
    detector,
    source: VideoSource,
    *,
    max_frames: int | None = None,
    flip_horizontal: bool = False,
    sequential: bool = False,
    drop_stale: bool | None = None,
    queue_size: int = DEFAULT_QUEUE_SIZE,
) -> Iterator[FramePoses]:
    """Run `detector` on every frame of `source` with its timestamp; yields FramePoses in order.

    drop_stale: None means on for webcams, off for files and folders (every frame is processed)."""
    _check_queue_size(queue_size)
    if max_frames is not None and (isinstance(max_frames, bool) or not isinstance(max_frames, int) or max_frames < 1):
        raise InvalidOptionError(f"max_frames must be a positive integer, got {max_frames!r}")
    drop = source.is_webcam if drop_stale is None else bool(drop_stale)
    frames = _frames(source, flip_horizontal, max_frames)
    if sequential:
        for frame in frames:
            yield FramePoses(frame, detector.estimate_poses(frame.image, frame.timestamp_ms))
        return
    reader = _Reader(frames, queue_size, drop)
    try:
        for frame in reader:
            yield FramePoses(frame, detector.estimate_poses(frame.image, frame.timestamp_ms))
    finally:
        reader.close()


class OrderedSink:
    """Applies `consume(item)` to submitted items in order, in a thread (or inline when
    `sequential`). The queue is bounded: `submit` waits when the consumer is behind. An exception
    in `consume` is raised by the next `submit` or by `close`."""

    def __init__(self, consume: Callable[[Any], None], *, sequential: bool = False, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        self._consume = consume
        self._sequential = sequential
        self._error: BaseException | None = None
        self._closed = False
        if not sequential:
            self._queue: queue.Queue = queue.Queue(maxsize=_check_queue_size(queue_size))
            self._thread = threading.Thread(target=self._run, name="movenet-sink", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if self._error is None:
                try:
                    self._consume(item)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the producer's thread
                    self._error = exc

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, item) -> None:
        if self._sequential:
            self._consume(item)
            return
        self._raise_error()
        self._queue.put(item)

    def close(self) -> None:
        """Wait until every submitted item is consumed; raise a consumer's error."""
        if self._closed:
            return
        self._closed = True
        if not self._sequential:
            self._queue.put(_END)
            self._thread.join()
            self._raise_error()

    def __enter__(self) -> OrderedSink:
        return self

    def __exit__(self, exc_type, *rest) -> None:
        if exc_type is None:
            self.close()
        else:  # already failing: finish quietly, keep the first error
            try:
                self.close()
            except BaseException:  # noqa: BLE001
                pass
