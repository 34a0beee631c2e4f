"""The overlapped video pipeline: same poses in the same order as the sequential loop, bounded
queues, errors raised in the caller's thread, stale frames dropped for live sources."""

import threading
import time

import numpy as np
import pytest
from io_helpers import make_video

import movenet
from movenet.errors import InvalidOptionError
from movenet.io.video import Frame, VideoSource
from movenet.pipelines.video import OrderedSink, _Reader, stream_poses


def test_overlapped_equals_sequential(tmp_path):
    clip = make_video(tmp_path / "clip.mp4", n=10)
    results = []
    for sequential in (True, False):
        detector = movenet.create_detector("lightning")
        with VideoSource(clip) as source:
            results.append([(fp.frame.index, fp.frame.timestamp_ms, [p.to_dict() for p in fp.poses])
                            for fp in stream_poses(detector, source, sequential=sequential)])
    assert [r[0] for r in results[1]] == list(range(10))
    assert results[0] == results[1]


def test_max_frames_and_flip(tmp_path):
    clip = make_video(tmp_path / "clip.mp4", n=6)
    detector = movenet.create_detector("lightning")
    with VideoSource(clip) as source:
        out = list(stream_poses(detector, source, max_frames=3, flip_horizontal=True))
    assert [fp.frame.index for fp in out] == [0, 1, 2]
    with VideoSource(clip) as source:
        first = next(iter(source)).image
    assert np.array_equal(out[0].frame.image, first[:, ::-1])
    with pytest.raises(InvalidOptionError, match="max_frames"):
        next(stream_poses(detector, VideoSource(clip), max_frames=0))
    with pytest.raises(InvalidOptionError, match="queue_size"):
        next(stream_poses(detector, VideoSource(clip), queue_size=10_000))


def _frames(n, fail_at=None, delay=0.0):
    for i in range(n):
        if i == fail_at:
            raise RuntimeError(f"decoder failed at frame {i}")
        time.sleep(delay)
        yield Frame(i, i * 10.0, np.zeros((2, 2, 3), np.uint8))


def test_reader_error_reaches_the_consumer_and_thread_stops():
    reader = _Reader(_frames(10, fail_at=4), queue_size=2, drop_stale=False)
    got = []
    with pytest.raises(RuntimeError, match="frame 4"):
        for frame in reader:
            got.append(frame.index)
    reader.close()
    assert got == [0, 1, 2, 3]


def test_early_stop_joins_the_reader_thread():
    before = threading.active_count()
    reader = _Reader(_frames(1000), queue_size=2, drop_stale=False)
    for frame in reader:
        if frame.index == 3:
            break
    reader.close()
    assert threading.active_count() == before


def test_drop_stale_keeps_the_newest_frames():
    reader = _Reader(_frames(50), queue_size=2, drop_stale=True)
    time.sleep(0.3)  # a slow consumer: the reader ran ahead
    got = [frame.index for frame in reader]
    reader.close()
    assert got[-1] == 49 and len(got) < 50 and got == sorted(got)
    assert reader.dropped == 50 - len(got)


def test_bounded_queue_gives_back_pressure():
    reader = _Reader(_frames(100), queue_size=3, drop_stale=False)
    time.sleep(0.2)
    assert reader._queue.qsize() == 3  # no more decoded than the queue holds
    assert [f.index for f in reader] == list(range(100))
    reader.close()


def test_ordered_sink_keeps_order_and_raises_consumer_errors():
    seen = []
    with OrderedSink(seen.append) as sink:
        for i in range(100):
            sink.submit(i)
    assert seen == list(range(100))

    def fail(item):
        if item == 3:
            raise OSError("disk full")

    sink = OrderedSink(fail, queue_size=1)
    with pytest.raises(OSError, match="disk full"):
        for i in range(50):
            sink.submit(i)
            time.sleep(0.005)
        sink.close()
