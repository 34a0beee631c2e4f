"""A tiny training set: the 4 COCO images of tests/fixtures/coco_mini (6 people with keypoints, 4
without), copied into a temporary folder when a test needs to break something."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import FIXTURES

MINI = FIXTURES / "coco_mini"
ANNOTATIONS = MINI / "annotations.json"
IMAGES = MINI / "images"


def copy_mini(tmp_path: Path) -> tuple[Path, Path, dict]:
    images = tmp_path / "images"
    shutil.copytree(IMAGES, images)
    data = json.loads(ANNOTATIONS.read_text())
    return tmp_path / "annotations.json", images, data


def write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data))
    return path
