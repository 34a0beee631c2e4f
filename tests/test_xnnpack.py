"""Our int8 .tflite files in LiteRT (runtime xnnpack): parity bounds on the golden inputs, the
default choice for int8, the folded padding, and the missing-file message."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ai_edge_litert", reason="needs the litert extra: pip install -e '.[litert]'")

from conftest import EXAMPLE_IMAGE, GOLDEN, golden_outputs, read_png

import movenet
from movenet.errors import InvalidInputError, WeightsError
from movenet.export.tflite_graph import fold_same_padding
from movenet.io.image import load_image
from movenet.parity import keypoint_distances_px
from movenet.registry import list_models
from movenet.runtime import default_runtime
from movenet.runtime.xnnpack_runtime import XnnpackRuntime, xnnpack_file

SHIPPED = [name for name in list_models() if xnnpack_file(name).is_file()]
# Median / 90th-percentile keypoint distance to the official float outputs on the golden inputs,
# in model-input pixels: the bounds of the onnxruntime int8 files (tests/test_parity.py).
# Measured (lightning): see README, Precision.
BOUNDS_PX = {"lightning": (1.0, 3.0), "thunder": (0.6, 2.0), "multipose": (0.8, 2.0)}


@pytest.mark.parametrize("name", SHIPPED)
def test_int8_tflite_stays_close_to_the_official_outputs(name):
    model = XnnpackRuntime(name, threads=1)
    distances = []
    for entry in golden_outputs()[name]:
        image = read_png(GOLDEN / entry["input"])
        if max(image.shape[:2]) > max(model.input_shape):
            continue  # MultiPose: inputs up to its 256x256 file (larger ones: test below)
        official = np.asarray(entry["output"], np.float32).reshape(entry["output_shape"])
        distances.append(keypoint_distances_px(name, model(image.astype(np.int32)), official, image.shape[:2]))
    d = np.concatenate(distances)
    median, p90 = np.median(d), np.percentile(d, 90)
    print(f"{name} xnnpack int8: {d.size} keypoints, median {median:.2f} px, p90 {p90:.2f} px")
    assert median <= BOUNDS_PX[name][0] and p90 <= BOUNDS_PX[name][1]


def test_every_movenet_model_ships_an_int8_tflite():
    assert SHIPPED == list_models("movenet")


@pytest.mark.parametrize("name", list_models("movenet"))
def test_int8_default_is_xnnpack_where_its_file_ships(name):
    expected = "xnnpack" if name in SHIPPED else "onnxruntime"
    assert default_runtime("int8", name) == expected
    assert default_runtime("fp32", name) != "xnnpack"
    assert movenet.create_detector(name, precision="int8").options.runtime == expected


def test_multipose_int8_beyond_its_256_file_falls_back_to_onnxruntime():
    detector = movenet.create_detector("multipose", precision="int8", multipose_max_dimension=320)
    assert detector.options.runtime == "onnxruntime"
    runtime = XnnpackRuntime("multipose", threads=1)
    with pytest.raises(InvalidInputError, match="takes inputs up to 256x256, got 320x320"):
        runtime(np.zeros((320, 320, 3), np.uint8))


def test_multipose_smaller_inputs_are_padded_and_scaled_back():
    """A 192x256 golden input padded to the 256x256 file: its poses land where the official
    outputs put them (normalised to the 192x256 input), within the int8 bounds."""
    runtime = XnnpackRuntime("multipose", threads=1)
    checked = []
    for entry in golden_outputs()["multipose"]:
        image = read_png(GOLDEN / entry["input"])
        if image.shape[:2] not in ((192, 256), (256, 192), (160, 256)):
            continue
        official = np.asarray(entry["output"], np.float32).reshape(entry["output_shape"])
        out = runtime(image.astype(np.int32))
        assert out.shape == official.shape and (out[..., 51:55] >= 0).all() and (out[..., 51:55] <= 1).all()
        checked.append(keypoint_distances_px("multipose", out, official, image.shape[:2]))
    d = np.concatenate(checked)
    assert len(checked) >= 3 and np.median(d) <= BOUNDS_PX["multipose"][0] and np.percentile(d, 90) <= BOUNDS_PX["multipose"][1]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_files_have_no_padding_left_to_fold(name):
    data = xnnpack_file(name).read_bytes()
    _, count = fold_same_padding(data)
    assert count == 0


def test_detector_int8_tflite_agrees_with_float_on_a_photo():
    image = load_image(EXAMPLE_IMAGE)
    fp32 = movenet.create_detector("lightning").estimate_poses(image)[0]
    int8 = movenet.create_detector("lightning", precision="int8", runtime="xnnpack").estimate_poses(image)[0]
    a, b = fp32.to_array(), int8.to_array()
    confident = a[:, 2] > 0.3
    distance = np.hypot(*(a[:, :2] - b[:, :2])[confident].T)
    assert confident.sum() >= 10 and np.median(distance) < 3.0


def test_missing_tflite_says_how_to_make_it(tmp_path):
    with pytest.raises(WeightsError, match="movenet quantize --format tflite"):
        XnnpackRuntime("lightning", weights=tmp_path / "absent.tflite")
