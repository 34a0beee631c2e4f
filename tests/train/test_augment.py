"""Every geometric transform moves the keypoints with the pixels: a bright dot is painted at a
keypoint, the sample is made through the training pipeline, and the dot must sit where the
transformed keypoint says (model-input pixel ~ 4 x grid coordinate, within 1.5 px)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")

import numpy as np
from PIL import Image

from movenet.registry import get_spec
from movenet.train.augment import FLIP_PERMUTATION, AugmentConfig
from movenet.train.data import PoseDataset, TrainPerson, TrainSample

LEFT_EYE, RIGHT_EYE = 1, 2
NONE = AugmentConfig.none()
CASES = {
    "none": NONE,
    "flip": AugmentConfig(**{**NONE.__dict__, "flip_prob": 1.0}),
    "scale": AugmentConfig(**{**NONE.__dict__, "scale": (1.3, 1.3)}),
    "shift": AugmentConfig(**{**NONE.__dict__, "shift": 0.15}),
    "rotate": AugmentConfig(**{**NONE.__dict__, "rotate": 180.0, "rotate_prob": 1.0}),
    "all": AugmentConfig(flip_prob=1.0, scale=(0.8, 1.2), shift=0.1, rotate=180.0, rotate_prob=1.0,
                         color_prob=0.0, blur_prob=0.0, occlude_prob=0.0),
}


def _dot_image(tmp_path, size, xy):
    h, w = size
    yy, xx = np.mgrid[0:h, 0:w] + 0.5  # pixel centres in continuous coordinates
    blob = np.exp(-((xx - xy[0]) ** 2 + (yy - xy[1]) ** 2) / (2 * 2.0 ** 2))
    image = np.repeat((255 * blob).astype(np.uint8)[..., None], 3, axis=2)
    path = tmp_path / "dot.png"
    Image.fromarray(image).save(path)
    return path


def _dot_position(model_input):
    grey = model_input[..., 0].astype(np.float64)
    y, x = np.unravel_index(np.argmax(grey), grey.shape)
    win = grey[max(0, y - 4):y + 5, max(0, x - 4):x + 5]
    yy, xx = np.mgrid[max(0, y - 4):y + 5, max(0, x - 4):x + 5]
    return (xx * win).sum() / win.sum(), (yy * win).sum() / win.sum()


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("model", ["lightning", "multipose"])
def test_keypoints_move_with_pixels(tmp_path, name, model):
    size, dot = (200, 300), (171.3, 88.6)  # a landscape crop; the dot off-centre
    path = _dot_image(tmp_path, size, dot)
    kps = np.zeros((17, 3))
    kps[LEFT_EYE] = (*dot, 1)
    person = TrainPerson(kps, (100.0, 40.0, 120.0, 130.0))
    region = None if model == "multipose" else (0, 0, size[1], size[0])
    dataset = PoseDataset([TrainSample(path, region, (person,))], get_spec(model), CASES[name], seed=3)
    for epoch in range(4):  # four different random draws
        dataset.set_epoch(epoch)
        model_input, labels = dataset.render(0)
        labelled = np.flatnonzero(labels[0].keypoints[:, 2] > 0)
        expected_index = RIGHT_EYE if name in ("flip", "all") else LEFT_EYE
        assert labelled.tolist() == [expected_index]
        gy, gx = labels[0].keypoints[expected_index, :2]
        x, y = _dot_position(model_input)
        assert abs(x - 4 * gx) < 1.5 and abs(y - 4 * gy) < 1.5, (name, epoch, (x, y), (4 * gx, 4 * gy))


def test_flip_permutation_is_left_right():
    from movenet.skeleton import KEYPOINT_NAMES

    for i, j in enumerate(FLIP_PERMUTATION):
        a, b = KEYPOINT_NAMES[i], KEYPOINT_NAMES[j]
        assert a.replace("left", "right") == b or a.replace("right", "left") == b or a == b == "nose"


def test_same_seed_same_sample_other_seed_other_sample(tmp_path):
    path = _dot_image(tmp_path, (120, 100), (50.0, 60.0))
    kps = np.zeros((17, 3))
    kps[0] = (50.0, 60.0, 1)
    samples = [TrainSample(path, (0, 0, 100, 120), (TrainPerson(kps, (30.0, 30.0, 40.0, 60.0)),))]
    config = AugmentConfig(rotate=180.0, color_prob=1.0, blur_prob=1.0, occlude_prob=1.0)
    a = PoseDataset(samples, get_spec("lightning"), config, seed=1).render(0)[0]
    b = PoseDataset(samples, get_spec("lightning"), config, seed=1).render(0)[0]
    c = PoseDataset(samples, get_spec("lightning"), config, seed=2).render(0)[0]
    assert np.array_equal(a, b) and not np.array_equal(a, c)
