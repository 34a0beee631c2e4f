"""Low-pass and One-Euro filters against values computed by hand from their formulas."""

import math

import numpy as np
import pytest

from movenet.preprocess.crop import CropRegion
from movenet.temporal import (
    CropRegionFilter,
    KeypointsFilter,
    LowPassFilter,
    OneEuroFilter,
)

F0, MIN_CUTOFF, BETA, D_CUTOFF, T_CUTOFF, T_BETA = 30.0, 2.5, 300.0, 2.5, 0.5, 5.0


def alpha(freq, cutoff):
    return 1.0 / (1.0 + freq / (2 * math.pi * cutoff))


def test_low_pass_alpha_09():
    f = LowPassFilter(0.9)
    assert [f.apply(v) for v in (0.0, 10.0, 10.0)] == pytest.approx([0.0, 9.0, 9.9])
    f.reset()
    assert f.apply(5.0) == 5.0  # first value after reset passes through


def test_low_pass_asinh_threshold():
    f = LowPassFilter(0.5)
    f.apply(0.0)
    assert f.apply(4.0, threshold=2.0) == pytest.approx(0.5 * 2.0 * math.asinh(4.0 / 2.0))


def test_crop_region_filter():
    f = CropRegionFilter()
    f.apply(CropRegion(0, 0, 1, 1))
    out = f.apply(CropRegion(0.1, 0.2, 0.9, 0.8))
    assert (out.y_min, out.x_min, out.y_max, out.x_max) == pytest.approx((0.09, 0.18, 0.91, 0.82))


def test_one_euro_second_value_by_hand():
    f = OneEuroFilter(official_start=False)
    assert f.apply(0.0, 0) == 0.0  # first value passes through
    dt = 33_333
    freq = 1.0 / (dt / 1e6)
    d_value = (1.0 - 0.0) * freq
    ed = 0.0 + alpha(freq, D_CUTOFF) * (d_value - 0.0)  # derivative low-pass from 0
    cutoff = MIN_CUTOFF + BETA * abs(ed)
    thr = T_CUTOFF + T_BETA * abs(ed)
    expected = 0.0 + alpha(freq, cutoff) * thr * math.asinh((1.0 - 0.0) / thr)
    assert f.apply(1.0, dt) == pytest.approx(expected, rel=1e-12)
    assert 0.99 < expected < 1.0  # a fast move passes almost unfiltered (beta 300)


def test_one_euro_small_jitter_is_damped():
    f = OneEuroFilter(official_start=False)
    values = [0.5 + (0.001 if i % 2 else -0.001) for i in range(30)]
    out = [f.apply(v, i * 33_333) for i, v in enumerate(values)]
    assert np.ptp(out[10:]) < 0.5 * np.ptp(values[10:])


def test_official_first_timestamp_quirk():
    official = OneEuroFilter(official_start=True)
    fixed = OneEuroFilter(official_start=False)
    # t = 0 is not after the initial last timestamp 0: returned raw, not even recorded.
    assert official.apply(0.3, 0) == 0.3 and not official.x.initialized
    assert official.apply(0.6, 33_333) == 0.6  # the first recorded value passes through
    assert official.apply(0.9, 66_666) != 0.9  # filtering starts on the third frame
    fixed.apply(0.3, 0)
    assert fixed.apply(0.6, 33_333) != 0.6  # ours filters from the second frame


def test_non_increasing_timestamp_returns_raw_value():
    f = OneEuroFilter(official_start=False)
    f.apply(0.0, 1000)
    f.apply(0.1, 2000)
    assert f.apply(0.7, 2000) == 0.7
    assert f.apply(0.7, 1500) == 0.7


def test_keypoints_filter_smooths_coordinates_not_scores():
    f = KeypointsFilter(official_start=False)
    first = np.array([[0.5, 0.5, 0.9]] * 17)
    f.apply(first, 0)
    moved = first + [0.01, 0.0, -0.5]
    out = f.apply(moved, 33_333)
    assert (out[:, 2] == moved[:, 2]).all()
    assert (out[:, 0] < moved[:, 0]).all() and (out[:, 0] > first[:, 0]).all()
    np.testing.assert_array_equal(out[:, 1], 0.5)
