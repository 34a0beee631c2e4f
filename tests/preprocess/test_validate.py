"""Bad model inputs get a clear InvalidInputError saying what was given and what is accepted."""

import numpy as np
import pytest

from movenet.errors import InvalidInputError
from movenet.preprocess.validate import as_model_input
from movenet.registry import get_spec

LIGHTNING, MULTI = get_spec("lightning"), get_spec("multipose")


def test_accepts_hwc_and_batches_of_several_dtypes():
    for dtype in (np.uint8, np.int32, np.int64, np.float32, np.float64):
        out = as_model_input(np.zeros((192, 192, 3), dtype), LIGHTNING)
        assert out.shape == (1, 192, 192, 3)
        assert out.dtype == (np.float32 if np.issubdtype(dtype, np.floating) else np.int32)
    assert as_model_input(np.zeros((4, 192, 192, 3), np.uint8), LIGHTNING).shape[0] == 4



def test_accepts_torch_tensors():
    torch = pytest.importorskip("torch", reason="needs the torch extra")
    assert as_model_input(torch.zeros(1, 192, 192, 3, dtype=torch.int32), LIGHTNING).shape == (1, 192, 192, 3)
    assert as_model_input(np.zeros((160, 96, 3), np.uint8), MULTI).shape == (1, 160, 96, 3)


@pytest.mark.parametrize(
    "array, spec, message",
    [
        ([[1, 2, 3]], LIGHTNING, "must be a numpy array.*got list"),
        (np.zeros((192, 192), np.uint8), LIGHTNING, r"shape \(H, W, 3\) or \(B, H, W, 3\).*got \(192, 192\)"),
        (np.zeros((192, 192, 4), np.uint8), LIGHTNING, r"got \(192, 192, 4\)"),
        (np.zeros((3, 192, 192), np.uint8), LIGHTNING, "RGB last"),
        (np.zeros((1, 1, 192, 192, 3), np.uint8), LIGHTNING, "got \\(1, 1, 192, 192, 3\\)"),
        (np.zeros((0, 192, 192, 3), np.uint8), LIGHTNING, "empty batch"),
        (np.zeros((256, 256, 3), np.uint8), LIGHTNING, "lightning takes 192x192 inputs, got 256x256"),
        (np.zeros((192, 192, 3), np.uint8), get_spec("thunder"), "thunder takes 256x256"),
        (np.zeros((200, 256, 3), np.uint8), MULTI, "multiples of 32, got 200x256"),
        (np.zeros((192, 192, 3), bool), LIGHTNING, "dtype bool is not supported"),
        (np.zeros((192, 192, 3), np.complex64), LIGHTNING, "dtype complex64"),
        (np.full((192, 192, 3), 256, np.int32), LIGHTNING, r"values must lie in 0\.\.255, got 256\.\.256"),
        (np.full((192, 192, 3), -1.0, np.float32), LIGHTNING, "got -1.0"),
        (np.full((192, 192, 3), np.nan, np.float32), LIGHTNING, "NaN"),
    ],
)
def test_rejects(array, spec, message):
    with pytest.raises(InvalidInputError, match=message):
        as_model_input(array, spec)
