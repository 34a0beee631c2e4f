"""compat="tfjs" against the official estimatePoses on still images (fresh detector per image).

Pass 1 (what one call on a still image returns) must match within 0.5 px for every keypoint the
official run scores >= 0.3, and scores within 1e-3. Passes 2 and 3 (the same detector called
again: the smart-crop loop) start from a crop computed from keypoints that differ from the
official ones by ~1e-6; the float32 crop then samples pixels that differ by +-1 and a near-tie
in a heatmap arg-max can move a weak keypoint (the oracle's README measures 74 and 130 px between
Google's own wasm and cpu backends there). For those passes we require the same poses and
resets, >= 97 % of confident keypoints within 0.5 px and all within 20 px.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import (
    EXAMPLE_IMAGE,
    FIXTURES,
    oracle_still,
    requires_oracle_results,
    shared_image,
)

import movenet
from movenet.io.image import load_image

PX_TOL, SCORE_TOL, CONFIDENT = 0.5, 1e-3, 0.3
LATER_PASS_SHARE, LATER_PASS_MAX_PX = 0.97, 20.0


def compare(ours, official) -> tuple[list[float], list[float]]:
    """Pixel deviations of confident keypoints; deviations of keypoint and pose scores."""
    assert len(ours) == len(official)
    px, sc = [], []
    for o, r in zip(ours, official):
        assert [k.name for k in o.keypoints] == [k["name"] for k in r["keypoints"]]
        for ok, rk in zip(o.keypoints, r["keypoints"]):
            sc.append(abs(ok.score - rk["score"]))
            if rk["score"] >= CONFIDENT:
                px.append(max(abs(ok.x - rk["x"]), abs(ok.y - rk["y"])))
        sc.append(abs(o.score - r["score"]))
    return px, sc


def run_passes(detector, image, passes):
    detector.reset()
    per_pass = []
    for record in passes:
        per_pass.append(compare(detector.estimate_poses(image), record["poses"]))
    return per_pass


@pytest.mark.parametrize("name", movenet.list_models("movenet"))
def test_example_image_matches_official(name):
    passes = json.loads((FIXTURES / "oracle_pose_jpg.json").read_text())["models"][name]["passes"]
    detector = movenet.create_detector(name, compat="tfjs", runtime="onnxruntime")
    results = run_passes(detector, load_image(EXAMPLE_IMAGE), passes)
    px, sc = results[0]
    assert max(px) <= PX_TOL and max(sc) <= SCORE_TOL
    for px, _ in results[1:]:
        assert max(px, default=0.0) <= LATER_PASS_MAX_PX


def test_multipose_box_in_image_pixels():
    record = json.loads((FIXTURES / "oracle_pose_jpg.json").read_text())["models"]["multipose"]["passes"][0]
    poses = movenet.create_detector("multipose", compat="tfjs", runtime="onnxruntime").estimate_poses(EXAMPLE_IMAGE)
    b, resize = record["poses"][0]["box"], record["multipose_resize"]
    sy = resize["padded"][0] / resize["resized"][0] * 667
    sx = resize["padded"][1] / resize["resized"][1] * 1000
    expected = [b["xMin"] * sx, b["yMin"] * sy, b["xMax"] * sx, b["yMax"] * sy]
    np.testing.assert_allclose(poses[0].box.to_list(), expected, atol=PX_TOL)


@requires_oracle_results
@pytest.mark.parametrize("name", movenet.list_models("movenet"))
def test_every_oracle_still_image(name):
    detector = movenet.create_detector(name, compat="tfjs", runtime="onnxruntime")
    first_px, later_px = [], []
    for record in oracle_still()["models"][name]["images"]:
        results = run_passes(detector, shared_image(record["id"]), record["passes"])
        px, sc = results[0]
        assert max(px, default=0.0) <= PX_TOL, record["id"]
        assert max(sc, default=0.0) <= SCORE_TOL, record["id"]
        first_px += px
        for px, _ in results[1:]:
            later_px += px
    assert len(first_px) > 900
    if later_px:
        later = np.array(later_px)
        assert (later <= PX_TOL).mean() >= LATER_PASS_SHARE
        assert later.max() <= LATER_PASS_MAX_PX
