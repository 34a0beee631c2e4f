"""Crop-and-resize and resize-and-pad: hand-computed cases and the oracle's exact inputs."""

import hashlib

import numpy as np
import pytest
from conftest import (
    EXAMPLE_IMAGE,
    oracle_model_input,
    oracle_still,
    requires_oracle_results,
    shared_image,
)
from PIL import Image

from movenet.preprocess.crop import (
    CropRegion,
    center_square_region,
    crop_and_resize,
    js_round,
    multipose_geometry,
    padded_square_region,
    resize_and_pad,
)


def test_identity_crop_returns_the_image():
    image = np.random.default_rng(0).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    out = crop_and_resize(image, CropRegion(0, 0, 1, 1), 8)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, image)


def test_bilinear_midpoint_truncates():
    image = np.zeros((2, 2, 3), np.uint8)
    image[:, 1] = 255  # left column 0, right column 255
    out = crop_and_resize(image, CropRegion(0, 0, 1, 1), 3)
    # middle column samples x = 0.5: 127.5 truncated to 127 (tf.cast to int32)
    np.testing.assert_array_equal(out[:, :, 0], [[0, 127, 255]] * 3)


def test_outside_the_image_is_zero():
    image = np.full((4, 4, 3), 200, np.uint8)
    out = crop_and_resize(image, CropRegion(-0.5, 0, 1.5, 1), 5)
    # rows sample y = -1.5, -0.375, 0.75(..) -> the first two rows fall outside
    assert (out[0] == 0).all()
    assert (out[2] == 200).all()


def test_official_initial_crop_regions():
    # 1280x720 landscape: the first-frame crop keeps x 280..1000 (BRIEF section 2 point 1)
    r = center_square_region(720, 1280)
    assert (r.x_min * 1280, r.x_max * 1280, r.y_min, r.y_max) == pytest.approx((280, 1000, 0, 1))
    p = padded_square_region(720, 1280)
    assert (p.y_min * 720, p.y_max * 720, p.x_min, p.x_max) == pytest.approx((-280, 1000, 0, 1))
    q = padded_square_region(1000, 500)
    assert (q.x_min * 500, q.x_max * 500) == pytest.approx((-250, 750))


def test_multipose_geometry():
    assert js_round(2.5) == 3 and js_round(-2.5) == -2  # JavaScript Math.round
    g = multipose_geometry(720, 1280, 256)
    assert g.resized == (144, 256) and g.padded == (160, 256)
    g = multipose_geometry(1000, 667, 256)
    assert g.resized == (256, 171) and g.padded == (256, 192)
    x, geometry = resize_and_pad(np.full((720, 1280, 3), 9, np.uint8))
    assert x.shape == (160, 256, 3) and (x[144:] == 0).all() and (x[:144] == 9).all()


@requires_oracle_results
@pytest.mark.parametrize("name", ["lightning", "thunder", "multipose"])
def test_all_passes_match_the_oracle_inputs_bit_for_bit(name):
    """Every recorded model input (single pose: all 3 smart-crop passes) re-made exactly."""
    count = 0
    for record in oracle_still()["models"][name]["images"]:
        image = shared_image(record["id"])
        for p in record["passes"]:
            x = oracle_model_input(name, image, p)
            assert hashlib.sha256(x.astype(np.uint8).tobytes()).hexdigest() == p["model_input"]["sha256_u8"], record["id"]
            count += 1
    assert count >= 122


@pytest.mark.parametrize("workers", [2, 3, 8])
def test_split_crop_is_identical(workers):
    """Rows split between threads give the very same int32 input."""
    image = np.asarray(Image.open(EXAMPLE_IMAGE).convert("RGB"))
    for region in (padded_square_region(*image.shape[:2]), CropRegion(-0.2, 0.1, 0.7, 0.8), CropRegion(0.3, 0.3, 0.31, 0.31)):
        for size in (192, 256):
            assert np.array_equal(crop_and_resize(image, region, size, workers), crop_and_resize(image, region, size))
