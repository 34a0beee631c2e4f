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


def _frames(count=12, size=(160, 120)):
    """Frames with motion: a bright square sliding over a gradient."""
    width, height = size
    base = np.linspace(0, 255, width, dtype=np.uint8)[None, :, None].repeat(height, 0).repeat(3, 2)
    out = []
    for i in range(count):
        frame = base.copy()
        frame[20:60, 5 * i:5 * i + 40] = (250, 120, 30)
        out.append(frame)
    return out


def _decoded(path):
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        codec = stream.codec_context.name
        return codec, [f.to_ndarray(format="rgb24") for f in container.decode(stream)]


@pytest.mark.parametrize(("suffix", "codec"), [(".mp4", "h264"), (".webm", "vp9")])
def test_writer_makes_browser_video_with_the_same_frames(tmp_path, suffix, codec):
    """H.264 in MP4 and VP9 in WebM (what browsers play), every frame at its size, close to the
    frames written (lossy: mean error a few levels), and the same bytes for the same frames."""
    frames = _frames()
    paths = [tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"]
    for path in paths:
        with VideoWriter(path, fps=12.0) as writer:
            for frame in frames:
                writer.write(frame)
        assert writer.codec in ("libx264", "libvpx-vp9")
    assert paths[0].read_bytes() == paths[1].read_bytes()
    found, decoded = _decoded(paths[0])
    assert found == codec and len(decoded) == len(frames)
    for original, back in zip(frames, decoded):
        assert back.shape == original.shape
        assert np.abs(back.astype(int) - original.astype(int)).mean() < 4
    capture = cv2.VideoCapture(str(paths[0]))  # what the video sources read, too
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == len(frames)
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(12.0)


def test_mp4_has_its_index_first_for_browsers(tmp_path):
    out = tmp_path / "out.mp4"
    with VideoWriter(out, fps=10.0) as writer:
        for frame in _frames(4):
            writer.write(frame)
    data = out.read_bytes()
    assert 0 < data.index(b"moov") < data.index(b"mdat")  # faststart: playable while downloading


def test_odd_sizes_are_padded_by_one_pixel(tmp_path):
    out = tmp_path / "odd.mp4"
    frames = [f[:119, :159] for f in _frames(3)]
    with VideoWriter(out, fps=10.0) as writer:
        for frame in frames:
            writer.write(frame)
    _, decoded = _decoded(out)
    assert decoded[0].shape == (120, 160, 3)
    assert np.abs(decoded[1][:119, :159].astype(int) - frames[1].astype(int)).mean() < 4


def test_opencv_writer_is_the_fallback(tmp_path, monkeypatch):
    out = tmp_path / "asked.mp4"
    with VideoWriter(out, fps=10.0, encoder="opencv") as writer:
        writer.write(_frames(1)[0])
    assert writer.codec == "mp4v" and _decoded(out)[0] == "mpeg4"
    import movenet.io.video as video

    monkeypatch.setattr(video, "pyav_encoder", lambda codec: None)  # PyAV or x264 missing
    with pytest.warns(RuntimeWarning, match="PyAV with libx264 is not available, writing mp4v"):
        writer = VideoWriter(tmp_path / "fallback.mp4", fps=10.0)
    with writer:
        writer.write(_frames(1)[0])
    assert writer.codec == "mp4v"
    with pytest.raises(InvalidInputError, match="PyAV with the libx264 encoder is not installed"):
        VideoWriter(tmp_path / "x.mp4", fps=10.0, encoder="pyav")
    with pytest.raises(InvalidInputError, match="'pyav' or 'opencv'"):
        VideoWriter(tmp_path / "x.mp4", fps=10.0, encoder="ffmpeg")


def test_x264_stays_off_avx512_where_the_cpu_has_it(monkeypatch):
    """x264's AVX-512 code gave different bytes for the same frames now and then; its AVX2 code
    does not, so CPUs with AVX-512 get x264 without it (docs/results/speed.md, Annotated videos)."""
    import movenet.io.video as video

    monkeypatch.setattr(video, "cpu_has_avx512", lambda: True)
    assert video.encoder_options("libx264")["x264-params"] == "asm=MMX2,SSE2Fast,SSSE3,SSE4.2,AVX,FMA3,BMI2,AVX2"
    assert video.encoder_options("libx264")["threads"] == "1"
    monkeypatch.setattr(video, "cpu_has_avx512", lambda: False)
    assert "x264-params" not in video.encoder_options("libx264")
    assert "x264-params" not in video.encoder_options("libvpx-vp9")
