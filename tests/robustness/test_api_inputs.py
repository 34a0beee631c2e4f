"""Bad-input corpus, `estimate_poses` inputs: every type, dtype, shape, memory layout, timestamps
and batches. Each case asserts the exact outcome: an InvalidInputError / InvalidOptionError with a
one-line message naming what was given and what is accepted, or exactly the poses of the same
pixels given as a plain C-contiguous (H, W, 3) uint8 array."""

from __future__ import annotations

import fractions
import io
import warnings
from decimal import Decimal

import numpy as np
import pytest
from conftest import EXAMPLE_IMAGE
from PIL import Image

import movenet
from movenet.errors import InvalidInputError, InvalidOptionError, MovenetError

PHOTO = Image.open(EXAMPLE_IMAGE).resize((300, 200))
RGB = np.ascontiguousarray(np.asarray(PHOTO))
GREY = np.asarray(PHOTO.convert("L"))
with warnings.catch_warnings():  # np.matrix is pending deprecation, and still passed in by some callers
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    MATRIX = np.asmatrix(GREY)


@pytest.fixture(scope="module")
def detector():
    return movenet.create_detector("lightning", threads=1)


def _raises(detector, error, message, *args, **kwargs):
    with pytest.raises(error) as info:
        detector.estimate_poses(*args, **kwargs)
    text = str(info.value)
    assert "\n" not in text
    assert __import__("re").search(message, text), text


def _same_poses(got, expected):
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a.to_array(), b.to_array())


