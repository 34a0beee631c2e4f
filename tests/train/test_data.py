"""Training data from COCO files: what is kept, what is skipped and counted, bad input."""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")

import numpy as np
from train_helpers import ANNOTATIONS, IMAGES, copy_mini, write

from movenet.errors import InvalidInputError
from movenet.registry import get_spec
from movenet.train.augment import AugmentConfig
from movenet.train.data import PoseDataset, build_samples


def test_one_sample_per_person_with_keypoints_others_counted():
    samples, report = build_samples(ANNOTATIONS, IMAGES)
    assert (report.images, report.samples, report.people, report.skipped_people) == (4, 6, 6, 4)
    multi, multi_report = build_samples(ANNOTATIONS, IMAGES, multi_pose=True)
    assert len(multi) == 4 and multi_report.people == 6
    # everybody in the image keeps their targets in each crop (not "one person only")
    crowded = [s for s in samples if s.image.name == "000000117425.jpg"]
    assert len(crowded) == 3 and all(len(s.people) == 3 for s in crowded)


def test_targets_of_a_sample(tmp_path):
    samples, _ = build_samples(ANNOTATIONS, IMAGES)
    item = PoseDataset(samples, get_spec("lightning"), AugmentConfig.none())[0]
    assert item["image"].shape == (3, 192, 192) and item["kpt_heatmap"].shape == (17, 48, 48)
    assert float(item["num_keypoints"]) == 17 and float(item["center"].max()) == 1.0
    item = PoseDataset(samples[:1], get_spec("multipose"), AugmentConfig.none())[0]
    assert item["image"].shape == (3, 256, 256) and item["box_scale"].shape == (2, 64, 64)


def test_unloadable_images_are_skipped_and_listed(tmp_path):
    annotations, images, data = copy_mini(tmp_path)
    (images / "000000000785.jpg").write_bytes(b"not a jpeg")
    (images / "000000205401.jpg").unlink()
    _, report = build_samples(write(annotations, data), images)
    assert report.images == 2 and len(report.failures) == 2 and report.samples == 5
    assert any("000000000785.jpg" in f for f in report.failures)


def test_keypoints_outside_the_image_become_unlabelled(tmp_path):
    annotations, images, data = copy_mini(tmp_path)
    person = next(a for a in data["annotations"] if a["image_id"] == 785)
    person["keypoints"][0:3] = [-50.0, 10.0, 2]  # nose left of the image
    person["keypoints"][3:6] = [10.0, 5000.0, 1]  # left eye below it
    samples, report = build_samples(write(annotations, data), images)
    assert report.keypoints_outside == 2
    kept = next(s for s in samples if s.image.name == "000000000785.jpg").people[0].keypoints
    assert kept[0, 2] == 0 and kept[1, 2] == 0 and kept[2, 2] == 1


def test_annotation_file_with_missing_fields(tmp_path):
    annotations, images, data = copy_mini(tmp_path)
    del data["annotations"][0]["keypoints"]
    with pytest.raises(InvalidInputError, match="lacks required field.*keypoints"):
        build_samples(write(annotations, data), images)
    del data["images"]
    with pytest.raises(InvalidInputError, match="not a COCO annotation file"):
        build_samples(write(annotations, data), images)
    with pytest.raises(InvalidInputError, match="images folder not found"):
        build_samples(ANNOTATIONS, tmp_path / "nowhere")


def test_crop_is_the_evaluation_crop():
    from movenet.eval.protocols import crop_region

    samples, _ = build_samples(ANNOTATIONS, IMAGES)
    first = samples[0]
    assert first.region == crop_region(first.people[0].bbox, 640, 425)
    np.testing.assert_array_equal(first.people[0].keypoints[:, 2] > 0, np.ones(17, bool))
