"""Quarter turns of the SinglePose heads (`codec.rotate`): the targets of turned people are the
turned targets, the decoding of turned heads is the turned decoding (on the official model's heads),
and the turn is the one `movenet eval --rotate` makes."""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")

import numpy as np
import torch

pytest.importorskip("pycocotools")

from conftest import FIXTURES

from movenet.codec import SinglePoseDecoding, decode_single_pose
from movenet.codec.encode import PersonLabel, encode_targets
from movenet.codec.rotate import rotate_heads, rotate_keypoints
from movenet.registry import get_spec
from movenet.train.augment import AugmentConfig
from movenet.train.data import PoseDataset, build_samples
from movenet.weights.store import load_model

GRID = 48
ANNOTATIONS = FIXTURES / "coco_mini" / "annotations.json"
IMAGES = FIXTURES / "coco_mini" / "images"


def _person(rng) -> PersonLabel:
    cy, cx = rng.uniform(14, 34, 2)
    kps = np.zeros((17, 3), np.float32)
    kps[:, 0] = cy + rng.uniform(-12, 12, 17)
    kps[:, 1] = cx + rng.uniform(-6, 6, 17)
    kps[:, 2] = 1
    kps[rng.choice(17, 3, replace=False), 2] = 0
    return PersonLabel(kps, (cy - 13.3, cx - 7.1, cy + 13.6, cx + 7.4))


def _turn_person(person: PersonLabel, turns: int) -> PersonLabel:
    kps = person.keypoints.copy()
    kps[:, :2] = rotate_keypoints(torch.from_numpy(kps[:, :2]), turns, float(GRID)).numpy()
    y0, x0, y1, x1 = person.box
    for _ in range(turns):
        y0, x0, y1, x1 = GRID - x1, y0, GRID - x0, y1
    return PersonLabel(kps, (y0, x0, y1, x1))


def _as_batch(targets: dict, names) -> dict[str, torch.Tensor]:
    return {n: torch.from_numpy(targets[n])[None] for n in names}


def test_targets_of_turned_people_are_the_turned_targets():
    """encode(turn(people)) == turn(encode(people)): maps by their cells, the regression field as
    vectors, offsets re-anchored to the turned cells (1 - o on the flipped axis)."""
    rng = np.random.default_rng(3)
    for _ in range(4):
        people = [_person(rng), _person(rng)]
        upright = encode_targets(people, (GRID, GRID))
        for turns in (1, 2, 3):
            turned = encode_targets([_turn_person(p, turns) for p in people], (GRID, GRID))
            heads = rotate_heads(_as_batch(upright, ("center", "kpt_heatmap", "kpt_regress", "kpt_offset")), turns)
            for name in ("center", "kpt_heatmap"):
                np.testing.assert_allclose(heads[name][0].numpy(), turned[name], atol=1e-6)
                weight = torch.rot90(torch.from_numpy(upright[name + "_weight"]), turns, dims=(1, 2)).numpy()
                np.testing.assert_array_equal(weight, turned[name + "_weight"])
            # The encoder's regression target is keypoint - floor(centre), a point minus a cell like the
            # offsets, so its turn is the offsets' one; the network's regression field is turned as a
            # vector, which is what the decoding needs (it compares centre cell + field with cell
            # indices: the next test), the encoder's half-cell convention aside.
            as_points = rotate_heads({"kpt_offset": torch.from_numpy(upright["kpt_regress"])[None]}, turns)
            for name, value in (("kpt_offset", heads["kpt_offset"]), ("kpt_regress", as_points["kpt_offset"])):
                mask = turned[name + "_weight"] > 0
                assert mask.sum() > 0
                np.testing.assert_array_equal(torch.rot90(torch.from_numpy(upright[name + "_weight"]), turns,
                                                          dims=(1, 2)).numpy(), turned[name + "_weight"])
                np.testing.assert_allclose(value[0].numpy()[mask], turned[name][mask], atol=1e-5)


