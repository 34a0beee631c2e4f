"""The ONNX export: a fresh export behaves as the shipped file, and stores float16 weights."""

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")
pytest.importorskip("onnxscript", reason="needs the torch extra (onnxscript)")

import numpy as np
import onnx
from conftest import GOLDEN, golden_outputs, read_png

from movenet.export.onnx import export, onnx_path
from movenet.runtime.onnx_runtime import OnnxRuntime


def test_reexport_matches_shipped_file(tmp_path):
    fresh = OnnxRuntime("lightning", weights=export("lightning", tmp_path / "lightning.onnx"))
    shipped = OnnxRuntime("lightning")
    batch = np.stack([read_png(GOLDEN / e["input"]) for e in golden_outputs()["lightning"][:4]])
    np.testing.assert_array_equal(fresh(batch), shipped(batch))


def test_weights_are_stored_as_float16():
    model = onnx.load(str(onnx_path("multipose")))
    sizes = {}
    for init in model.graph.initializer:
        n = int(np.prod(init.dims))
        sizes[init.data_type] = sizes.get(init.data_type, 0) + n
    assert sizes[onnx.TensorProto.FLOAT16] > 4_000_000  # the network's parameters
    assert sizes.get(onnx.TensorProto.FLOAT, 0) < 1000
    dims = model.graph.input[0].type.tensor_type.shape.dim
    assert model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.INT32
    assert all(d.dim_param for d in dims[:3]) and dims[3].dim_value == 3  # dynamic B, H, W
