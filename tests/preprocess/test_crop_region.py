"""The official next-crop rule on hand-built keypoints."""

import numpy as np
import pytest

from movenet.preprocess.crop import padded_square_region
from movenet.preprocess.crop_region import next_crop_region, torso_visible
from movenet.skeleton import KeypointName as K


def torso(score=0.9):
    kp = np.zeros((17, 3))
    kp[:, :2] = 0.5
    for name, y, x in [(K.LEFT_SHOULDER, 0.3, 0.6), (K.RIGHT_SHOULDER, 0.3, 0.4), (K.LEFT_HIP, 0.5, 0.6), (K.RIGHT_HIP, 0.5, 0.4)]:
        kp[name.index] = (y, x, score)
    return kp


def test_crop_from_torso_by_hand():
    # 100x100 image: hip centre (50, 50); torso range y 20, x 10 -> half = 1.9 * 20 = 38
    region = next_crop_region(torso(), 100, 100)
    assert (region.y_min, region.x_min, region.y_max, region.x_max) == pytest.approx((0.12, 0.12, 0.88, 0.88))


def test_body_range_counts_confident_joints_only():
    kp = torso()
    kp[K.LEFT_ANKLE.index] = (0.85, 0.5, 0.5)  # 70 px below the hips: 1.2 * 70 = 84 > 1.9 * 40
    region = next_crop_region(kp, 200, 200)
    assert region.y_min * 200 == pytest.approx(100 - 1.2 * 70)
    kp[K.LEFT_ANKLE.index, 2] = 0.1  # not confident: ignored
    assert next_crop_region(kp, 200, 200).y_min * 200 == pytest.approx(100 - 1.9 * 40)


def test_square_in_pixels_on_a_wide_image():
    region = next_crop_region(torso(), 100, 300)  # H 100, W 300: centre (50, 150)
    assert (region.y_max - region.y_min) * 100 == pytest.approx((region.x_max - region.x_min) * 300)


def test_fallbacks_to_the_padded_image():
    assert not torso_visible(torso(score=0.2)[:, 2])  # needs > 0.2
    assert next_crop_region(torso(score=0.2), 100, 200) == padded_square_region(100, 200)
    kp = torso()
    kp[K.LEFT_WRIST.index] = (0.5, 1.5, 0.9)  # far outside: crop larger than max(W, H) / 2
    kp[K.RIGHT_WRIST.index] = (0.5, -0.5, 0.9)
    assert next_crop_region(kp, 100, 100) == padded_square_region(100, 100)
