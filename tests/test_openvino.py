"""OpenVINO runtime: the precision is always the one asked for (never the plugin's bf16 default),
bf16 / fp16 only where the CPU has them, fp32 within the parity bounds (tests/test_parity.py runs
every installed float runtime, openvino included), bf16 and int8 close to the official outputs."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("openvino", reason="needs the openvino extra: pip install -e '.[openvino]'")

from conftest import GOLDEN, golden_outputs, read_png

import movenet
from movenet.errors import InvalidOptionError, WeightsError
from movenet.parity import keypoint_distances_px, raw_output_deviation
from movenet.runtime.openvino_runtime import OpenVinoRuntime, capabilities

# Median / 90th-percentile keypoint distance to the official float outputs on the golden inputs,
# model-input pixels (measured, this session's CPU: docs/results/speed.md); the int8 bounds are
# those of the other int8 files (tests/test_parity.py).
BF16_BOUNDS_PX = {"lightning": (1.0, 3.0), "thunder": (0.6, 2.0), "multipose": (0.8, 2.0)}
needs_bf16 = pytest.mark.skipif("BF16" not in capabilities(), reason="this CPU has no BF16 arithmetic (OpenVINO's capabilities)")


def _official(entry) -> np.ndarray:
    return np.asarray(entry["output"], np.float32).reshape(entry["output_shape"])


def _distances(name: str, runtime) -> np.ndarray:
    out = []
    for entry in golden_outputs()[name]:
        image = read_png(GOLDEN / entry["input"])
        out.append(keypoint_distances_px(name, runtime(image.astype(np.int32)), _official(entry), image.shape[:2]))
    return np.concatenate(out)


def test_fp32_is_forced_not_the_plugins_default():
    rt = OpenVinoRuntime("lightning", threads=1)
    assert rt.config()["INFERENCE_PRECISION_HINT"] == "f32"
    compiled = next(iter(rt._compiled.values())).request.get_compiled_model()
    assert str(compiled.get_property("INFERENCE_PRECISION_HINT")) in ("f32", "<Type: 'float32'>")
    entry = golden_outputs()["lightning"][0]
    image = read_png(GOLDEN / entry["input"]).astype(np.int32)
    coord, score = raw_output_deviation("lightning", rt(image), _official(entry))
    assert coord <= 1e-4 and score <= 1e-3


@needs_bf16
@pytest.mark.parametrize("name", ["lightning", "thunder", "multipose"])
def test_bf16_stays_close_to_the_official_outputs(name):
    d = _distances(name, OpenVinoRuntime(name, threads=1, precision="bf16"))
    print(f"{name} openvino bf16: {d.size} keypoints, median {np.median(d):.2f} px, p90 {np.percentile(d, 90):.2f} px")
    assert np.median(d) <= BF16_BOUNDS_PX[name][0] and np.percentile(d, 90) <= BF16_BOUNDS_PX[name][1]


@pytest.mark.parametrize("name", ["lightning", "multipose"])
def test_int8_stays_close_to_the_official_outputs(name):
    d = _distances(name, OpenVinoRuntime(name, threads=1, precision="int8"))
    assert np.median(d) <= BF16_BOUNDS_PX[name][0] and np.percentile(d, 90) <= BF16_BOUNDS_PX[name][1]


def test_multipose_sizes_and_batches_compile_on_first_use():
    rt = OpenVinoRuntime("multipose", threads=1)
    x = np.random.default_rng(0).integers(0, 256, (2, 192, 256, 3)).astype(np.int32)
    both = rt(x)
    assert both.shape == (2, 6, 56)
    np.testing.assert_allclose(both[1:], rt(x[1]), atol=1e-5)


def test_reduced_precision_is_named_and_checked():
    with pytest.raises(InvalidOptionError, match="openvino precision must be one of fp32, bf16, fp16, int8"):
        OpenVinoRuntime("lightning", precision="fp8")
    if "BF16" in capabilities():
        assert movenet.create_detector("lightning", precision="bf16").options.runtime == "openvino"


def test_bad_weights_file(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a protobuf" * 10)
    with pytest.raises(WeightsError, match="not a valid ONNX model for OpenVINO"):
        OpenVinoRuntime("lightning", weights=bad)
