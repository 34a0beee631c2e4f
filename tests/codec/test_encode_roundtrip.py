"""Encode ground truth, run the official decoding on the targets, get the ground truth back.

The heatmap targets go in as logits; the decoding picks the floored cells (or a neighbour whose
offset target still points at the keypoint), so positions come back exactly (float precision), well
inside the grid quantisation the issue allows."""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")

import numpy as np
import torch

from movenet.codec import (
    MultiPoseDecoding,
    SinglePoseDecoding,
    decode_multi_pose,
    decode_single_pose,
)
from movenet.codec.encode import (
    KEYPOINT_STD_DEVS,
    PersonLabel,
    box_sigma,
    encode_targets,
    gaussian_radius,
    logit,
)

GRID = (48, 48)


def _person(rng, center, half, missing=()):
    cy, cx = center
    kps = np.zeros((17, 3), np.float32)
    kps[:, 0] = cy + rng.uniform(-half[0], half[0], 17)
    kps[:, 1] = cx + rng.uniform(-half[1], half[1], 17)
    kps[:, 2] = 1
    kps[list(missing), 2] = 0
    box = (cy - half[0] - 1.5, cx - half[1] - 1.5, cy + half[0] + 1.5, cx + half[1] + 1.5)
    return PersonLabel(kps, box)


def _heads(targets, names):
    out = {}
    for name in names:
        value = targets[name]
        if name in ("center", "kpt_heatmap"):
            value = logit(value)
        out[name] = torch.from_numpy(value)[None]
    return out


def test_single_pose_round_trip_several_people():
    rng = np.random.default_rng(0)
    for trial in range(8):
        target = _person(rng, (24 + rng.uniform(-2, 2), 24 + rng.uniform(-2, 2)), (14, 7), missing=(3, 4))
        other = _person(rng, (rng.uniform(6, 10), rng.uniform(38, 42)), (4, 4))  # at the edge of the crop
        targets = encode_targets([target, other], GRID)
        heads = _heads(targets, ("kpt_heatmap", "kpt_regress", "center", "kpt_offset"))
        decoding = SinglePoseDecoding.default(GRID)
        out = decode_single_pose(heads, decoding)[0, 0].numpy()  # (17, 3) y, x normalised, score
        labelled = target.keypoints[:, 2] > 0
        expected = target.keypoints[:, :2] * np.array(decoding.output_scale, np.float32)
        np.testing.assert_allclose(out[labelled, :2], expected[labelled], atol=1e-5)
        assert (out[labelled, 2] > 0.5).all()  # confident where labelled


def test_multi_pose_round_trip():
    rng = np.random.default_rng(1)
    grid = (64, 48)
    people = [_person(rng, (18, 12), (10, 6)), _person(rng, (40, 34), (12, 7), missing=(0,)),
              _person(rng, (50, 10), (6, 5))]
    targets = encode_targets(people, grid, multi_pose=True)
    heads = _heads(targets, ("kpt_heatmap", "kpt_regress", "center", "kpt_offset", "box_scale", "box_offset"))
    out = decode_multi_pose(heads, MultiPoseDecoding())[0].numpy()  # (6, 56)
    found = out[out[:, 55] > 0.3]
    assert len(found) == 3
    for person in people:
        kps = found[:, :51].reshape(-1, 17, 3)
        cy = (person.box[0] + person.box[2]) / 2
        match = np.argmin(np.abs(kps[:, :, 0].mean(1) * grid[0] - cy))
        labelled = person.keypoints[:, 2] > 0
        got = kps[match][:, :2] * np.array(grid, np.float32)
        np.testing.assert_allclose(got[labelled], person.keypoints[labelled, :2], atol=1e-3)
        box = found[match, 51:55] * np.array(grid * 2, np.float32)
        np.testing.assert_allclose(box, person.box, atol=1e-3)


def test_targets_by_hand():
    kps = np.zeros((17, 3), np.float32)
    kps[0] = (10.25, 20.75, 1)  # nose
    kps[15] = (20.25, 21.75, 1)  # left ankle; the other 15 keypoints unlabelled
    person = PersonLabel(kps, (5.0, 15.0, 25.0, 27.0))  # centre = keypoint mean (15.25, 21.25): cell (15, 21)
    t = encode_targets([person], GRID)
    assert t["center"][0, 15, 21] == 1.0 and t["kpt_heatmap"][0, 10, 20] == 1.0
    np.testing.assert_allclose(t["kpt_regress"][0:2, 15, 21], (10.25 - 15, 20.75 - 21))
    assert t["kpt_regress_weight"][:, 15, 21].sum() == 4  # nose and ankle, (y, x) each
    np.testing.assert_allclose(t["kpt_offset"][0:2, 10, 20], (0.25, 0.75))
    np.testing.assert_allclose(t["kpt_offset"][0:2, 12, 21], (10.25 - 12, 20.75 - 21))
    assert t["kpt_offset_weight"][0, 13, 20] == 1 and t["kpt_offset_weight"][0, 14, 20] == 0  # radius 3
    # unlabelled keypoints: masked inside the box, counted outside it
    assert t["kpt_heatmap_weight"][5, 5:25, 15:27].sum() == 0 and t["kpt_heatmap_weight"][5, 30, 30] == 1
    assert t["num_people"] == 1 and t["num_keypoints"] == 2 and t["num_offsets"] == 58  # 29 cells in r <= 3
    sigma = box_sigma(20, 12)
    assert abs(t["kpt_heatmap"][0, 10, 21] - np.exp(-1 / (2 * (KEYPOINT_STD_DEVS[0] * sigma) ** 2))) < 1e-6
    # MultiPose: the box comes back around the peak (box centre (15, 21) = cell (15, 21) + offset)
    m = encode_targets([person], GRID, multi_pose=True)
    np.testing.assert_allclose(m["box_scale"][:, 15, 21], (20, 12))
    np.testing.assert_allclose(m["box_offset"][:, 15, 21], (0.0, 0.0))
    # nobody labelled: the box centre
    kps[:, 2] = 0
    assert encode_targets([PersonLabel(kps, (5.0, 15.0, 25.0, 27.0))], GRID)["center"][0, 15, 21] == 1.0


def test_gaussian_radius_by_hand():
    # a square box of side 10 (TF OD API `max_distance_for_overlap`, root (-b + sqrt(b^2 - 4ac)) / 2):
    # offset case a=1, b=-20, c=100*0.3/1.7: 19.07; detection inside: a=4, b=-40, c=30: 36.73;
    # ground truth inside: a=2.8, b=-28, c=-30: (-28 + sqrt(784 + 336)) / 2 = 2.733 -> the minimum
    assert abs(gaussian_radius(10, 10) - (-28 + np.sqrt(784 + 336)) / 2) < 1e-9
    assert box_sigma(10, 10) == (2 * 2 + 1) / 6
