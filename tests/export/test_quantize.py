"""int8 quantisation: it runs, keeps the official decoding, and a missing int8 file is explained."""

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")
pytest.importorskip("onnxscript", reason="needs the torch extra (onnxscript)")

import numpy as np
from conftest import EXAMPLE_IMAGE, REPO

from movenet.errors import WeightsError
from movenet.export.quantize import quantize
from movenet.runtime.onnx_runtime import OnnxRuntime


def test_quantized_lightning_runs_and_stays_close(tmp_path):
    calibration = [EXAMPLE_IMAGE, REPO / "examples" / "three_people.jpg"]
    path = quantize("lightning", calibration, tmp_path / "lightning_int8.onnx")
    assert path.stat().st_size < 0.75 * (REPO / "src/movenet/weights/lightning.onnx").stat().st_size
    int8 = OnnxRuntime("lightning", weights=path)
    fp32 = OnnxRuntime("lightning")
    x = np.random.default_rng(0).integers(0, 256, (192, 192, 3), dtype=np.uint8)
    a, b = fp32(x), int8(x)
    assert a.shape == b.shape and np.isfinite(b).all()
    assert ((b[..., :2] >= -0.5) & (b[..., :2] <= 1.5)).all()


def test_missing_int8_model_says_how_to_make_it(tmp_path, monkeypatch):
    import movenet.runtime.onnx_runtime as module

    monkeypatch.setattr(module, "PACKAGE_WEIGHTS_DIR", tmp_path)
    with pytest.raises(WeightsError, match="movenet quantize --calibration"):
        OnnxRuntime("lightning", precision="int8")
