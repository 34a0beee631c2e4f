"""PoseNet end to end against Google's PoseNet client (`@tensorflow-models/posenet` 2.2.2 on
TF.js 4.22 wasm, run by tools/posenet_reference.py): the model input bit for bit, the heads, the
single- and multi-pose keypoints; plus the size rules, options and bad input. Light install."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from conftest import FIXTURES, REPO, SHARED

import movenet
from movenet.codec.posenet import DecodedPose
from movenet.errors import InvalidInputError, InvalidOptionError
from movenet.io.image import load_image
from movenet.pipelines.posenet import (
    Padding,
    PoseNetDetector,
    PoseNetOptions,
    pad_and_resize,
    to_image_keypoints,
    valid_resolution,
)
from movenet.runtime import create_runtime

POSENET = FIXTURES / "posenet"
PX, SCORE = 2e-3, 2e-5  # keypoints within 0.002 px, scores within 2e-5 of the official client


def _official(name: str) -> dict:
    return json.loads((POSENET / name).read_text())


def _xy_score(pose: dict) -> np.ndarray:
    return np.array([[k["x"], k["y"], k["score"]] for k in pose["keypoints"]])


@pytest.fixture(scope="module")
def runtime():
    return create_runtime("posenet", "onnxruntime", threads=1)


def _compare(records, runtime, root):
    """Max px and score deviation over every keypoint of every pose, single and multi."""
    worst_px = worst_score = 0.0
    for record in records:
        image = load_image(root / record["id"])
        for max_poses, official in ((1, [record["single"]]), (5, record["multi"])):
            detector = PoseNetDetector(runtime, PoseNetOptions(max_poses=max_poses, min_pose_score=0.0))
            ours = detector.detect_batch([image])[0]
            assert len(ours) == len(official), record["id"]
            for (xy_score, score), theirs in zip(ours, official):
                ref = _xy_score(theirs)
                worst_px = max(worst_px, np.abs(xy_score[:, :2] - ref[:, :2]).max())
                worst_score = max(worst_score, np.abs(xy_score[:, 2] - ref[:, 2]).max(), abs(score - theirs["score"]))
    return worst_px, worst_score


def test_model_inputs_are_the_official_bit_for_bit():
    for record in _official("official_257.json")["results"]:
        image = load_image(REPO / record["id"])
        model_input, padding = pad_and_resize(image, 257, 257)
        assert model_input.dtype == np.float32
        assert hashlib.sha256(model_input.tobytes()).hexdigest() == record["input_sha256"], record["id"]
        assert padding == Padding(**{k: record["padding"][k] for k in ("top", "bottom", "left", "right")})


def test_heads_match_the_official_client(runtime):
    """The network on the official model input of examples/pose.jpg vs the official heads."""
    official = np.load(POSENET / "official_pose_heads.npz")
    model_input, _ = pad_and_resize(load_image(REPO / "examples" / "pose.jpg"), 257, 257)
    out = runtime(model_input)[0]
    scores, rest = out[..., :17], out[..., 17:]
    ref_rest = np.concatenate([official[f"pose/{h}"] for h in ("offsets", "displacement_fwd", "displacement_bwd")], -1)
    assert np.abs(scores - official["pose/scores"]).max() < 1e-4
    assert np.abs(rest - ref_rest).max() / 257 < 1e-4  # pixels of the input, relative to its size
    assert np.abs(rest - ref_rest).max() < 0.005  # px


def test_poses_match_the_official_client(runtime):
    px, score = _compare(_official("official_257.json")["results"], runtime, REPO)
    assert px < PX and score < SCORE


@pytest.mark.skipif(not (SHARED / "data" / "coco-val2017" / "images").is_dir(), reason=f"needs {SHARED}/data")
def test_poses_match_the_official_client_on_coco_val(runtime):
    """The 58 images of shared/data/coco-val2017, whole, single and multi-pose decoding."""
    px, score = _compare(_official("official_coco_val_257.json")["results"], runtime, SHARED.parent)
    assert px < PX and score < SCORE


def test_valid_resolution_like_the_client():
    # floor(r / 16) * 16 + 1 (toValidInputResolution), so 256 becomes 257
    assert [valid_resolution(r) for r in (257, 256, 300, 353, 17)] == [257, 257, 289, 353, 17]


def test_pad_and_resize_geometry():
    tall = np.full((100, 50, 3), 200, np.uint8)
    out, pad = pad_and_resize(tall, 33, 33)
    assert out.shape == (33, 33, 3) and pad == Padding(0, 0, 25, 25)  # round(0.5 * (100 - 50))
    assert out[16, 0, 0] == 0 and out[16, 16, 0] == 200  # black bands left and right
    wide = np.zeros((51, 100, 3), np.uint8)
    assert pad_and_resize(wide, 17, 17)[1] == Padding(25, 25, 0, 0)  # round(24.5) = 25 (halves up)


def test_keypoints_scale_back_to_the_image():
    pose = DecodedPose(np.array([[128.0, 128.0, 0.5]] * 17), 0.5)
    xy = to_image_keypoints(pose, 100, 50, (257, 257), Padding(0, 0, 25, 25))
    # x: 128 * 100 / 257 - 25; y: 128 * 100 / 257
    np.testing.assert_allclose(xy[0], [128 * 100 / 257 - 25, 128 * 100 / 257, 0.5])


def test_detector_api_batches_flip_and_options():
    detector = movenet.create_detector("posenet", threads=1)
    image = load_image(REPO / "examples" / "three_people.jpg")
    poses = detector.estimate_poses(image)
    assert len(poses) == 3 and poses[0].score > poses[1].score > poses[2].score > 0.25  # 4th: 0.07
    batch = detector.estimate_poses([image, image[:, ::-1]], batch_size=2)
    assert [p.to_dict() for p in batch[0]] == [p.to_dict() for p in poses]
    mirrored = detector.estimate_poses(image, flip_horizontal=True)
    assert [p.to_dict() for p in mirrored] == [p.to_dict() for p in batch[1]]
    single = movenet.create_detector("posenet", max_poses=1, threads=1).estimate_poses(image)
    assert len(single) == 1
    coarse = movenet.create_detector("posenet", input_resolution=200, threads=1)
    assert coarse._pipeline.input_size == (193, 193)


def test_video_gives_track_ids_and_no_smoothing():
    detector = movenet.create_detector("posenet", threads=1)
    image = load_image(REPO / "examples" / "three_people.jpg")
    first = detector.estimate_poses(image, 0.0)
    second = detector.estimate_poses(image, 33.0)
    assert [p.id for p in first] == [1, 2, 3] and [p.id for p in second] == [1, 2, 3]
    assert [p.keypoints for p in first] == [p.keypoints for p in second]  # nothing filtered
    detector.reset()
    assert [p.id for p in detector.estimate_poses(image, 0.0)] == [4, 5, 6]


def test_bad_sizes_and_options_are_refused_clearly(runtime):
    with pytest.raises(InvalidInputError, match=r"posenet takes any height and width of the form 16k \+ 1.*got 256x256"):
        runtime(np.zeros((256, 256, 3), np.uint8))
    with pytest.raises(InvalidInputError, match="got 257x256"):
        runtime(np.zeros((1, 257, 256, 3), np.float32))
    assert runtime(np.zeros((17, 33, 3), np.uint8)).shape == (1, 2, 3, 115)
    with pytest.raises(InvalidOptionError, match="compat applies to MoveNet models"):
        movenet.create_detector("posenet", compat="tfjs")
    with pytest.raises(InvalidOptionError, match="only fp32"):
        movenet.create_detector("posenet", precision="int8")
    with pytest.raises(InvalidOptionError, match="input_resolution must be an integer in 17..1025"):
        movenet.create_detector("posenet", input_resolution=4000)
    with pytest.raises(InvalidOptionError, match="input_resolution applies to posenet"):
        movenet.create_detector("thunder", input_resolution=257)
    with pytest.raises(InvalidOptionError, match="refine applies to SinglePose"):
        movenet.create_detector("posenet", refine=True)
    with pytest.raises(InvalidOptionError, match="no Google .tflite file for posenet"):
        from movenet.runtime.litert_runtime import tflite_file

        tflite_file("posenet")


def test_cli_predict_and_track_with_posenet(tmp_path, capsys):
    from io_helpers import make_video

    from movenet.cli.main import main

    assert main(["predict", str(REPO / "examples" / "three_people.jpg"), "--model", "posenet", "--json", "-",
                 "--threads", "1"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert len(entry["poses"]) == 3 and all(p["id"] is None for p in entry["poses"])
    clip = make_video(tmp_path / "clip.mp4", n=4, size=(320, 240), fps=10.0)
    assert main(["track", str(clip), "--model", "posenet", "--max-poses", "1", "--jsonl", "-", "--threads", "1"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [len(line["poses"]) for line in lines] == [1, 1, 1, 1]
    assert [line["poses"][0]["id"] for line in lines] == [1, 1, 1, 1]  # one person, one track
