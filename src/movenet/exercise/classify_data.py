"""Labelled poses for the pose classifier: a folder of images per class, or ML Kit's pose samples.

`folder/<class>/*.jpg` (any image type `movenet predict` reads): each image is run through the
detector and its best pose kept; images where no pose is found are reported, not used.

ML Kit's `fitness_pose_samples.csv` (33 BlazePose landmarks per row, in pixels; see
shared/data/SOURCES.md) maps onto COCO-17 by the landmark names (`BLAZEPOSE_TO_COCO`); those
landmarks come from another model, so they carry no MoveNet score (set to 1).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from movenet.errors import InvalidInputError, MovenetError
from movenet.io.sources import is_image_file

# BlazePose / ML Kit landmark index of each COCO-17 keypoint, in COCO order: nose, left eye (2,
# "left_eye"; 1 and 3 are its inner/outer corners), right eye (5), ears (7, 8), shoulders (11, 12),
# elbows (13, 14), wrists (15, 16), hips (23, 24), knees (25, 26), ankles (27, 28).
BLAZEPOSE_TO_COCO = (0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28)
BLAZEPOSE_LANDMARKS = 33


@dataclass(frozen=True)
class LabelledPoses:
    poses: list[np.ndarray]  # (17, 3) each
    labels: list[str]
    names: list[str]  # source image of each pose
    skipped: list[str] = field(default_factory=list)  # "path: why"


def load_mlkit_samples(path: str | Path) -> LabelledPoses:
    """ML Kit pose samples: `name,class,x1,y1,z1,...,x33,y33,z33` per row, no header."""
    poses, labels, names = [], [], []
    with open(path, newline="") as f:
        for line_no, row in enumerate(csv.reader(f), 1):
            if not row:
                continue
            if len(row) < 2 + 3 * BLAZEPOSE_LANDMARKS:
                raise InvalidInputError(f"{path}:{line_no}: {len(row)} columns, expected name, class and {3 * BLAZEPOSE_LANDMARKS} numbers")
            values = np.array(row[2 : 2 + 3 * BLAZEPOSE_LANDMARKS], dtype=np.float64).reshape(BLAZEPOSE_LANDMARKS, 3)
            kps = np.ones((len(BLAZEPOSE_TO_COCO), 3))
            kps[:, :2] = values[list(BLAZEPOSE_TO_COCO), :2]
            poses.append(kps)
            labels.append(row[1].strip())
            names.append(row[0].strip())
    return LabelledPoses(poses, labels, names)


def images_by_class(folder: str | Path) -> dict[str, list[Path]]:
    """{class: image paths} of `folder/<class>/`, classes and files in name order."""
    root = Path(folder)
    if not root.is_dir():
        raise InvalidInputError(f"{folder}: not a folder (expected folder/<class>/*.jpg)")
    classes = {d.name: sorted(p for p in d.iterdir() if is_image_file(p)) for d in sorted(root.iterdir()) if d.is_dir()}
    classes = {k: v for k, v in classes.items() if v}
    if len(classes) < 2:
        raise InvalidInputError(f"{folder}: needs at least 2 class subfolders with images (folder/<class>/*.jpg), found {sorted(classes)}")
    return classes


def poses_from_images(detector, by_class: dict[str, list[Path]], progress: bool = True) -> LabelledPoses:
    """Run the detector on each image; keep its best pose. Unreadable or empty images are skipped."""
    from tqdm import tqdm

    poses, labels, names, skipped = [], [], [], []
    items = [(label, path) for label, paths in by_class.items() for path in paths]
    for label, path in tqdm(items, unit="image", disable=None if progress else True):
        try:
            found = detector.estimate_poses(str(path))
        except MovenetError as exc:
            skipped.append(f"{path}: {exc}")
            continue
        if not found:
            skipped.append(f"{path}: no pose found")
            continue
        best = max(found, key=lambda p: p.score)
        poses.append(best.to_array().astype(np.float64))
        labels.append(label)
        names.append(str(path))
    return LabelledPoses(poses, labels, names, skipped)


def split_by_group(names: list[str], holdout: float, seed: int = 0) -> tuple[list[int], list[int]]:
    """Train / held-out indices with every group (an ML Kit video id `frame__<id>__<n>.jpg`, else
    the file itself) on one side only, so frames of one video never straddle the split."""
    groups = sorted({_group(n) for n in names})
    rng = np.random.default_rng(seed)
    held = set(rng.permutation(groups)[: round(holdout * len(groups))].tolist())
    train = [i for i, n in enumerate(names) if _group(n) not in held]
    test = [i for i, n in enumerate(names) if _group(n) in held]
    return train, test


def _group(name: str) -> str:
    stem = Path(name).name
    return stem.split("__")[1] if stem.startswith("frame__") and stem.count("__") >= 2 else stem