DTYPES = ["int8", "int16", "uint16", "int32", "uint32", "int64", "float16", "float32", "float64", "bool",
          "complex64", "object", "<U1", "datetime64[s]"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_wrong_dtype(detector, dtype):
    _raises(detector, InvalidInputError, __import__("re").escape(f"image arrays must be uint8, got {np.dtype(dtype)}"), RGB.astype(dtype))


BAD_SHAPES = {
    "(H, W, 2)": (200, 300, 2), "(H, W, 5)": (200, 300, 5), "channels first (3, H, W)": (3, 200, 300),
    "a batch (1, H, W, 3)": (1, 200, 300, 3), "1-D": (300,), "0-D": (), "5-D": (1, 1, 200, 300, 3),
    "(H, W, 0)": (200, 300, 0),
}


@pytest.mark.parametrize("case", list(BAD_SHAPES))
def test_wrong_shape(detector, case):
    shape = BAD_SHAPES[case]
    _raises(detector, InvalidInputError, r"image array must have shape \(H, W\), \(H, W, 1\), \(H, W, 3\) or "
            rf"\(H, W, 4\), got {__import__('re').escape(str(shape))}", np.zeros(shape, np.uint8))


ZERO_SIZES = [(0, 300, 3), (200, 0, 3), (0, 0), (0, 5), (0, 0, 1), (0, 4, 4)]


@pytest.mark.parametrize("shape", ZERO_SIZES, ids=str)
def test_zero_size(detector, shape):
    _raises(detector, InvalidInputError, "image array has zero size", np.zeros(shape, np.uint8))


def test_above_the_pixel_limit(detector):
    # 13,400 x 13,400 = 179.6 M pixels, one above Pillow's bomb limit; a broadcast view costs no memory
    huge = np.broadcast_to(np.zeros(3, np.uint8), (13400, 13400, 3))
    _raises(detector, InvalidInputError, r"13400x13400 = 179,560,000 pixels, above the limit of 178,956,970", huge)


def _read_only(a):
    a = a.copy()
    a.setflags(write=False)
    return a


def _unaligned(a):
    buffer = np.empty(a.nbytes + 1, np.uint8)
    view = buffer[1:].view(np.uint8).reshape(a.shape)
    view[...] = a
    return view


# name -> (array made from RGB or GREY, the plain array with the same pixels)
LAYOUTS = {
    "Fortran order": (np.asfortranarray(RGB), RGB),
    "negative strides on both axes": (RGB[::-1, ::-1], np.ascontiguousarray(RGB[::-1, ::-1])),
    "every second row and column": (RGB[::2, ::2], np.ascontiguousarray(RGB[::2, ::2])),
    "transposed view": (RGB.transpose(1, 0, 2), np.ascontiguousarray(RGB.transpose(1, 0, 2))),
    "channel-reversed view": (RGB[:, :, ::-1], np.ascontiguousarray(RGB[:, :, ::-1])),
    "read-only": (_read_only(RGB), RGB),
    "unaligned buffer": (_unaligned(RGB), RGB),
    "broadcast (zero strides)": (np.broadcast_to(RGB[:1], RGB.shape), np.ascontiguousarray(np.broadcast_to(RGB[:1], RGB.shape))),
    "big-endian byte order": (RGB.astype(">u1"), RGB),
    "memory-mapped": (None, RGB),  # made in the test (needs a file)
    "np.matrix (grey)": (MATRIX, np.repeat(GREY[:, :, None], 3, 2)),
    "masked array": (np.ma.masked_array(RGB, mask=np.zeros_like(RGB, bool)), RGB),
    "grey (H, W)": (GREY, np.repeat(GREY[:, :, None], 3, 2)),
    "grey (H, W, 1)": (GREY[:, :, None], np.repeat(GREY[:, :, None], 3, 2)),
    "RGBA": (np.dstack([RGB, np.full_like(GREY, 255)]), RGB),
    "RGBA, transparent": (np.dstack([RGB, np.zeros_like(GREY)]), RGB),
    "Fortran-order grey": (np.asfortranarray(GREY), np.repeat(GREY[:, :, None], 3, 2)),
    "sliced from a larger array": (np.pad(RGB, ((5, 5), (7, 7), (0, 1)))[5:-5, 7:-7, :3], RGB),
}


@pytest.mark.parametrize("case", list(LAYOUTS))
def test_memory_layouts_give_the_same_poses(detector, case, tmp_path):
    array, plain = LAYOUTS[case]
    if array is None:
        mapped = np.memmap(tmp_path / "image.raw", np.uint8, "w+", shape=RGB.shape)
        mapped[...] = RGB
        array = mapped
    _same_poses(detector.estimate_poses(array), detector.estimate_poses(np.ascontiguousarray(plain)))


def test_bgr_of_every_layout(detector):
    expected = detector.estimate_poses(RGB)
    for bgr in (RGB[:, :, ::-1], np.asfortranarray(RGB[:, :, ::-1]), np.dstack([RGB[:, :, ::-1], GREY])):
        _same_poses(detector.estimate_poses(bgr, color="bgr"), expected)


NOT_IMAGES = {
    "None": None, "int": 5, "float": 1.5, "bytes": b"\xff\xd8\xff", "bytearray": bytearray(10),
    "BytesIO": io.BytesIO(EXAMPLE_IMAGE.read_bytes()), "dict": {}, "set": {1}, "object": object(),
    "generator": (x for x in range(3)), "memoryview": memoryview(b"abc"),
}


@pytest.mark.parametrize("case", list(NOT_IMAGES))
def test_not_an_image(detector, case):
    value = NOT_IMAGES[case]
    _raises(detector, InvalidInputError, f"image must be a file path, a PIL image or a numpy array, got {type(value).__name__}", value)


PIL_MODES = {  # mode -> reference (H, W, 3)
    "L": np.repeat(GREY[:, :, None], 3, 2), "RGB": RGB, "RGBA": RGB, "P": None, "1": None, "CMYK": None,
    "LA": np.repeat(GREY[:, :, None], 3, 2), "YCbCr": None, "RGBX": RGB,
    "I": np.repeat(GREY[:, :, None], 3, 2), "F": None,
}


@pytest.mark.parametrize("mode", list(PIL_MODES))
def test_pil_image_modes(detector, mode):
    image = PHOTO.convert(mode)
    reference = PIL_MODES[mode]
    if mode == "F":  # float grey (Pillow's unrounded luma) rounded to the nearest level
        reference = np.repeat(np.rint(np.asarray(image)).astype(np.uint8)[:, :, None], 3, 2)
    elif reference is None:  # lossy modes: the pixels Pillow's own conversion gives
        reference = np.asarray(image.convert("RGB"))
    _same_poses(detector.estimate_poses(image), detector.estimate_poses(np.ascontiguousarray(reference)))


def test_pil_sixteen_bit_is_scaled_not_clipped(detector):
    sixteen = Image.fromarray(GREY.astype(np.uint16) * 257)
    assert sixteen.mode == "I;16"
    _same_poses(detector.estimate_poses(sixteen), detector.estimate_poses(GREY))


@pytest.mark.parametrize(
    "image, message",
    [
        (Image.fromarray(GREY.astype(np.float32) * 2), r"^PIL image: F-mode image \(float\) with values [\d.]+\.\.510\.0; accepted: values in 0\.\.255 \(convert it to 8 bits first\)$"),
        (Image.fromarray(GREY.astype(np.int32) - 300), r"PIL image: I-mode image \(32-bit integer\) with values -\d+\.\.-45; accepted: values in 0\.\.255"),
        (Image.new("RGB", (0, 0)), "PIL image has zero size 0x0"),
        (Image.new("RGB", (5, 0)), "PIL image has zero size 5x0"),
        (Image.new("La", (4, 4)), "PIL image: PIL image mode 'La' cannot be converted to RGB"),
    ],
    ids=["float beyond 255", "negative integers", "0x0", "5x0", "mode La"],
)
def test_bad_pil_images(detector, image, message):
    _raises(detector, InvalidInputError, message, image)


@pytest.mark.parametrize("color", ["RGB", "hsv", None, 1, ["rgb"]], ids=str)
def test_bad_color(detector, color):
    _raises(detector, InvalidOptionError, r"color must be one of \('rgb', 'bgr'\)", RGB, color=color)


@pytest.mark.parametrize("flip", ["yes", "no", 1, 0, None, 1.0], ids=repr)
def test_flip_horizontal_must_be_a_bool(detector, flip):
    _raises(detector, InvalidOptionError, f"flip_horizontal must be True or False, got {flip!r}", RGB, flip_horizontal=flip)


def test_numpy_bool_flip(detector):
    _same_poses(detector.estimate_poses(RGB, flip_horizontal=np.True_), detector.estimate_poses(RGB[:, ::-1].copy()))


BAD_TIMESTAMPS = {
    "NaN": (float("nan"), "timestamp_ms must be finite and >= 0"),
    "inf": (float("inf"), "timestamp_ms must be finite and >= 0"),
    "-inf": (float("-inf"), "timestamp_ms must be finite and >= 0"),
    "negative": (-1, "timestamp_ms must be finite and >= 0"),
    "NumPy NaN": (np.float32("nan"), "timestamp_ms must be finite and >= 0"),
    "beyond 2**53 microseconds": (1e13, r"at most 9007199254741: 285 years\), got 10000000000000\.0$"),
    "1e308 (overflows in microseconds)": (1e308, "timestamp_ms must be finite and >= 0"),
    "int beyond float": (10**400, "timestamp_ms must be finite and >= 0"),
    "str": ("5", "timestamp_ms must be a number of milliseconds, got str"),
    "bool": (True, "timestamp_ms must be a number of milliseconds, got bool"),
    "NumPy bool": (np.True_, "timestamp_ms must be a number of milliseconds, got bool"),
    "Decimal": (Decimal(5), "timestamp_ms must be a number of milliseconds, got Decimal"),
    "complex": (1j, "timestamp_ms must be a number of milliseconds, got complex"),
    "array": (np.array([5.0]), "timestamp_ms must be a number of milliseconds, got ndarray"),
}


@pytest.mark.parametrize("case", list(BAD_TIMESTAMPS))
def test_bad_timestamps(case):
    value, message = BAD_TIMESTAMPS[case]
    detector = movenet.create_detector("lightning", threads=1)
    _raises(detector, InvalidInputError, message, RGB, value)


@pytest.mark.parametrize("first, second", [(10.0, 10.0), (10.0, 5.0), (np.int64(7), 7.0)], ids=["repeat", "step back", "int64 then float"])
def test_timestamps_must_increase(first, second):
    detector = movenet.create_detector("lightning", threads=1)
    detector.estimate_poses(RGB, first)
    _raises(detector, InvalidInputError, "timestamps must increase", RGB, second)


def test_number_types_for_timestamps_agree():
    """int, float, NumPy scalars and Fraction are the same timestamps: the same smoothed poses."""
    runs = []
    for kind in (float, int, np.float32, np.int64, fractions.Fraction):
        detector = movenet.create_detector("lightning", threads=1)
        runs.append([detector.estimate_poses(RGB[:, i:], kind(i * 40)) for i in range(3)])
    for run in runs[1:]:
        for got, expected in zip(run, runs[0]):
            _same_poses(got, expected)


def test_batch_with_a_bad_member(detector):
    for bad, message in [
        (None, "got NoneType"),
        (RGB.astype(np.float32), "must be uint8, got float32"),
        (np.zeros((0, 4, 3), np.uint8), "zero size"),
        (EXAMPLE_IMAGE.parent / "missing.jpg", "missing.jpg: no such file"),
        ([RGB], "got list"),
    ]:
        _raises(detector, InvalidInputError, f"^image 1 of 3: .*{message}", [RGB, bad, RGB])


def test_batches_of_every_container(detector):
    one = detector.estimate_poses(RGB)
    assert detector.estimate_poses([]) == [] and detector.estimate_poses(()) == []
    for batch in ([RGB, GREY[:, :, None]], (RGB, RGB), [Image.fromarray(RGB), str(EXAMPLE_IMAGE)]):
        result = detector.estimate_poses(batch)
        assert len(result) == len(batch)
        _same_poses(result[0], one)


@pytest.mark.parametrize("size", [0, -1, 17, 2.0, "2", True, None, 10**9], ids=repr)
def test_bad_batch_size(detector, size):
    _raises(detector, InvalidOptionError, rf"batch_size must be an integer in 1\.\.16 \(larger batches were not faster\), got {__import__('re').escape(repr(size))}", [RGB], batch_size=size)


def test_batch_takes_no_timestamp(detector):
    _raises(detector, InvalidInputError, "a list of images is a batch of independent stills and takes no timestamp", [RGB], 5.0)


def test_numpy_batch_size(detector):
    _same_poses(detector.estimate_poses([RGB, RGB], batch_size=np.int64(2))[1], detector.estimate_poses(RGB))


def test_errors_are_movenet_errors_and_builtin_ones():
    """Callers who know nothing of this package catch them as ValueError."""
    assert issubclass(InvalidInputError, (MovenetError, ValueError))
    assert issubclass(InvalidOptionError, (MovenetError, ValueError))
