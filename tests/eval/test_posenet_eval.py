"""PoseNet and BlazePose in `movenet eval` and `movenet bench`: PoseNet's metrics on four COCO
val images equal those of Google's PoseNet client's own poses (tests/fixtures/posenet), the CLI
options, and the bench rows."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("pycocotools")

from conftest import FIXTURES

import movenet
from movenet.cli.main import main
from movenet.eval import evaluate, evaluate_results, load_coco_keypoints

MINI = FIXTURES / "coco_mini"
ANNOTATIONS = MINI / "annotations.json"


def official_results(kind: str) -> list[dict]:
    """The official client's poses for the coco_mini images as COCO keypoint results."""
    dataset = load_coco_keypoints(ANNOTATIONS)
    ids = {image.file_name: image.id for image in dataset.images.values()}
    records = json.loads((FIXTURES / "posenet" / "official_257.json").read_text())["results"]
    out = []
    for record in records:
        name = record["id"].split("/")[-1]
        if name not in ids:
            continue
        poses = [record["single"]] if kind == "single" else record["multi"]
        for pose in poses:
            xy_score = [v for k in pose["keypoints"] for v in (k["x"], k["y"], k["score"])]
            out.append({"image_id": ids[name], "category_id": 1, "keypoints": xy_score, "score": pose["score"]})
    return out


@pytest.mark.parametrize("max_poses, protocol", [(5, "multi"), (1, "single-image"), (5, "single-image")])
def test_posenet_scores_like_the_official_client(max_poses, protocol):
    detector = movenet.create_detector("posenet", max_poses=max_poses, min_pose_score=0.0, threads=1)
    ours, _ = evaluate(detector, ANNOTATIONS, MINI / "images", protocol, progress=False, bootstrap=0)
    official = evaluate_results(ANNOTATIONS, official_results("single" if max_poses == 1 else "multi"), protocol, bootstrap=0)
    assert ours.model == "posenet" and ours.predictions == official.predictions
    for field in ("AP", "AP50", "AP75", "APm", "APl", "AR"):
        assert getattr(ours.metrics, field) == pytest.approx(getattr(official.metrics, field), abs=1e-9), field
    assert ours.metrics.AP > 10.0  # real poses, not a degenerate score


def test_cli_eval_posenet_and_blazepose(tmp_path, capsys):
    out = tmp_path / "m.json"
    code = main(["eval", "--annotations", str(ANNOTATIONS), "--images", str(MINI / "images"), "--model", "posenet",
                 "--max-poses", "1", "--input-resolution", "353", "--protocol", "single-image", "--bootstrap", "0",
                 "--threads", "1", "--json", str(out)])
    assert code == 0
    payload = json.loads(out.read_text())
    assert payload["model"] == "posenet" and payload["max_poses"] == 1 and payload["input_resolution"] == 353
    assert "posenet, protocol single-image" in capsys.readouterr().out
    import importlib.util

    if importlib.util.find_spec("mediapipe") is None:  # where it is installed, tests/peers runs it
        code = main(["eval", "--annotations", str(ANNOTATIONS), "--images", str(MINI / "images"), "--model", "blazepose"])
        assert code == 2
        assert "blazepose needs the mediapipe package" in capsys.readouterr().err


def test_bench_rows_for_posenet(tmp_path):
    out = tmp_path / "bench.json"
    assert main(["bench", "--models", "posenet", "blazepose", "--runtimes", "onnxruntime", "--threads", "1",
                 "--precisions", "fp32", "--rounds", "2", "--block", "1", "--warmup", "1", "--pause-ms", "0",
                 "--json", str(out)]) == 0
    rows = json.loads(out.read_text())["rows"]
    kinds = {(r["kind"], r["model"], r["runtime"]) for r in rows}
    assert {("model", "posenet", "onnxruntime"), ("end_to_end", "posenet", "onnxruntime")} <= kinds
    assert not any(r["runtime"] == "litert" for r in rows)  # Google ships no PoseNet .tflite here
    from movenet.peers import peer_available

    assert (("end_to_end", "blazepose", "mediapipe") in kinds) == peer_available("blazepose")
    assert all(r["median_ms"] >= r["min_ms"] > 0 for r in rows)


def test_bench_input_is_the_models_contract():
    from movenet.benchmark import bench_input

    x = bench_input("posenet", 2)
    assert x.shape == (2, 257, 257, 3) and x.dtype == np.float32
    assert bench_input("lightning", 1).dtype == np.int32
