"""Decoding on hand-built head tensors whose answer is computed by hand."""

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")
pytest.importorskip("safetensors", reason="needs the torch extra")

import math

import numpy as np
import torch

from movenet.codec import (
    MultiPoseDecoding,
    SinglePoseDecoding,
    decode_multi_pose,
    decode_single_pose,
)
from movenet.codec.constants import center_weight_table

LOW = -10.0  # logit of "nothing here"


def sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


def single_heads(h=8, w=8):
    heads = {
        "kpt_heatmap": torch.full((1, 17, h, w), LOW),
        "kpt_regress": torch.zeros((1, 34, h, w)),
        "center": torch.full((1, 1, h, w), LOW),
        "kpt_offset": torch.zeros((1, 34, h, w)),
    }
    return heads


def test_single_pose_four_steps():
    heads = single_heads()
    heads["center"][0, 0, 3, 5] = 10.0  # the person
    heads["kpt_regress"][0, 0::2, 3, 5] = 1.0  # dy: guesses at (4, 3)
    heads["kpt_regress"][0, 1::2, 3, 5] = -2.0  # dx
    heads["kpt_heatmap"][0, :, 4, 3] = 2.0  # near the guess
    heads["kpt_heatmap"][0, :, 0, 0] = 3.0  # stronger but 5 px away: distance weighting loses it
    heads["kpt_offset"][0, 0::2, 4, 3] = 0.25
    heads["kpt_offset"][0, 1::2, 4, 3] = -0.5
    decoding = SinglePoseDecoding.default((8, 8))
    out = decode_single_pose(heads, decoding)
    assert out.shape == (1, 1, 17, 3)
    sy, sx = decoding.output_scale
    assert sy == pytest.approx(1 / 8) and sx == pytest.approx(1 / 8)
    np.testing.assert_allclose(out[0, 0, :, 0], (4 + 0.25) * sy, rtol=1e-6)
    np.testing.assert_allclose(out[0, 0, :, 1], (3 - 0.5) * sx, rtol=1e-6)
    np.testing.assert_allclose(out[0, 0, :, 2], sigmoid(2.0), rtol=1e-6)


def test_single_pose_centre_weighting_prefers_the_middle_person():
    heads = single_heads()
    heads["center"][0, 0, 0, 0] = 3.0  # a slightly stronger centre in the corner ...
    heads["center"][0, 0, 4, 4] = 2.0  # ... loses to the one in the frame centre
    heads["kpt_heatmap"][0, :, 4, 4] = 0.0
    out = decode_single_pose(heads, SinglePoseDecoding.default((8, 8)))
    # corner: sigmoid(3) / (sqrt(32) + 1.8) = 0.129 < centre: sigmoid(2) / 1.8 = 0.489
    np.testing.assert_allclose(out[0, 0, :, :2], 4 / 8, rtol=1e-6)


def test_centre_weight_table_formula():
    table = center_weight_table(48, 48)
    assert table[24, 24] == np.float32(np.float16(1 / 1.8))
    assert table[0, 0] == np.float32(np.float16(1 / (math.hypot(24, 24) + 1.8)))


def test_multi_pose_two_people():
    h = w = 16
    heads = {
        "kpt_heatmap": torch.full((1, 17, h, w), LOW),
        "kpt_regress": torch.zeros((1, 34, h, w)),
        "center": torch.full((1, 1, h, w), LOW),
        "kpt_offset": torch.zeros((1, 34, h, w)),
        "box_scale": torch.zeros((1, 2, h, w)),
        "box_offset": torch.zeros((1, 2, h, w)),
    }
    # Person A: centre (4, 4), box 4 x 6, keypoints regressed to (5, 5).
    heads["center"][0, 0, 4, 4] = 3.0
    heads["box_scale"][0, :, 4, 4] = torch.tensor([4.0, 6.0])
    heads["kpt_regress"][0, :, 4, 4] = 1.0
    heads["kpt_heatmap"][0, :, 5, 5] = 2.0
    heads["kpt_offset"][0, 0::2, 5, 5] = 0.5
    # Person B: centre (11, 12), box 6 x 6, keypoints regressed to (11, 11).
    heads["center"][0, 0, 11, 12] = 1.0
    heads["box_scale"][0, :, 11, 12] = 6.0
    heads["kpt_regress"][0, 1::2, 11, 12] = -1.0
    heads["kpt_heatmap"][0, :, 11, 11] = 1.0
    out = decode_multi_pose(heads, MultiPoseDecoding())
    assert out.shape == (1, 6, 56)
    a, b = out[0, 0], out[0, 1]
    kpts_a = a[:51].reshape(17, 3)
    np.testing.assert_allclose(kpts_a[:, 0], (5 + 0.5) * 4 / 64, rtol=1e-6)
    np.testing.assert_allclose(kpts_a[:, 1], 5 * 4 / 64, rtol=1e-6)
    np.testing.assert_allclose(kpts_a[:, 2], sigmoid(2.0), rtol=1e-6)
    np.testing.assert_allclose(a[51:55], np.array([2, 1, 6, 7]) * 4 / 64, rtol=1e-6)
    np.testing.assert_allclose(a[55], sigmoid(3.0) * sigmoid(2.0), rtol=1e-5)
    kpts_b = b[:51].reshape(17, 3)
    np.testing.assert_allclose(kpts_b[:, :2], np.tile([11 * 4 / 64, 11 * 4 / 64], (17, 1)), rtol=1e-6)
    np.testing.assert_allclose(b[51:55], np.array([8, 9, 14, 15]) * 4 / 64, rtol=1e-6)
    np.testing.assert_allclose(b[55], sigmoid(1.0) * sigmoid(1.0), rtol=1e-5)
    assert (out[0, 2:, 55] < 1e-6).all()  # the rest are flat background "peaks"


def test_multi_pose_box_is_clipped_to_the_map():
    h = w = 8
    heads = {k: torch.zeros((1, c, h, w)) for k, c in
             [("kpt_heatmap", 17), ("kpt_regress", 34), ("kpt_offset", 34), ("box_scale", 2), ("box_offset", 2)]}
    heads["center"] = torch.full((1, 1, h, w), LOW)
    heads["center"][0, 0, 1, 1] = 5.0
    heads["box_scale"][0, :, 1, 1] = 20.0  # far larger than the map
    out = decode_multi_pose(heads, MultiPoseDecoding())
    np.testing.assert_allclose(out[0, 0, 51:55], [0.0, 0.0, 1.0, 1.0])
