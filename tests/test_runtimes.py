"""The runtime table and the onnxruntime runtime's own errors."""

import numpy as np
import pytest
from conftest import GOLDEN, golden_outputs, read_png, requires_litert

from movenet.errors import InvalidOptionError, WeightsError
from movenet.parity import raw_output_deviation
from movenet.runtime import (
    available_runtimes,
    create_runtime,
    default_runtime,
    runtime_class,
)


def test_the_default_is_the_first_installed_of_the_preference_table():
    """fp32: onnxruntime for Lightning and Thunder, OpenVINO for MultiPose where the openvino extra is
    installed (faster there, docs/results/speed.md); bf16 / fp16 only with OpenVINO; unknown
    precisions refused."""
    assert "onnxruntime" in available_runtimes()
    assert default_runtime() == default_runtime("fp32", "thunder") == "onnxruntime"
    assert create_runtime("thunder").name == "onnxruntime"
    assert default_runtime("fp32", "multipose") == ("openvino" if "openvino" in available_runtimes() else "onnxruntime")
    if "openvino" not in available_runtimes():
        with pytest.raises(InvalidOptionError, match=r"precision 'bf16' needs the openvino runtime: pip install -e '\.\[openvino\]'"):
            default_runtime("bf16", "lightning")
    with pytest.raises(InvalidOptionError, match="precision must be one of"):
        default_runtime("int4", "lightning")


def test_unknown_runtime():
    with pytest.raises(InvalidOptionError, match="unknown runtime 'tflite'; available: onnxruntime, torch, litert"):
        runtime_class("tflite")


def test_damaged_onnx_file(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a protobuf" * 10)
    with pytest.raises(WeightsError, match="not a valid ONNX model"):
        create_runtime("lightning", "onnxruntime", weights=bad)
    with pytest.raises(WeightsError, match="ONNX model not found"):
        create_runtime("lightning", "onnxruntime", weights=tmp_path / "missing.onnx")


def test_threads_and_batches():
    one = create_runtime("lightning", "onnxruntime", threads=1)
    x = np.random.default_rng(0).integers(0, 256, (3, 192, 192, 3), dtype=np.uint8)
    out = one(x)
    assert out.shape == (3, 1, 17, 3)
    np.testing.assert_allclose(out[1:2], one(x[1]), atol=1e-6)


@requires_litert
@pytest.mark.parametrize("name", ["lightning", "thunder", "multipose"])
def test_litert_runs_googles_files_in_the_official_layout(name):
    """Google's .tflite files in LiteRT agree with Google's TF.js outputs on the golden inputs, as
    ours do (so eval/bench compare like with like). MultiPose's file takes 256x256 only."""
    pytest.importorskip("ai_edge_litert")
    litert = create_runtime(name, "litert", threads=1)
    checked = 0
    for entry in golden_outputs()[name]:
        image = read_png(GOLDEN / entry["input"])
        if image.shape[:2] != litert.input_shape:
            continue
        official = np.asarray(entry["output"], np.float32).reshape(entry["output_shape"])
        coord, score = raw_output_deviation(name, litert(image.astype(np.int32)), official)
        assert coord <= 1e-3 and score <= 1e-2, entry["input"]
        checked += 1
    assert checked >= (1 if name == "multipose" else 20)  # one 256x256 MultiPose golden input


@requires_litert
def test_litert_errors():
    pytest.importorskip("ai_edge_litert")
    from movenet.errors import InvalidInputError

    litert = create_runtime("multipose", "litert")
    with pytest.raises(InvalidInputError, match="takes 256x256 inputs, got 192x256"):
        litert(np.zeros((192, 256, 3), np.uint8))
    with pytest.raises(WeightsError, match="LiteRT model not found"):
        create_runtime("lightning", "litert", weights="/nonexistent/x.tflite")


def test_precision_must_exist_for_the_runtime():
    pytest.importorskip("torch", reason="needs the torch extra (the runtime without int8)")
    import movenet

    with pytest.raises(InvalidOptionError, match="runtime 'torch' has precisions"):
        movenet.create_detector("lightning", runtime="torch", precision="int8")
