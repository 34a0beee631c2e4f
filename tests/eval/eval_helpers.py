"""Hand-built COCO annotation sets for the evaluation tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from movenet.eval.dataset import CocoKeypoints, ImageRecord, PersonAnnotation

# A standing person: 17 (x, y) in COCO order, about 60 x 180 px, at the origin.
STANDING = np.array([
    [30, 10], [33, 7], [27, 7], [37, 9], [23, 9], [45, 35], [15, 35], [50, 65], [10, 65],
    [52, 95], [8, 95], [40, 100], [20, 100], [41, 140], [19, 140], [42, 178], [18, 178],
], dtype=np.float64)


def person(ann_id: int, image_id: int, offset=(100.0, 50.0), area: float = 6000.0,
           labelled: int = 17, iscrowd: bool = False) -> PersonAnnotation:
    xy = STANDING + np.asarray(offset)
    v = np.array([2] * labelled + [0] * (17 - labelled))
    keypoints = np.c_[xy * (v[:, None] > 0), v].ravel()
    x0, y0 = xy.min(axis=0)
    w, h = xy.max(axis=0) - xy.min(axis=0)
    return PersonAnnotation(ann_id, image_id, tuple(float(k) for k in keypoints), int((v > 0).sum()),
                            (float(x0), float(y0), float(w), float(h)), float(area), iscrowd)


def dataset() -> CocoKeypoints:
    """Image 1: one person; image 2: two people + one unlabelled; image 3: nobody; image 4: one
    labelled person + a crowd region."""
    images = {i: ImageRecord(i, f"{i}.jpg", 640, 480) for i in (1, 2, 3, 4)}
    annotations = (
        person(11, 1),
        person(21, 2, offset=(50, 40)), person(22, 2, offset=(300, 60), labelled=4),
        person(23, 2, offset=(500, 200), labelled=0),
        person(41, 4, offset=(10, 290)), person(42, 4, offset=(400, 100), iscrowd=True),
    )
    return CocoKeypoints(Path("hand-built.json"), images, annotations)


def write_coco(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data))
    return path
