"""Keypoints back in image pixels, against the official estimatePoses output on a real photo.

The official run (tests/fixtures/oracle_pose_jpg.json, from the oracle's still run) used the
centre-square first crop; run on the same region, our pixels must agree within 0.5 px for every
keypoint it scores >= 0.3, and scores within 1e-3.
"""

import json

import numpy as np
import pytest

from conftest import EXAMPLE_IMAGE, FIXTURES, runtime
from movenet.io.image import load_image
from movenet.pipelines.still import multi_pose, single_pose, single_pose_in_region, single_pose_score
from movenet.preprocess.crop import CropRegion, center_square_region
from movenet.skeleton import KEYPOINT_NAMES

ORACLE = json.loads((FIXTURES / "oracle_pose_jpg.json").read_text())["models"]
PX_TOL, SCORE_TOL, CONFIDENT = 0.5, 1e-3, 0.3


def _assert_keypoints_match(pose, official):
    assert [k.name for k in pose.keypoints] == [k["name"] for k in official["keypoints"]]
    for ours, ref in zip(pose.keypoints, official["keypoints"]):
        assert abs(ours.score - ref["score"]) <= SCORE_TOL, ref["name"]
        if ref["score"] >= CONFIDENT:
            assert abs(ours.x - ref["x"]) <= PX_TOL and abs(ours.y - ref["y"]) <= PX_TOL, ref["name"]


@pytest.mark.parametrize("name", ["lightning", "thunder"])
def test_single_pose_pixels_match_official(name):
    image = load_image(EXAMPLE_IMAGE)
    c = ORACLE[name]["crop_region"]
    region = CropRegion(c["yMin"], c["xMin"], c["yMax"], c["xMax"])
    assert region == pytest.approx(center_square_region(*image.shape[:2]))  # official first crop
    pose = single_pose_in_region(runtime(name), image, region)
    official = ORACLE[name]["poses"][0]
    _assert_keypoints_match(pose, official)
    assert pose.score == pytest.approx(official["score"], abs=SCORE_TOL)


def test_multipose_pixels_and_box_match_official():
    image = load_image(EXAMPLE_IMAGE)
    poses = multi_pose(runtime("multipose"), image)
    official = ORACLE["multipose"]["poses"]
    assert len(poses) == len(official) == 1
    _assert_keypoints_match(poses[0], official[0])
    assert poses[0].score == pytest.approx(official[0]["score"], abs=SCORE_TOL)
    # The official box is normalised to the padded model input; ours is in image pixels.
    b, resize = official[0]["box"], ORACLE["multipose"]["multipose_resize"]
    sy = resize["padded"][0] / resize["resized"][0] * image.shape[0]
    sx = resize["padded"][1] / resize["resized"][1] * image.shape[1]
    expected = [b["xMin"] * sx, b["yMin"] * sy, b["xMax"] * sx, b["yMax"] * sy]
    np.testing.assert_allclose(poses[0].box.to_list(), expected, atol=PX_TOL)


def test_whole_image_single_pose_finds_the_person():
    image = load_image(EXAMPLE_IMAGE)
    pose = single_pose(runtime("lightning"), image)
    ref = {k["name"]: k for k in ORACLE["thunder"]["poses"][0]["keypoints"]}
    # the whole-image view agrees with the official Thunder result on the confident joints
    for k in pose.keypoints:
        if k.score >= 0.5 and ref[k.name]["score"] >= 0.5:
            assert abs(k.x - ref[k.name]["x"]) < 25 and abs(k.y - ref[k.name]["y"]) < 25, k.name
    array = pose.to_array()
    assert array.shape == (17, 3) and array.dtype == np.float32
    d = pose.to_dict()
    assert [k["name"] for k in d["keypoints"]] == list(KEYPOINT_NAMES) and d["id"] is None


def test_single_pose_score_rule():
    scores = np.array([0.1, 0.2, 0.3, 0.5] + [0.0] * 13, np.float32)
    assert single_pose_score(scores) == pytest.approx(0.4)  # mean of the scores > 0.2
    assert single_pose_score(np.zeros(17, np.float32)) == 0.0
