"""Bad-input corpus, image files: each case is generated from the example photo and asserts the
exact outcome, either an InvalidInputError whose one-line message names the file and what was
wrong, or the same poses as a reference run on the equivalent plain 8-bit RGB pixels."""

from __future__ import annotations

import io
import os
import struct

import cv2
import numpy as np
import pytest
from conftest import EXAMPLE_IMAGE
from PIL import Image

import movenet
from movenet.errors import InvalidInputError

PHOTO = Image.open(EXAMPLE_IMAGE).resize((400, 267))
RGB = np.asarray(PHOTO)
GREY = np.asarray(PHOTO.convert("L"))
JPEG = EXAMPLE_IMAGE.read_bytes()


def encoded(fmt: str, image: Image.Image = PHOTO, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def flipped(data: bytes, positions) -> bytes:
    out = bytearray(data)
    for p in positions:
        out[p] ^= 0xFF
    return bytes(out)


def bmp_claiming(width: int, height: int) -> bytes:
    data = bytearray(encoded("BMP", PHOTO.resize((8, 8))))
    struct.pack_into("<ii", data, 18, width, height)  # BITMAPINFOHEADER width, height
    return bytes(data)


def png_bomb() -> bytes:
    # 20000 x 20000 one-bit pixels compress to ~50 kB: a decompression bomb
    return encoded("PNG", Image.new("1", (20000, 20000)))


# name -> (file name, bytes, message regex after "<path>: ")
ERRORS = {
    "empty jpg": ("a.jpg", b"", "empty file"),
    "empty png": ("a.png", b"", "empty file"),
    "text named jpg": ("a.jpg", b"hello, not an image\n", "not an image file Pillow can read"),
    "text named png": ("a.png", b"x" * 5000, "not an image file Pillow can read"),
    "html named jpg": ("a.jpg", b"<html><body>hi</body></html>", "not an image file Pillow can read"),
    "pdf named jpg": ("a.jpg", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF", "not an image file"),
    "zip named png": ("a.png", b"PK\x03\x04" + bytes(30), "not an image file Pillow can read"),
    "random bytes": ("a.jpg", np.random.default_rng(0).bytes(4096), "not an image file Pillow can read"),
    "png signature only": ("a.png", encoded("PNG")[:8], "not an image file Pillow can read"),
    "png bad signature": ("a.png", flipped(encoded("PNG"), [1]), "not an image file Pillow can read"),
    "png bit flip in pixel data": ("a.png", flipped(encoded("PNG"), range(2000, 2010)), "damaged or truncated image"),
    "png truncated": ("a.png", encoded("PNG")[:20000], "damaged or truncated image"),
    "jpeg bad start marker": ("a.jpg", flipped(JPEG, [0]), "not an image file Pillow can read"),
    "jpeg truncated to 5 kB": ("a.jpg", JPEG[:5000], "damaged or truncated image"),
    "jpeg truncated at 90 %": ("a.jpg", JPEG[: len(JPEG) * 9 // 10], "damaged or truncated image"),
    "jpeg without end marker": ("a.jpg", JPEG[:-2], "damaged or truncated image"),
    "gif truncated": ("a.gif", encoded("GIF")[:3000], "damaged or truncated image"),
    "webp truncated": ("a.webp", encoded("WEBP")[:3000], "damaged or truncated image"),
    "tiff truncated": ("a.tif", encoded("TIFF")[:100000], "damaged or truncated image"),
    "bmp truncated": ("a.bmp", encoded("BMP")[:100000], "damaged or truncated image"),
    "gif header 65535 x 65535, no data": ("a.gif", b"GIF89a\xff\xff\xff\xff\x00\x00\x00;", "not an image file"),
    "bmp header 60000 x 60000": ("a.bmp", bmp_claiming(60000, 60000), "3,600,000,000 pixels, above the limit of 178,956,970"),
    "ppm header 100000 x 100000": ("a.ppm", b"P6\n100000 100000\n255\n", "10,000,000,000 pixels, above the limit"),
    "png bomb 20000 x 20000": ("bomb.png", png_bomb(), "400,000,000 pixels, above the limit of 178,956,970"),
    "32-bit integer tiff beyond 255": ("a.tif", encoded("TIFF", Image.fromarray(GREY.astype(np.int32) * 1000)), r"I-mode image \(32-bit integer\) with values 0\.\.255000; accepted: values in 0\.\.255"),
    "float tiff beyond 255": ("a.tif", encoded("TIFF", Image.fromarray(GREY.astype(np.float32) * 4)), r"F-mode image \(float\) with values .*accepted: values in 0\.\.255"),
    "float tiff with NaN": ("a.tif", encoded("TIFF", Image.fromarray(np.full((20, 20), np.nan, np.float32))), "F-mode image"),
    "mp4 bytes named jpg": ("a.jpg", b"\x00\x00\x00\x18ftypmp42" + bytes(64), "not an image file Pillow can read"),
}


@pytest.fixture(scope="module")
def detector():
    return movenet.create_detector("lightning", threads=1)


@pytest.mark.parametrize("case", list(ERRORS), ids=list(ERRORS))
def test_bad_image_file(case, tmp_path, detector):
    name, data, message = ERRORS[case]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InvalidInputError) as info:
        detector.estimate_poses(path)
    text = str(info.value)
    assert "\n" not in text and text.startswith(f"{path}: ")
    assert __import__("re").search(message, text), text


def _save_cv2(path, array):
    assert cv2.imwrite(str(path), array)


def _tiff_pages(path):
    PHOTO.save(path, save_all=True, append_images=[PHOTO.rotate(90), PHOTO.rotate(180)])


def _exif_rotated(path):
    exif = PHOTO.getexif()
    exif[0x0112] = 6  # displayed rotated 90 degrees clockwise
    PHOTO.save(path, exif=exif, quality=100)


def _exif_invalid(path):
    exif = PHOTO.getexif()
    exif[0x0112] = 9  # not an orientation: ignored
    PHOTO.save(path, format="PNG", exif=exif)


def _png(array):
    return lambda path: Image.fromarray(array).save(path, format="PNG")


# name -> (file name, writer(path), reference pixels (H, W, 3) uint8 or a callable(path), atol px)
PALETTE = PHOTO.convert("P")
CMYK = PHOTO.convert("CMYK")
VALID = {
    "png named jpg": ("a.jpg", _png(RGB), RGB, 0.0),
    "jpeg named png": ("a.png", lambda p: PHOTO.save(p, format="JPEG"), lambda p: np.asarray(Image.open(p).convert("RGB")), 0.0),
    "gif named jpg": ("a.jpg", lambda p: PALETTE.save(p, format="GIF"), np.asarray(PALETTE.convert("RGB")), 0.0),
    "tiff named jpg": ("a.jpg", lambda p: PHOTO.save(p, format="TIFF"), RGB, 0.0),
    "16-bit grey png": ("a.png", _png(GREY.astype(np.uint16) * 257), np.repeat(GREY[:, :, None], 3, 2), 0.0),
    "16-bit rgb png": ("a.png", lambda p: _save_cv2(p, RGB[:, :, ::-1].astype(np.uint16) * 257), RGB, 0.0),
    "16-bit rgb tiff": ("a.tif", lambda p: _save_cv2(p, RGB[:, :, ::-1].astype(np.uint16) * 257), RGB, 0.0),
    "32-bit integer tiff in 0..255": ("a.tif", lambda p: Image.fromarray(GREY.astype(np.int32)).save(p), np.repeat(GREY[:, :, None], 3, 2), 0.0),
    "float tiff in 0..255": ("a.tif", lambda p: Image.fromarray(GREY.astype(np.float32)).save(p), np.repeat(GREY[:, :, None], 3, 2), 0.0),
    "palette png": ("a.png", lambda p: PALETTE.save(p), np.asarray(PALETTE.convert("RGB")), 0.0),
    "palette png with transparency": ("a.png", lambda p: PALETTE.save(p, transparency=0), np.asarray(PALETTE.convert("RGB")), 0.0),
    "one-bit png": ("a.png", lambda p: PHOTO.convert("1").save(p), np.asarray(PHOTO.convert("1").convert("RGB")), 0.0),
    "grey png": ("a.png", lambda p: PHOTO.convert("L").save(p), np.repeat(GREY[:, :, None], 3, 2), 0.0),
    "grey + alpha png": ("a.png", lambda p: PHOTO.convert("LA").save(p), np.repeat(GREY[:, :, None], 3, 2), 0.0),
    "rgba png": ("a.png", lambda p: PHOTO.convert("RGBA").save(p), RGB, 0.0),
    "rgba png, fully transparent": ("a.png", lambda p: Image.fromarray(np.dstack([RGB, np.zeros_like(GREY)])).save(p), RGB, 0.0),
    "cmyk tiff": ("a.tif", lambda p: CMYK.save(p), np.asarray(CMYK.convert("RGB")), 0.0),
    "cmyk jpeg": ("a.jpg", lambda p: CMYK.save(p, quality=100), RGB, 3.0),
    "progressive jpeg": ("a.jpg", lambda p: PHOTO.save(p, progressive=True, quality=100), RGB, 3.0),
    "grey jpeg": ("a.jpg", lambda p: PHOTO.convert("L").save(p, quality=100), np.repeat(GREY[:, :, None], 3, 2), 3.0),
    "lossless webp": ("a.webp", lambda p: PHOTO.save(p, lossless=True), RGB, 0.0),
    "lzw tiff": ("a.tif", lambda p: PHOTO.save(p, compression="tiff_lzw"), RGB, 0.0),
    "bmp": ("a.bmp", lambda p: PHOTO.save(p), RGB, 0.0),
    "animated gif: first frame": ("a.gif", lambda p: PALETTE.save(p, save_all=True, append_images=[PALETTE.rotate(90)]), np.asarray(PALETTE.convert("RGB")), 0.0),
    "animated webp: first frame": ("a.webp", lambda p: PHOTO.save(p, save_all=True, append_images=[PHOTO.rotate(90)], lossless=True), RGB, 0.0),
    "animated png: first frame": ("a.png", lambda p: PHOTO.save(p, save_all=True, append_images=[PHOTO.rotate(90)]), RGB, 0.0),
    "multi-page tiff: first page": ("a.tif", _tiff_pages, RGB, 0.0),
    "exif orientation 6 applied": ("a.jpg", _exif_rotated, lambda p: np.rot90(np.asarray(Image.open(p).convert("RGB")), -1), 0.0),
    "exif orientation 9 ignored": ("a.png", _exif_invalid, RGB, 0.0),
    "unicode file name": ("fötö 写真 ☃.png", _png(RGB), RGB, 0.0),
    "spaces and quotes in name": ("a 'b' \"c\".png", _png(RGB), RGB, 0.0),
    "no suffix": ("photo", _png(RGB), RGB, 0.0),
}


@pytest.mark.parametrize("case", list(VALID), ids=list(VALID))
def test_odd_but_valid_image_file(case, tmp_path, detector):
    name, write, reference, atol = VALID[case]
    path = tmp_path / name
    write(path)
    expected_pixels = reference(path) if callable(reference) else reference
    got = detector.estimate_poses(path)
    expected = detector.estimate_poses(np.ascontiguousarray(expected_pixels))
    assert len(got) == len(expected) == 1
    np.testing.assert_allclose(got[0].to_array()[:, :2], expected[0].to_array()[:, :2], atol=atol)


# Extreme sizes: every model gives finite keypoints inside the region the model saw (minimum
# pose score 0): SinglePose the image padded to a centred square, MultiPose the image resized so
# that its longer side is 256, padded at the bottom and right to multiples of 32; give or take
# 32 model-input pixels (8 output cells): keypoint regressions of weak poses reach past the edge.
SIZES = {"1x1": (1, 1), "2x2": (2, 2), "1x4000": (1, 4000), "4000x1": (4000, 1), "3x5000": (3, 5000), "17x3": (17, 3)}


def _seen_region(model, width, height):
    if model == "multipose":
        from movenet.preprocess.crop import multipose_geometry

        g = multipose_geometry(height, width, 256)
        margin = 32 * max(width, height) / 256
        return -margin, -margin, width * g.padded[1] / g.resized[1] + margin, height * g.padded[0] / g.resized[0] + margin
    side = max(width, height)
    margin = 32 * side / 192
    return (width - side) / 2 - margin, (height - side) / 2 - margin, (width + side) / 2 + margin, (height + side) / 2 + margin


@pytest.mark.parametrize("model", ["lightning", "multipose"])
@pytest.mark.parametrize("size", list(SIZES), ids=list(SIZES))
def test_extreme_sizes(size, model, tmp_path):
    width, height = SIZES[size]
    path = tmp_path / "a.png"
    PHOTO.resize((width, height)).save(path)
    poses = _detector(model).estimate_poses(path)
    assert len(poses) >= 1
    x0, y0, x1, y1 = _seen_region(model, width, height)
    for pose in poses:
        xy = pose.to_array()[:, :2]
        assert np.isfinite(xy).all()
        assert (xy[:, 0] >= x0).all() and (xy[:, 0] <= x1).all(), (xy, (x0, x1))
        assert (xy[:, 1] >= y0).all() and (xy[:, 1] <= y1).all(), (xy, (y0, y1))


_DETECTORS: dict[str, movenet.Detector] = {}


def _detector(model):
    if model not in _DETECTORS:
        _DETECTORS[model] = movenet.create_detector(model, threads=1, min_pose_score=0)
    return _DETECTORS[model]


def test_broken_link_folder_and_missing_file(tmp_path, detector):
    link = tmp_path / "gone.jpg"
    os.symlink(tmp_path / "nowhere.jpg", link)
    with pytest.raises(InvalidInputError, match=f"^{link}: broken symbolic link \\(to {tmp_path / 'nowhere.jpg'}\\)$"):
        detector.estimate_poses(link)
    folder = tmp_path / "folder.jpg"
    folder.mkdir()
    with pytest.raises(InvalidInputError, match=f"^{folder}: not a file$"):
        detector.estimate_poses(folder)
    with pytest.raises(InvalidInputError, match="missing.png: no such file$"):
        detector.estimate_poses(tmp_path / "missing.png")
