"""Run a detector over a protocol's test images and score the poses: the reusable evaluation.

`evaluate(detector, annotations, images_dir, protocol)` -> (EvalReport, COCO results);
`evaluate_results(annotations, results, protocol)` scores a COCO results list made elsewhere (for
instance by Google's runtime). Both score through the same code, so they are comparable.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from movenet.errors import InvalidInputError, MovenetError
from movenet.eval.dataset import (
    PERSON_CATEGORY_ID,
    CocoKeypoints,
    ImageRecord,
    load_coco_keypoints,
)
from movenet.eval.metrics import (
    BOOTSTRAP_RESAMPLES,
    BreakdownAccumulator,
    KeypointAP,
    KeypointBreakdown,
    coco_ground_truth,
    keypoint_ap,
    match_poses,
    require_pycocotools,
    run_cocoeval,
)
from movenet.eval.protocols import (
    CROP_MARGIN,
    DEFAULT_MIN_KEYPOINTS,
    Sample,
    select_samples,
)
from movenet.eval.rotation import check_rotation, rotate_image, unrotate_points
from movenet.skeleton import NUM_KEYPOINTS

# One predicted pose: (17, 3) array of (x, y, score) in image pixels, and the pose score.
Prediction = tuple[np.ndarray, float]


@dataclass(frozen=True)
class EvalReport:
    protocol: str
    model: str | None
    metrics: KeypointAP
    keypoints: tuple[KeypointBreakdown, ...]
    samples: int  # test images (single-crop: one per person)
    people: int  # annotated people scored (non-crowd, >= 1 labelled keypoint)
    images: int  # distinct source images
    predictions: int  # poses scored
    failures: tuple[str, ...] = field(default=())  # images that could not be used, with the reason

    def to_dict(self) -> dict:
        """Top-level AP, AP50, AP75, APm, APl, AR (percent), the protocol, model and counts."""
        return {
            **{k: v for k, v in self.metrics.to_dict().items() if k != "ap_ci"},
            "AP_ci95": list(self.metrics.ap_ci) if self.metrics.ap_ci is not None else None,
            "protocol": self.protocol, "model": self.model, "samples": self.samples,
            "people": self.people, "images": self.images, "predictions": self.predictions,
            "failed_images": len(self.failures), "failures": list(self.failures),
            "keypoints": [k.to_dict() for k in self.keypoints],
        }


def _as_dataset(annotations: CocoKeypoints | str | Path) -> CocoKeypoints:
    return annotations if isinstance(annotations, CocoKeypoints) else load_coco_keypoints(annotations)


def _top(predictions: list[Prediction], max_poses: int | None) -> list[Prediction]:
    ordered = sorted(predictions, key=lambda p: -p[1])
    return ordered if max_poses is None else ordered[:max_poses]


def _to_coco(sample: Sample, prediction: Prediction) -> dict:
    xy_score, score = prediction
    result = {
        "image_id": sample.image.id, "category_id": PERSON_CATEGORY_ID,
        "keypoints": [round(float(v), 3) for v in np.asarray(xy_score, dtype=np.float64).reshape(-1)],
        "score": float(score),
    }
    if sample.region is not None:  # single-crop: which person's crop this pose came from
        result["annotation_id"] = sample.id
    return result


def score(
    samples: list[Sample],
    predictions: dict[int, list[Prediction]],
    protocol: str,
    model: str | None = None,
    failures: tuple[str, ...] = (),
    bootstrap: int = BOOTSTRAP_RESAMPLES,
) -> EvalReport:
    """Score the poses of each sample (keyed by `Sample.id`) with pycocotools + the breakdown.
    Samples without poses count as misses."""
    if not samples:
        raise InvalidInputError(f"protocol {protocol!r}: no test images in this annotation set")
    results, annotations = [], []
    breakdown = BreakdownAccumulator()
    for sample in samples:
        poses = _top(predictions.get(sample.id, []), sample.max_poses)
        for xy_score, pose_score in poses:
            results.append({**_to_coco(sample, (xy_score, pose_score)), "image_id": sample.id})
        annotations += [a.to_coco(image_id=sample.id) for a in sample.ground_truth]
        if sample.target is not None:
            breakdown.add(poses[0][0][:, :2] if poses else None, sample.target)
        else:
            people = [a for a in sample.ground_truth if not a.iscrowd and a.num_keypoints > 0]
            xy = [p[0][:, :2] for p in poses]
            matched = {j: i for i, j in match_poses(xy, people)}
            for j, person in enumerate(people):
                breakdown.add(xy[matched[j]] if j in matched else None, person)
    for i, annotation in enumerate(annotations):
        annotation["id"] = i + 1  # unique ids: one person may be in several crops' ground truth
    evaluator = run_cocoeval(coco_ground_truth([s.id for s in samples], annotations), results)
    people = sum(1 for a in annotations if not a["iscrowd"] and a["num_keypoints"] > 0)
    return EvalReport(
        protocol, model, keypoint_ap(evaluator, bootstrap), tuple(breakdown.result()),
        len(samples), people, len({s.image.id for s in samples}), len(results), tuple(failures),
    )


def _load_checked(image: ImageRecord, images_dir: Path, load_image) -> np.ndarray:
    rgb = load_image(images_dir / image.file_name)
    if rgb.shape[:2] != (image.height, image.width):
        raise InvalidInputError(
            f"{image.file_name}: image is {rgb.shape[1]}x{rgb.shape[0]}, the annotations say "
            f"{image.width}x{image.height}"
        )
    return rgb


def predict(detector, samples: list[Sample], images_dir: str | Path, progress: bool | None = None,
            rotate: int = 0) -> tuple[dict[int, list[Prediction]], tuple[str, ...]]:
    """Each sample through a fresh detector state; keypoints back in full-image pixels. Each image
    is decoded once for all its samples; one that cannot be read is reported in the failures and
    the rest still run. `rotate` (90, 180, 270) turns each test image (crop) first and the poses
    back (`rotation.py`)."""
    from tqdm import tqdm

    from movenet.io.image import load_image

    images_dir = Path(images_dir)
    if not images_dir.is_dir():
        raise InvalidInputError(f"images folder not found: {images_dir}")
    by_image: dict[int, list[Sample]] = {}
    for sample in samples:
        by_image.setdefault(sample.image.id, []).append(sample)
    predictions: dict[int, list[Prediction]] = {}
    failures: list[str] = []
    disable = None if progress is None else not progress
    with tqdm(total=len(samples), unit="img", file=sys.stderr, disable=disable, desc="eval") as bar:
        for group in by_image.values():
            try:
                rgb = _load_checked(group[0].image, images_dir, load_image)
            except MovenetError as exc:
                failures.append(str(exc))
                bar.update(len(group))
                continue
            for sample in group:
                x0, y0, x1, y1 = sample.region or (0, 0, rgb.shape[1], rgb.shape[0])
                detector.reset()
                offset = np.array([x0, y0, 0], dtype=np.float32)
                poses = detector.estimate_poses(rotate_image(rgb[y0:y1, x0:x1], rotate))
                predictions[sample.id] = [(_unrotated(pose.to_array(), rotate, y1 - y0, x1 - x0) + offset, pose.score)
                                          for pose in poses]
                bar.update(1)
    if samples and not predictions:
        raise InvalidInputError(f"no test image could be read from {images_dir}: {failures[0]}")
    return predictions, tuple(failures)


def _unrotated(xy_score: np.ndarray, rotate: int, height: int, width: int) -> np.ndarray:
    if rotate:
        xy_score = xy_score.copy()
        xy_score[:, :2] = unrotate_points(xy_score[:, :2], rotate, height, width)
    return xy_score


def evaluate(
    detector,
    annotations: CocoKeypoints | str | Path,
    images_dir: str | Path,
    protocol: str = "single-crop",
    min_keypoints: int = DEFAULT_MIN_KEYPOINTS,
    crop_margin: float = CROP_MARGIN,
    progress: bool | None = None,
    bootstrap: int = BOOTSTRAP_RESAMPLES,
    rotate: int = 0,
) -> tuple[EvalReport, list[dict]]:
    """Run `detector` (from `create_detector`; min_pose_score=0 recommended) on the protocol's
    test images and score it. Returns the report and the poses as COCO keypoint results.
    `rotate`: each test image turned by 90, 180 or 270 degrees (the ground truth with it)."""
    require_pycocotools()
    dataset = _as_dataset(annotations)
    samples = select_samples(dataset, protocol, min_keypoints, crop_margin)
    if not samples:
        raise InvalidInputError(f"protocol {protocol!r}: no test images in {dataset.path}")
    check_rotation(rotate)
    predictions, failures = predict(detector, samples, images_dir, progress, rotate)
    model = getattr(getattr(detector, "spec", None), "name", None)
    report = score(samples, predictions, protocol, model, failures, bootstrap)
    results = [_to_coco(s, p) for s in samples for p in _top(predictions.get(s.id, []), s.max_poses)]
    return report, results


def _results_by_sample(dataset: CocoKeypoints, samples: list[Sample], results: list[dict]
                       ) -> dict[int, list[Prediction]]:
    if not isinstance(results, list):
        raise InvalidInputError("a COCO results file is a JSON list of {image_id, keypoints, score}")
    unknown = sorted({r.get("image_id") for r in results if isinstance(r, dict)} - set(dataset.images))
    if unknown:
        raise InvalidInputError(
            f"the results are for different images: {len(unknown)} image id(s) are not in "
            f"{dataset.path} (e.g. {unknown[:5]})"
        )
    crop = bool(samples) and samples[0].region is not None
    by_sample: dict[int, list[Prediction]] = {}
    for n, r in enumerate(results):
        if not isinstance(r, dict) or not {"image_id", "keypoints", "score"} <= set(r):
            raise InvalidInputError(f"result {n}: needs image_id, keypoints and score, got {r!r:.120}")
        if len(r["keypoints"]) != 3 * NUM_KEYPOINTS:
            raise InvalidInputError(f"result {n}: 'keypoints' must have {3 * NUM_KEYPOINTS} numbers")
        if crop and "annotation_id" not in r:
            raise InvalidInputError(
                f"result {n}: single-crop results need 'annotation_id' (the person whose crop it is)"
            )
        key = int(r["annotation_id"]) if crop else int(r["image_id"])
        xy_score = np.asarray(r["keypoints"], dtype=np.float32).reshape(NUM_KEYPOINTS, 3)
        by_sample.setdefault(key, []).append((xy_score, float(r["score"])))
    return by_sample


def evaluate_results(
    annotations: CocoKeypoints | str | Path,
    results: list[dict],
    protocol: str = "single-crop",
    min_keypoints: int = DEFAULT_MIN_KEYPOINTS,
    crop_margin: float = CROP_MARGIN,
    model: str | None = None,
    bootstrap: int = BOOTSTRAP_RESAMPLES,
) -> EvalReport:
    """Score COCO keypoint results (image ids of `annotations`, pixels of the full images) under
    `protocol`. Results for images outside the protocol's selection are not scored."""
    dataset = _as_dataset(annotations)
    samples = select_samples(dataset, protocol, min_keypoints, crop_margin)
    predictions = _results_by_sample(dataset, samples, results)
    return score(samples, predictions, protocol, model, (), bootstrap)