def test_four_quarter_turns_are_the_identity_and_multipose_heads_are_refused():
    heads = {"center": torch.randn(2, 1, 6, 6), "kpt_heatmap": torch.randn(2, 17, 6, 6),
             "kpt_regress": torch.randn(2, 34, 6, 6), "kpt_offset": torch.rand(2, 34, 6, 6)}
    back = rotate_heads(rotate_heads(heads, 3), 1)
    for name, value in heads.items():
        torch.testing.assert_close(back[name], value, atol=1e-6, rtol=0)
    # one turn by hand: offset (oy, ox) at cell (y, x) -> (1 - ox, oy) at cell (5 - x, y)
    one = rotate_heads(heads, 1)
    assert float(one["kpt_offset"][0, 0, 5 - 4, 1]) == pytest.approx(1 - float(heads["kpt_offset"][0, 1, 1, 4]))
    assert float(one["kpt_regress"][0, 0, 5 - 4, 1]) == pytest.approx(-float(heads["kpt_regress"][0, 1, 1, 4]))
    with pytest.raises(ValueError, match="box_scale"):
        rotate_heads({**heads, "box_scale": torch.zeros(1, 2, 6, 6)}, 1)


@pytest.fixture(scope="module")
def official_heads():
    """The official Lightning's raw heads on the 6 person crops of the fixture, as at inference."""
    samples, _ = build_samples(ANNOTATIONS, IMAGES)
    dataset = PoseDataset(samples, get_spec("lightning"), AugmentConfig.none(), targets=False)
    images = torch.stack([dataset[i]["image"] for i in range(len(dataset))])
    network, decoding = load_model("lightning")
    with torch.no_grad():
        return network(images), decoding


def test_decoding_turned_official_heads_gives_the_turned_keypoints(official_heads):
    """decode(turn(heads)) == turn(decode(heads)) to float precision with a centre weighting that is
    symmetric under turns; with the official one (peak at cell 24, 24, not the grid centre 23.5)
    wherever the turn leaves the chosen centre cell the same."""
    heads, official = official_heads
    yy, xx = np.mgrid[0:GRID, 0:GRID]
    symmetric = (1.0 / (np.hypot(yy - 23.5, xx - 23.5) + 1.8)).astype(np.float32)
    decodings = {"symmetric": SinglePoseDecoding(symmetric, official.distance_epsilon, official.output_scale),
                 "official": official}
    upright = {name: decode_single_pose(heads, d)[:, 0] for name, d in decodings.items()}
    extent = GRID * official.output_scale[0]
    same_centre = 0
    for turns in (1, 2, 3):
        turned_heads = rotate_heads(heads, turns)
        for name, decoding in decodings.items():
            turned = decode_single_pose(turned_heads, decoding)[:, 0]
            back = rotate_keypoints(turned[..., :2], 4 - turns, extent)
            error = (back - upright[name][..., :2]).abs().amax(dim=(1, 2))
            if name == "symmetric":
                assert float(error.max()) < 1e-5
                torch.testing.assert_close(turned[..., 2], upright[name][..., 2])
            else:
                weight = torch.from_numpy(official.center_weight)
                centre = (torch.sigmoid(heads["center"])[:, 0] * weight).flatten(1).argmax(1)
                centre_t = (torch.sigmoid(turned_heads["center"])[:, 0] * weight).flatten(1).argmax(1)
                cell_of = torch.rot90(torch.arange(GRID * GRID).view(1, GRID, GRID), turns, dims=(1, 2)).flatten()
                moved = cell_of[centre_t] != centre
                assert float(error[~moved].max()) < 1e-5 if bool((~moved).any()) else True
                same_centre += int((~moved).sum())
    assert same_centre >= 6  # the official weighting keeps most centres: the check above is not empty


def test_the_turn_is_the_one_of_eval_rotate():
    """Points turn as `movenet eval --rotate` turns them ((x, y) -> (y, W - x) in a W x W crop, here in
    normalised (y, x)), and the input turn is its `np.rot90`. On coco-val2017 a network that answers
    a turned crop with its turned upright heads scores 32.8-33.5 AP against the upright 34.0, and
    33.0-35.0 lower with offsets re-anchored half a cell off (`python tools/rotation_convention.py`)."""
    from movenet.eval.rotation import rotate_image, rotate_points

    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 120, (10, 2))
    for degrees in (90, 180, 270):
        expected = rotate_points(xy, degrees, 120, 120) / 120
        yx = rotate_keypoints(torch.from_numpy(xy[:, ::-1] / 120), degrees // 90).numpy()
        np.testing.assert_allclose(yx[:, ::-1], expected, atol=1e-12)
        image = rng.integers(0, 255, (5, 5, 3))
        np.testing.assert_array_equal(
            torch.rot90(torch.from_numpy(image).permute(2, 0, 1), degrees // 90, dims=(1, 2)).permute(1, 2, 0).numpy(),
            rotate_image(image, degrees))
