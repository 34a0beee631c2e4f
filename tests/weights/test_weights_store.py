"""The shipped weight files: they load, fit their model, and bad files fail clearly."""

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")
pytest.importorskip("safetensors", reason="needs the torch extra")

import numpy as np
from safetensors.numpy import save

from movenet.codec.constants import (
    KEYPOINT_SCORE_THRESHOLD,
    MultiPoseDecoding,
    SinglePoseDecoding,
)
from movenet.errors import WeightsError
from movenet.registry import get_spec, list_models
from movenet.weights.store import load_model, read_weights, weights_path


@pytest.mark.parametrize("name", list_models())
def test_shipped_weights_load_in_float32(name):
    model, decoding = load_model(name)
    params = list(model.parameters())
    assert all(p.dtype.is_floating_point and p.dtype.itemsize == 4 for p in params)
    tensors, meta = read_weights(weights_path(name))
    assert meta["model"] == name
    stored = [v for k, v in tensors.items() if not k.startswith("decode.")]
    # on disk as in the source: MoveNet's graphs store float16, PoseNet's float32 (no decoding)
    source_dtype = np.float32 if get_spec(name).family == "posenet" else np.float16
    assert all(v.dtype == source_dtype for v in stored)
    assert (decoding is None) == (get_spec(name).family == "posenet")


def test_decoding_constants_equal_the_documented_defaults():
    _, single = load_model("lightning")
    default = SinglePoseDecoding.default((48, 48))
    np.testing.assert_array_equal(single.center_weight, default.center_weight)
    assert single.distance_epsilon == default.distance_epsilon
    assert single.output_scale == default.output_scale
    _, thunder = load_model("thunder")
    # Thunder's stored table differs from the formula by one float16 step at 8 of 4096 pixels
    # (rounding ties in however Google computed it); the graph's own values are what we use.
    formula = SinglePoseDecoding.default((64, 64)).center_weight
    np.testing.assert_allclose(thunder.center_weight, formula, rtol=1e-3)
    assert (thunder.center_weight != formula).sum() <= 8
    _, multi = load_model("multipose")
    assert multi == MultiPoseDecoding()
    assert multi.keypoint_score_threshold == KEYPOINT_SCORE_THRESHOLD


def test_missing_file(tmp_path):
    with pytest.raises(WeightsError, match="not found"):
        load_model("lightning", tmp_path / "nope.safetensors")


def test_damaged_file(tmp_path):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all" + b"\x00" * 64)
    with pytest.raises(WeightsError, match="not a valid weight file"):
        load_model("lightning", bad)


def test_truncated_file(tmp_path):
    data = weights_path("lightning").read_bytes()
    bad = tmp_path / "truncated.safetensors"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(WeightsError, match="not a valid weight file"):
        load_model("lightning", bad)


def test_weights_of_another_model(tmp_path):
    with pytest.raises(WeightsError, match="holds weights of model 'thunder'"):
        load_model("lightning", weights_path("thunder"))


def test_wrong_tensor_shape_is_named(tmp_path):
    tensors, meta = read_weights(weights_path("lightning"))
    tensors["backbone.stem.conv.bias"] = np.zeros(7, np.float16)
    bad = tmp_path / "shape.safetensors"
    bad.write_bytes(save(tensors, metadata=meta))
    with pytest.raises(WeightsError, match=r"'backbone.stem.conv.bias' has shape \(7,\)"):
        load_model("lightning", bad)


def test_missing_tensor_is_named(tmp_path):
    tensors, meta = read_weights(weights_path("lightning"))
    del tensors["heads.center.out.conv.weight"]
    bad = tmp_path / "missing.safetensors"
    bad.write_bytes(save(tensors, metadata=meta))
    with pytest.raises(WeightsError, match="heads.center.out.conv.weight"):
        load_model("lightning", bad)


def test_not_a_movenet_file(tmp_path):
    bad = tmp_path / "other.safetensors"
    bad.write_bytes(save({"x": np.zeros(3, np.float32)}))
    with pytest.raises(WeightsError, match="not a movenet weight file"):
        load_model("lightning", bad)
