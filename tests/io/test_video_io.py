"""Video sources and writer: files, folders of frames, bad videos, webcams that are not there."""

import cv2
import numpy as np
import pytest
from conftest import EXAMPLE_IMAGE
from io_helpers import make_video
from PIL import Image

from movenet.errors import InvalidInputError
from movenet.io.video import VideoSource, VideoWriter


def test_video_file_frames_and_timestamps(tmp_path):
    with VideoSource(make_video(tmp_path / "clip.mp4", n=6, fps=10.0)) as source:
        frames = list(source)
    assert source.fps == 10.0 and source.frame_count == 6
    assert [f.index for f in frames] == list(range(6))
    assert [f.timestamp_ms for f in frames] == pytest.approx([0, 100, 200, 300, 400, 500])
    assert frames[0].image.shape == (240, 320, 3) and frames[0].image.dtype == np.uint8


def test_folder_of_frames_in_name_order_with_fps(tmp_path):
    for name in ("b.png", "a.png", "c.jpg"):
        Image.open(EXAMPLE_IMAGE).resize((64, 48)).save(tmp_path / name)
    (tmp_path / "notes.txt").write_text("skip me")
    frames = list(VideoSource(tmp_path, fps=4))
    assert len(frames) == 3 and [f.timestamp_ms for f in frames] == [0, 250, 500]


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty file"), (b"definitely not a video" * 100, "not a video OpenCV can read")],
)
def test_bad_video_files(tmp_path, content, message):
    path = tmp_path / "bad.mp4"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match=message):
        list(VideoSource(path))


def test_missing_sources(tmp_path):
    with pytest.raises(InvalidInputError, match="no such video file"):
        VideoSource(tmp_path / "nope.mp4")
    with pytest.raises(InvalidInputError, match="folder has no frames"):
        VideoSource(tmp_path)
    with pytest.raises(InvalidInputError, match="no webcam at index 9"):
        VideoSource(9)
    with pytest.raises(InvalidInputError, match="fps must be a positive"):
        VideoSource(tmp_path, fps=0)


def test_writer_keeps_size_and_fps_and_resizes_odd_frames(tmp_path):
    out = tmp_path / "out.mp4"
    with VideoWriter(out, fps=12.0) as writer:
        writer.write(np.zeros((120, 160, 3), np.uint8))
        writer.write(np.zeros((240, 320, 3), np.uint8))  # a different size: resized
    capture = cv2.VideoCapture(str(out))
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(12.0)
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 2
    assert (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))) == (160, 120)
    with pytest.raises(InvalidInputError, match="must end in one of"):
        VideoWriter(tmp_path / "out.gif", fps=10)
