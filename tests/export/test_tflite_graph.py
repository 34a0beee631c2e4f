"""The SAME-padding fold of converted int8 graphs: fewer ops, bit-identical outputs."""

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ai_edge_litert", reason="needs the litert extra: pip install -e '.[litert]'")

from ai_edge_litert.interpreter import Interpreter

from movenet.export.tflite_graph import fold_same_padding

# tools/make_fold_fixture.py: 1x1 conv + ReLU6, stride-2 depthwise 3x3 with TF "SAME" padding, int8
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "tflite" / "strided_int8_unfolded.tflite"


def _ops(data: bytes) -> list[str]:
    return [op["op_name"] for op in Interpreter(model_content=data)._get_ops_details()]


def _run(data: bytes, x: np.ndarray) -> np.ndarray:
    interpreter = Interpreter(model_content=data, num_threads=1)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"]).copy()


def test_fold_removes_the_nchw_pad_and_keeps_outputs_bit_identical():
    original = FIXTURE.read_bytes()
    assert _ops(original).count("PAD") == 1 and _ops(original).count("TRANSPOSE") == 3
    folded, count = fold_same_padding(original)
    assert count == 1
    ops = _ops(folded)
    assert "PAD" not in ops and ops.count("TRANSPOSE") == 1  # the output's own transpose stays
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = rng.integers(0, 256, (1, 16, 16, 3)).astype(np.int32)
        assert np.array_equal(_run(original, x), _run(folded, x))


def test_fold_is_idempotent():
    folded, _ = fold_same_padding(FIXTURE.read_bytes())
    again, count = fold_same_padding(folded)
    assert count == 0 and _ops(again) == _ops(folded)
