"""PoseNet's network against its TF.js graph (shared/models/tfjs/posenet.json) executed in numpy
from the graph's own nodes (float64), and the node-by-node import checks."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from conftest import RUNTIMES, TFJS_DIR

from movenet.errors import WeightsError
from movenet.runtime import create_runtime
from movenet.weights.numpy_graph import run_graph
from movenet.weights.tfjs_graph import read_graph_model

requires_posenet_graph = pytest.mark.skipif(
    not (TFJS_DIR / "posenet.json").is_file(), reason=f"needs {TFJS_DIR}/posenet.json (shared/ is absent)"
)
HEADS = ("heatmap", "offset", "displacement_fwd", "displacement_bwd")
SIZES = [(257, 257), (161, 385), (33, 17)]


def reference(graph, image: np.ndarray) -> np.ndarray:
    """The graph on `image` as the official client feeds it: (x / 127.5 - 1), sigmoid on the heatmap."""
    out = run_graph(graph, image.astype(np.float64) / 127.5 - 1.0, [f"MobilenetV1/{h}_2/BiasAdd" for h in HEADS])
    heads = [out[f"MobilenetV1/{h}_2/BiasAdd"] for h in HEADS]
    heads[0] = 1.0 / (1.0 + np.exp(-heads[0]))
    return np.concatenate(heads, axis=-1)


@requires_posenet_graph
@pytest.mark.parametrize("kind", RUNTIMES)
def test_network_equals_the_graph_to_1e4(kind):
    graph = read_graph_model(TFJS_DIR / "posenet.json")
    runtime = create_runtime("posenet", kind, threads=1)
    rng = np.random.default_rng(0)
    from conftest import EXAMPLE_IMAGE

    from movenet.io.image import load_image
    from movenet.pipelines.posenet import pad_and_resize

    inputs = [rng.uniform(0, 255, (*size, 3)).astype(np.float32) for size in SIZES]
    inputs.append(pad_and_resize(load_image(EXAMPLE_IMAGE), 257, 257)[0])
    for image in inputs:
        ours, ref = runtime(image)[0].astype(np.float64), reference(graph, image)
        assert ours.shape == ref.shape
        assert np.abs(ours[..., :17] - ref[..., :17]).max() < 1e-4  # part scores
        # offsets and displacements are pixels of the input: within 1e-4 of the input size
        assert np.abs(ours[..., 17:] - ref[..., 17:]).max() / max(image.shape[:2]) < 1e-4


def _copy(tmp_path):
    for ext in ("json", "bin"):
        shutil.copy(TFJS_DIR / f"posenet.{ext}", tmp_path / f"posenet.{ext}")
    return tmp_path / "posenet.json"


def _edit_node(path, name, edit):
    doc = json.loads(path.read_text())
    edit(next(n for n in doc["modelTopology"]["node"] if n["name"] == name))
    path.write_text(json.dumps(doc))


@requires_posenet_graph
@pytest.mark.parametrize(
    "node, edit, message",
    [
        ("MobilenetV1/MobilenetV1/Conv2d_13_depthwise/BatchNorm/batchnorm/add_1/conv",
         lambda n: n["attr"]["dilations"]["list"].update(i=["1", "2", "2", "1"]), "Conv2d_13_depthwise.*dilations"),
        ("MobilenetV1/MobilenetV1/Conv2d_12_depthwise/BatchNorm/batchnorm/add_1/conv",
         lambda n: n["attr"]["strides"]["list"].update(i=["1", "2", "2", "1"]), "Conv2d_12_depthwise.*strides"),
        ("MobilenetV1/offset_2/BiasAdd", lambda n: n.update(name="MobilenetV1/offsets_2/BiasAdd"),
         "no node 'MobilenetV1/offset_2/BiasAdd'"),
        ("MobilenetV1/MobilenetV1/Conv2d_5_pointwise/Relu6",
         lambda n: n.update(input=["MobilenetV1/MobilenetV1/Conv2d_3_pointwise/Relu6", *n["input"][1:]]),
         "Conv2d_5_pointwise.*inputs"),
    ],
)
def test_graph_mismatch_is_named(tmp_path, node, edit, message):
    pytest.importorskip("torch", reason="the importer builds the torch modules (torch extra)")
    from movenet.weights.convert import convert

    path = _copy(tmp_path)
    _edit_node(path, node, edit)
    with pytest.raises(WeightsError, match=message):
        convert("posenet", tmp_path)


@requires_posenet_graph
def test_numpy_graph_refuses_unknown_ops(tmp_path):
    path = _copy(tmp_path)
    _edit_node(path, "MobilenetV1/heatmap_2/BiasAdd", lambda n: n.update(op="Conv3D"))
    with pytest.raises(WeightsError, match="op Conv3D"):
        run_graph(read_graph_model(path), np.zeros((17, 17, 3)), ["MobilenetV1/heatmap_2/BiasAdd"])


def test_shipped_onnx_is_the_torch_network():
    """The shipped posenet.onnx (float32 weights, free 16k + 1 sizes) computes what the PyTorch
    modules with the shipped weights compute."""
    pytest.importorskip("torch", reason="needs the torch extra")
    import onnx

    from movenet.registry import get_spec
    from movenet.runtime.onnx_runtime import onnx_file

    model = onnx.load(str(onnx_file(get_spec("posenet"))))
    assert model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    dims = [d.dim_param for d in model.graph.input[0].type.tensor_type.shape.dim[:3]]
    assert dims == ["batch", "16*h16 + 1", "16*w16 + 1"]
    x = np.random.default_rng(3).uniform(0, 255, (2, 49, 81, 3)).astype(np.float32)
    ours = create_runtime("posenet", "onnxruntime", threads=1)(x)
    torch_out = create_runtime("posenet", "torch", threads=1)(x)
    np.testing.assert_allclose(ours, torch_out, rtol=1e-5, atol=1e-4)  # float32 rounding only
