"""Image files: what is accepted, and clear errors for what is not."""

import numpy as np
import pytest
from conftest import EXAMPLE_IMAGE
from PIL import Image

from movenet.errors import InvalidInputError
from movenet.io.image import load_image


def test_loads_the_example_as_rgb_uint8():
    image = load_image(EXAMPLE_IMAGE)
    assert image.shape == (667, 1000, 3) and image.dtype == np.uint8


def test_grey_and_rgba_become_rgb(tmp_path):
    Image.new("L", (10, 6), 77).save(tmp_path / "grey.png")
    Image.new("RGBA", (10, 6), (1, 2, 3, 0)).save(tmp_path / "rgba.png")
    assert (load_image(tmp_path / "grey.png") == 77).all()
    np.testing.assert_array_equal(load_image(tmp_path / "rgba.png")[0, 0], [1, 2, 3])


def test_exif_orientation_is_applied(tmp_path):
    img = Image.new("RGB", (40, 20), (255, 0, 0))
    exif = img.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    img.save(tmp_path / "rotated.jpg", exif=exif)
    assert load_image(tmp_path / "rotated.jpg").shape == (40, 20, 3)
    assert load_image(tmp_path / "rotated.jpg", exif_orientation=False).shape == (20, 40, 3)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty file"),
        (b"this is not an image", "not an image file"),
        (EXAMPLE_IMAGE.read_bytes()[:5000], "damaged or truncated"),
    ],
)
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.jpg"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match=message) as info:
        load_image(path)
    assert str(path) in str(info.value)


def test_missing_and_folder(tmp_path):
    with pytest.raises(InvalidInputError, match="no such file"):
        load_image(tmp_path / "missing.png")
    with pytest.raises(InvalidInputError, match="not a file"):
        load_image(tmp_path)
