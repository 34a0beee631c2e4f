"""Default still-image mode vs the official (compat) mode on COCO val2017 ground truth.

    python tools/accuracy_still_modes.py [--annotations ../shared/data/coco-val2017/annotations.json]

Images with exactly one keypoint-annotated (non-crowd) person, whole image. Per image: OKS of the
returned pose against the annotation (COCO sigmas, area = annotated segment area; a missing pose
scores 0), and the mean keypoint error over labelled keypoints divided by sqrt(area). Prints a
table and JSON lines.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

import movenet
from movenet.io.image import load_image
from movenet.skeleton import COCO_OKS_SIGMAS

ROOT = Path(__file__).resolve().parents[1]
SIGMAS = np.array(COCO_OKS_SIGMAS)


def single_person_images(annotations: dict) -> list[tuple[dict, dict]]:
    people = defaultdict(list)
    for a in annotations["annotations"]:
        if a["num_keypoints"] > 0 and not a["iscrowd"]:
            people[a["image_id"]].append(a)
    crowd = {a["image_id"] for a in annotations["annotations"] if a["iscrowd"]}
    images = {im["id"]: im for im in annotations["images"]}
    return [(images[i], p[0]) for i, p in sorted(people.items()) if len(p) == 1 and i not in crowd]


def score(pose, ann) -> tuple[float, float]:
    gt = np.array(ann["keypoints"], np.float64).reshape(17, 3)
    labelled = gt[:, 2] > 0
    if pose is None:
        return 0.0, float("nan")
    xy = pose.to_array()[:, :2].astype(np.float64)
    d2 = ((xy - gt[:, :2]) ** 2).sum(1)
    area = ann["area"]
    oks = np.exp(-d2 / (2 * area * (2 * SIGMAS) ** 2 + np.spacing(1)))[labelled].mean()
    err = (np.sqrt(d2[labelled]) / np.sqrt(area)).mean()
    return float(oks), float(err)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--annotations", default=str(ROOT.parent / "shared/data/coco-val2017/annotations.json"))
    args = parser.parse_args()
    ann_path = Path(args.annotations)
    cases = single_person_images(json.loads(ann_path.read_text()))
    modes = {
        "compat tfjs (centre square)": dict(compat="tfjs"),
        "default (whole image)": dict(),
        "default + refine": dict(refine=True),
    }
    print(f"{len(cases)} single-person images from {ann_path}")
    print(f"{'model':<10}{'mode':<30}{'mean OKS':>10}{'mean err/scale':>16}{'poses':>7}")
    for model in ("lightning", "thunder"):
        for mode, kwargs in modes.items():
            detector = movenet.create_detector(model, min_pose_score=0.0, **kwargs)
            oks, err, found = [], [], 0
            for image_info, ann in cases:
                detector.reset()
                poses = detector.estimate_poses(load_image(ann_path.parent / "images" / image_info["file_name"]))
                found += bool(poses)
                o, e = score(poses[0] if poses else None, ann)
                oks.append(o)
                err.append(e)
            row = {"model": model, "mode": mode, "n": len(cases), "mean_oks": float(np.mean(oks)),
                   "mean_error_over_scale": float(np.nanmean(err)), "poses": found}
            print(f"{model:<10}{mode:<30}{row['mean_oks']:>10.3f}{row['mean_error_over_scale']:>16.3f}{found:>7}")
            print(json.dumps(row))


if __name__ == "__main__":
    main()
