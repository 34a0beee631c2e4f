"""Our int8 .tflite files in LiteRT (runtime xnnpack): parity bounds on the golden inputs, the
default choice for int8, the folded padding, and the missing-file message."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ai_edge_litert", reason="needs the litert extra: pip install -e '.[litert]'")

from conftest import EXAMPLE_IMAGE, GOLDEN, golden_outputs, read_png

import movenet
from movenet.errors import WeightsError
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


def test_lightning_int8_tflite_ships():
    assert "lightning" in SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_int8_tflite_stays_close_to_the_official_outputs(name):
    model = XnnpackRuntime(name, threads=1)
    distances = []
    for entry in golden_outputs()[name]:
        image = read_png(GOLDEN / entry["input"])
        official = np.asarray(entry["output"], np.float32).reshape(entry["output_shape"])
        distances.append(keypoint_distances_px(name, model(image.astype(np.int32)), official, image.shape[:2]))
    d = np.concatenate(distances)
    median, p90 = np.median(d), np.percentile(d, 90)
    print(f"{name} xnnpack int8: {d.size} keypoints, median {median:.2f} px, p90 {p90:.2f} px")
    assert median <= BOUNDS_PX[name][0] and p90 <= BOUNDS_PX[name][1]


@pytest.mark.parametrize("name", list_models("movenet"))
def test_int8_default_is_xnnpack_where_its_file_ships(name):
    expected = "xnnpack" if name in SHIPPED else "onnxruntime"
    assert default_runtime("int8", name) == expected
    assert default_runtime("fp32", name) == "onnxruntime"
    assert movenet.create_detector(name, precision="int8").options.runtime == expected


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
