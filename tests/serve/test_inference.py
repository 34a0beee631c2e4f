"""Decoding uploads and frames, models loaded once and shared, one detector state per session."""

import io

import cv2
import numpy as np
import pytest
import serve_helpers  # noqa: F401 - skips without the serve extra
from conftest import EXAMPLE_IMAGE
from PIL import Image

import movenet
from movenet.errors import InvalidInputError
from movenet.io.image import load_image
from movenet.serve.inference import (
    Engine,
    Settings,
    TooLargeError,
    decode_jpeg_frame,
    decode_upload,
    estimate,
    jpeg_size,
    rgba_frame,
)

JPEG = EXAMPLE_IMAGE.read_bytes()


def test_upload_decodes_exactly_as_predict_reads_files():
    assert np.array_equal(decode_upload(JPEG, 10**7), load_image(EXAMPLE_IMAGE))


def test_upload_applies_exif_orientation():
    buffer = io.BytesIO()
    image = Image.open(EXAMPLE_IMAGE)
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    image.save(buffer, "JPEG", exif=exif)
    assert decode_upload(buffer.getvalue(), 10**7).shape == (1000, 667, 3)


def test_pixel_limits_checked_before_decoding():
    with pytest.raises(TooLargeError, match="1000x667 is over the limit of 600000 pixels"):
        decode_upload(JPEG, 600_000)
    with pytest.raises(TooLargeError, match="1000x667 is over the limit"):
        decode_jpeg_frame(JPEG, 600_000)
    assert jpeg_size(JPEG) == Image.open(EXAMPLE_IMAGE).size


def test_raw_rgba_frames_lose_only_alpha():
    rgb = load_image(EXAMPLE_IMAGE)
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 7, np.uint8)])
    assert np.array_equal(rgba_frame(rgba.tobytes(), 1000, 667), rgb)


@pytest.mark.parametrize("data", [b"\xff\xd8\xff\xe0" + b"\0" * 40, JPEG[: len(JPEG) // 3] + b"\0" * 10])
def test_broken_jpeg_frames_are_clear_errors(data):
    with pytest.raises(InvalidInputError, match="not a readable JPEG"):
        decode_jpeg_frame(data, 10**7)
    with pytest.raises(InvalidInputError):
        decode_upload(data[:40], 10**7)


def test_engine_shares_models_but_not_state():
    engine = Engine(threads=1)
    try:
        a = engine.detector(Settings())
        b = engine.detector(Settings(smoothing=False))
        assert a.runtime is b.runtime  # loaded once
        frame = decode_jpeg_frame(JPEG, 10**7)
        assert np.array_equal(frame, cv2.cvtColor(cv2.imread(str(EXAMPLE_IMAGE)), cv2.COLOR_BGR2RGB))
        reference = movenet.create_detector("lightning", threads=1)
        for t in (0.0, 33.0, 66.0):  # a's video state does not leak into b
            ours = estimate(a, frame, t).poses[0].to_array()
            assert np.array_equal(ours, reference.estimate_poses(frame, t)[0].to_array())
        still = estimate(b, frame, None)
        assert np.array_equal(still.poses[0].to_array(), movenet.create_detector("lightning").estimate_poses(frame)[0].to_array())
        assert (still.width, still.height) == (1000, 667) and still.inference_ms > 0
        multi = engine.detector(Settings(model="multipose", max_poses=2, tracker="none"))
        assert multi.options.max_poses == 2 and multi.options.tracker is None
    finally:
        engine.close()
