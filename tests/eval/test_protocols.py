"""Each protocol's selection rules and the single-crop crop rule."""

from __future__ import annotations

import pytest
from conftest import SHARED
from eval_helpers import dataset

from movenet.errors import InvalidOptionError
from movenet.eval.dataset import load_coco_keypoints
from movenet.eval.protocols import crop_region, select_samples


def test_crop_region_by_hand():
    # box 100x200 at (50, 40): centre (100, 140), side 1.25 * 200 = 250 -> (-25, 15, 225, 265)
    assert crop_region((50, 40, 100, 200), 640, 480) == (0, 15, 225, 265)  # clipped at the left
    assert crop_region((50, 40, 100, 200), 640, 480, margin=1.0) == (0, 40, 200, 240)
    assert crop_region((600, 440, 30, 40), 640, 480) == (590, 435, 640, 480)  # clipped right/bottom
    assert crop_region((10.5, 10.5, 1, 1), 640, 480, margin=1.0) == (10, 10, 12, 12)  # whole pixels, outward


def test_single_crop_one_sample_per_labelled_person():
    samples = select_samples(dataset(), "single-crop")
    assert [s.id for s in samples] == [11, 21, 22, 41]  # not the unlabelled 23 or the crowd 42
    for s in samples:
        assert s.ground_truth == (s.target,) and s.target.id == s.id and s.max_poses == 1
        x0, y0, x1, y1 = s.region
        bx, by, bw, bh = s.target.bbox
        assert x0 <= bx and y0 <= by and x1 >= bx + bw and y1 >= by + bh
    assert [s.id for s in select_samples(dataset(), "single-crop", min_keypoints=5)] == [11, 21, 41]


def test_single_image_needs_exactly_one_labelled_person():
    samples = select_samples(dataset(), "single-image")
    assert [s.id for s in samples] == [1, 4]  # image 2 has two labelled people, image 3 none
    assert samples[1].target.id == 41 and len(samples[1].ground_truth) == 2  # the crowd stays (ignored)
    assert all(s.region is None and s.max_poses == 1 for s in samples)


def test_multi_takes_every_image_and_all_poses():
    samples = select_samples(dataset(), "multi")
    assert [s.id for s in samples] == [1, 2, 3, 4]
    assert samples[2].ground_truth == () and all(s.max_poses is None and s.target is None for s in samples)


def test_bad_options():
    with pytest.raises(InvalidOptionError, match="unknown protocol 'crops'; choose one of single-crop"):
        select_samples(dataset(), "crops")
    with pytest.raises(InvalidOptionError, match="min_keypoints must be an integer in 1..17"):
        select_samples(dataset(), "single-crop", min_keypoints=0)
    with pytest.raises(InvalidOptionError, match="crop_margin must be a number >= 1"):
        select_samples(dataset(), "single-crop", crop_margin=0.5)


@pytest.mark.skipif(not (SHARED / "data/coco-val2017/annotations.json").is_file(), reason="needs shared/data/coco-val2017")
def test_counts_on_coco_val2017():
    """shared/data/SOURCES.md: 58 images, 83 people with labelled keypoints, 10 single-person images."""
    data = load_coco_keypoints(SHARED / "data/coco-val2017/annotations.json")
    assert len(select_samples(data, "single-crop")) == 83
    assert len(select_samples(data, "single-image")) == 10
    assert len(select_samples(data, "multi")) == 58
