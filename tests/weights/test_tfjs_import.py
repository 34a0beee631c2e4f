"""The importer against Google's TF.js graph models in shared/ (skipped where shared/ is absent)."""

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")
pytest.importorskip("safetensors", reason="needs the torch extra")

import json
import shutil

from conftest import TFJS_DIR, requires_shared

from movenet.errors import WeightsError
from movenet.registry import get_spec, list_models
from movenet.weights.convert import convert, convert_to_bytes
from movenet.weights.store import read_weights, weights_path

pytestmark = requires_shared


@pytest.mark.parametrize("name", list_models())
def test_regenerated_weights_equal_shipped(name, tmp_path):
    regenerated = tmp_path / "regenerated.safetensors"
    regenerated.write_bytes(convert_to_bytes(name, TFJS_DIR))
    new_tensors, new_meta = read_weights(regenerated)
    tensors, meta = read_weights(weights_path(name))
    assert new_meta == meta
    assert sorted(new_tensors) == sorted(tensors)
    for key, value in tensors.items():
        assert new_tensors[key].dtype == value.dtype, key
        assert new_tensors[key].tobytes() == value.tobytes(), key


def _copy_graph(tmp_path, name="lightning"):
    stem = get_spec(name).tfjs_graph
    for ext in ("json", "bin"):
        shutil.copy(TFJS_DIR / f"{stem}.{ext}", tmp_path / f"{stem}.{ext}")
    return tmp_path / f"{stem}.json"


def _edit_manifest(path, edit):
    doc = json.loads(path.read_text())
    edit(doc["weightsManifest"][0]["weights"])
    path.write_text(json.dumps(doc))


def test_missing_tensor_is_named(tmp_path):
    path = _copy_graph(tmp_path)
    name = "StatefulPartitionedCall/center_net_mobile_net_v2fpn_feature_extractor/model_1/model/block_3_project/Conv2D_weights"

    def rename(weights):
        next(w for w in weights if w["name"] == name)["name"] = "renamed"

    _edit_manifest(path, rename)
    with pytest.raises(WeightsError, match="block_3_project/Conv2D_weights"):
        convert("lightning", tmp_path)


def test_wrong_shape_is_named(tmp_path):
    path = _copy_graph(tmp_path)

    def swap(weights):
        w = next(w for w in weights if w["name"].endswith("block_1_expand/Conv2D_weights"))
        w["shape"] = [1, 1, w["shape"][3], w["shape"][2]]  # same byte count, transposed

    _edit_manifest(path, swap)
    with pytest.raises(WeightsError, match=r"block_1_expand/Conv2D_weights.*has shape"):
        convert("lightning", tmp_path)


def test_truncated_shard(tmp_path):
    _copy_graph(tmp_path)
    bin_path = tmp_path / "movenet-lightning.bin"
    bin_path.write_bytes(bin_path.read_bytes()[:-1000])
    with pytest.raises(WeightsError, match="truncated"):
        convert("lightning", tmp_path)


def test_not_json(tmp_path):
    (tmp_path / "movenet-lightning.json").write_text("<html>")
    with pytest.raises(WeightsError, match="not a valid JSON"):
        convert("lightning", tmp_path)


def test_graph_of_another_model(tmp_path):
    # thunder's graph under lightning's file name: widths differ, the first mismatch is named.
    shutil.copy(TFJS_DIR / "movenet-thunder.json", tmp_path / "movenet-lightning.json")
    shutil.copy(TFJS_DIR / "movenet-thunder.bin", tmp_path / "movenet-thunder.bin")
    with pytest.raises(WeightsError, match="Conv1/Conv2D_weights' has shape"):
        convert("lightning", tmp_path)


def test_missing_graph(tmp_path):
    with pytest.raises(WeightsError, match="not found"):
        convert("thunder", tmp_path)
