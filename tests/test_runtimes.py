"""The runtime table and the onnxruntime runtime's own errors."""

import numpy as np
import pytest

from movenet.errors import InvalidOptionError, WeightsError
from movenet.runtime import available_runtimes, create_runtime, default_runtime, runtime_class


def test_onnxruntime_is_the_default():
    assert "onnxruntime" in available_runtimes()
    assert default_runtime() == "onnxruntime"
    assert create_runtime("thunder").name == "onnxruntime"


def test_unknown_runtime():
    with pytest.raises(InvalidOptionError, match="unknown runtime 'tflite'; available: onnxruntime, torch"):
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
