"""Pseudo labels from a teacher: COCO output, test-time rotation, video frames, validation images
never used, the labels reused when the job is the same."""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")

import json
import shutil

import cv2
import numpy as np
from train_helpers import IMAGES

from movenet.eval.dataset import load_coco_keypoints
from movenet.eval.rotation import rotate_image
from movenet.io.image import load_image
from movenet.train.data import build_samples
from movenet.train.distill import DistillConfig, file_digest, pseudo_label, teacher_pose

PERSON = IMAGES / "000000000785.jpg"  # one skier, clearly visible


def test_teacher_rotation_finds_a_lying_person():
    import movenet

    detector = movenet.create_detector("lightning", min_pose_score=0.0)
    lying = rotate_image(load_image(PERSON), 90)
    _, upright_only, _ = teacher_pose(detector, lying, (0,))
    xy_score, best, turn = teacher_pose(detector, lying, (0, 90, 180, 270))
    assert turn == 270 and best > upright_only + 0.1  # turned back upright, it scores better
    assert (xy_score[:, 0] < lying.shape[1]).all() and (xy_score[:, 1] < lying.shape[0]).all()


def test_pseudo_labels_from_images_and_video(tmp_path):
    frames = tmp_path / "clip.mp4"
    rgb = load_image(PERSON)
    writer = cv2.VideoWriter(str(frames), cv2.VideoWriter_fourcc(*"mp4v"), 10, (rgb.shape[1], rgb.shape[0]))
    for _ in range(5):
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()
    photos = tmp_path / "photos"
    shutil.copytree(IMAGES, photos)
    exclude = frozenset({file_digest(IMAGES / "000000205401.jpg")})  # a "validation" image
    config = DistillConfig(teacher="lightning", rotations=(0, 90), frame_step=2)
    labels, folder, report = pseudo_label([str(photos), str(frames)], tmp_path / "pseudo", config, exclude, progress=False)
    assert report["excluded_validation_images"] == 1
    assert report["frames"] == 3 + 3  # 3 photos left, video frames 0, 2, 4
    assert report["labelled"] + report["low_score"] == report["frames"] and report["labelled"] >= 3
    data = load_coco_keypoints(labels)
    assert len(data.images) == report["labelled"] and all(a.num_keypoints >= 5 for a in data.annotations)
    _, data_report = build_samples(labels, folder)
    assert data_report.samples == report["labelled"] and not data_report.failures
    stamp = labels.stat().st_mtime_ns
    again = pseudo_label([str(photos), str(frames)], tmp_path / "pseudo", config, exclude, progress=False)
    assert again[2] == report and labels.stat().st_mtime_ns == stamp  # the same job: reused
    entry = json.loads(labels.read_text())["annotations"][0]
    assert len(entry["teacher_scores"]) == 17 and entry["teacher_rotation"] in (0, 90)
    assert np.isfinite(entry["bbox"]).all()
