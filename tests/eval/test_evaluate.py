"""End to end on four real COCO val2017 images (tests/fixtures/coco_mini): our detector against the
official TF.js results for the same images, partial failures, results files, the CLI."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

pytest.importorskip("pycocotools")

from conftest import FIXTURES, requires_litert

import movenet
from movenet.cli.main import main
from movenet.errors import InvalidInputError
from movenet.eval import evaluate, evaluate_results, load_coco_keypoints

MINI = FIXTURES / "coco_mini"
ANNOTATIONS = MINI / "annotations.json"


def _official(model: str) -> list[dict]:
    return json.loads((MINI / f"official_{model}_tfjs.json").read_text())


@pytest.mark.parametrize("model", ["lightning", "multipose"])
def test_compat_mode_scores_exactly_like_the_official_runtime(model):
    """Same poses as Google's estimatePoses (compat, default min score), so the same metrics."""
    detector = movenet.create_detector(model, compat="tfjs")
    ours, results = evaluate(detector, ANNOTATIONS, MINI / "images", "multi", progress=False, bootstrap=0)
    official = evaluate_results(ANNOTATIONS, _official(model), "multi", bootstrap=0)
    assert ours.samples == official.samples == 4 and ours.people == official.people == 6
    assert ours.predictions == official.predictions == len(_official(model))
    assert ours.metrics == official.metrics
    key = lambda r: (r["image_id"], -r["score"])
    for mine, theirs in zip(sorted(results, key=key), sorted(_official(model), key=key)):
        assert mine["image_id"] == theirs["image_id"]
        np.testing.assert_allclose(mine["keypoints"], theirs["keypoints"], atol=0.01)
    assert ours.metrics.AP > 20.0  # real poses, not a degenerate score


def test_single_crop_keypoints_are_in_full_image_pixels():
    detector = movenet.create_detector("thunder", min_pose_score=0.0)
    report, results = evaluate(detector, ANNOTATIONS, MINI / "images", "single-crop", progress=False, bootstrap=0)
    assert report.samples == report.people == len(results) == 6
    data = load_coco_keypoints(ANNOTATIONS)
    by_id = {a.id: a for a in data.annotations}
    near = []
    for r in results:
        gt = np.asarray(by_id[r["annotation_id"]].keypoints).reshape(17, 3)
        pred = np.asarray(r["keypoints"]).reshape(17, 3)
        labelled = gt[:, 2] > 0
        scale = np.sqrt(by_id[r["annotation_id"]].area)
        near += list(np.linalg.norm(pred[labelled, :2] - gt[labelled, :2], axis=1) < 0.5 * scale)
    # most labelled keypoints land near the annotation in the full image's coordinates (without
    # the crop offset they would all be off)
    assert len(near) == 49 and np.mean(near) >= 0.8
    again = evaluate_results(ANNOTATIONS, results, "single-crop", bootstrap=0)
    assert again.metrics == report.metrics  # the written results score the same


def test_unreadable_images_are_listed_and_the_rest_scored(tmp_path):
    images = tmp_path / "images"
    shutil.copytree(MINI / "images", images)
    (images / "000000000785.jpg").write_bytes(b"")  # empty file
    (images / "000000117425.jpg").unlink()  # missing
    detector = movenet.create_detector("lightning", min_pose_score=0.0)
    report, _ = evaluate(detector, ANNOTATIONS, images, "single-crop", progress=False, bootstrap=0)
    assert len(report.failures) == 2
    assert any("000000000785.jpg: empty file" in f for f in report.failures)
    assert any("000000117425.jpg: no such file" in f for f in report.failures)
    assert report.samples == 6 and report.predictions == 2  # the 4 failed people count as misses
    assert report.metrics.AR <= 100.0 * 2 / 6
    for f in images.iterdir():
        f.unlink()
    with pytest.raises(InvalidInputError, match="no test image could be read"):
        evaluate(detector, ANNOTATIONS, images, "single-crop", progress=False, bootstrap=0)


def test_results_for_other_images_are_refused():
    results = _official("lightning")
    with pytest.raises(InvalidInputError, match="results are for different images: 1 image id"):
        evaluate_results(ANNOTATIONS, results + [{**results[0], "image_id": 42}], "multi")
    with pytest.raises(InvalidInputError, match="single-crop results need 'annotation_id'"):
        evaluate_results(ANNOTATIONS, results, "single-crop")
    with pytest.raises(InvalidInputError, match="needs image_id, keypoints and score"):
        evaluate_results(ANNOTATIONS, [{"image_id": 785}], "multi")
    with pytest.raises(InvalidInputError, match="JSON list"):
        evaluate_results(ANNOTATIONS, {"image_id": 785}, "multi")


def test_empty_protocol_selection_is_an_error(tmp_path):
    data = json.loads(ANNOTATIONS.read_text())
    data["annotations"] = [a for a in data["annotations"] if a["num_keypoints"] == 0]
    path = tmp_path / "a.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InvalidInputError, match="protocol 'single-crop': no test images"):
        evaluate(movenet.create_detector("lightning"), path, MINI / "images", progress=False)


@requires_litert
def test_googles_runtime_on_the_same_protocol():
    pytest.importorskip("ai_edge_litert")
    kwargs = {"protocol": "single-crop", "progress": False, "bootstrap": 0}
    ours, _ = evaluate(movenet.create_detector("lightning", min_pose_score=0.0), ANNOTATIONS, MINI / "images", **kwargs)
    google, _ = evaluate(movenet.create_detector("lightning", runtime="litert", min_pose_score=0.0),
                         ANNOTATIONS, MINI / "images", **kwargs)
    assert ours.metrics == google.metrics


def test_cli_json_and_exit_codes(tmp_path, capsys):
    out = tmp_path / "m.json"
    saved = tmp_path / "poses.json"
    code = main(["eval", "--annotations", str(ANNOTATIONS), "--images", str(MINI / "images"),
                 "--model", "lightning", "--json", str(out), "--save-results", str(saved), "--bootstrap", "100"])
    assert code == 0
    metrics = json.loads(out.read_text())
    for key in ("AP", "AP50", "AP75", "APm", "APl", "AR"):
        assert 0.0 <= metrics[key] <= 100.0
    assert metrics["protocol"] == "single-crop" and metrics["model"] == "lightning"
    assert metrics["people"] == metrics["samples"] == 6 and len(metrics["AP_ci95"]) == 2
    assert "AP " in capsys.readouterr().out
    code = main(["eval", "--annotations", str(ANNOTATIONS), "--results", str(saved), "--json", "-", "--bootstrap", "100"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["AP"] == metrics["AP"]
    assert main(["eval", "--annotations", str(ANNOTATIONS)]) == 2
    assert "give --images DIR" in capsys.readouterr().err
