"""COCO keypoint metrics: OKS AP with pycocotools, a bootstrap confidence interval, and a
per-keypoint breakdown (error over object scale, PCK@0.2 of the torso).

pycocotools is the reference implementation of COCO's keypoint AP (the COCO team's own code, the
one every published AP uses); AP here is computed by it, not re-implemented. The bootstrap
resamples test images and re-runs pycocotools' own `accumulate` on the per-image matches it made
once, so every resample is scored exactly as COCO would score that set.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import io
from dataclasses import asdict, dataclass

import numpy as np

from movenet.errors import InvalidOptionError
from movenet.eval.dataset import PERSON_CATEGORY_ID, PersonAnnotation
from movenet.extras import install_hint
from movenet.skeleton import (
    KEYPOINT_NAMES,
    NUM_KEYPOINTS,
    KeypointName,
    keypoint_similarities,
)

PCK_FRACTION = 0.2  # PCK@0.2: within 0.2 x the torso diameter
# Torso diameter: left shoulder to right hip, else right shoulder to left hip (the usual PCK torso).
TORSO_PAIRS = (
    (KeypointName.LEFT_SHOULDER.index, KeypointName.RIGHT_HIP.index),
    (KeypointName.RIGHT_SHOULDER.index, KeypointName.LEFT_HIP.index),
)
BOOTSTRAP_RESAMPLES = 1000
CONFIDENCE = 0.95


@dataclass(frozen=True)
class KeypointAP:
    """COCO OKS metrics in percent (pycocotools' `stats`); `ap_ci`: bootstrap interval of AP."""

    AP: float
    AP50: float
    AP75: float
    APm: float
    APl: float
    AR: float
    ap_ci: tuple[float, float] | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class KeypointBreakdown:
    """Per keypoint (COCO order): labelled count, mean error / sqrt(area), PCK@0.2 torso (0..1)."""

    name: str
    labelled: int
    mean_error: float | None
    pck: float | None

    def to_dict(self) -> dict:
        return asdict(self)


@contextlib.contextmanager
def _quiet():
    """pycocotools prints progress to stdout; keep it off ours (e.g. `--json -`)."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def coco_ground_truth(image_ids: list[int], annotations: list[dict]) -> dict:
    return {
        "images": [{"id": i} for i in image_ids],
        "annotations": annotations,
        "categories": [{"id": PERSON_CATEGORY_ID, "name": "person"}],
    }


def require_pycocotools() -> None:
    if importlib.util.find_spec("pycocotools") is None:
        raise InvalidOptionError(f"evaluation needs pycocotools: {install_hint('eval')}")


def run_cocoeval(ground_truth: dict, predictions: list[dict]):
    """pycocotools' COCOeval (keypoints) after evaluate + accumulate + summarize, or None when there
    are no predictions (AP is then 0)."""
    require_pycocotools()
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    if not predictions:
        return None
    with _quiet():
        gt = COCO()
        gt.dataset = copy.deepcopy(ground_truth)
        gt.createIndex()
        dt = gt.loadRes(copy.deepcopy(predictions))
        evaluator = COCOeval(gt, dt, "keypoints")
        evaluator.params.imgIds = [image["id"] for image in ground_truth["images"]]
        evaluator.params.catIds = [PERSON_CATEGORY_ID]
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return evaluator


def _percent(value: float) -> float:
    return 100.0 * max(float(value), 0.0)  # pycocotools uses -1 for "nothing to score"


def keypoint_ap(evaluator, bootstrap: int = BOOTSTRAP_RESAMPLES, seed: int = 0) -> KeypointAP:
    """The summary metrics of a finished COCOeval; `bootstrap` resamples for the AP interval (0: none)."""
    if evaluator is None:
        return KeypointAP(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, (0.0, 0.0) if bootstrap else None)
    stats = evaluator.stats
    ci = bootstrap_ap(evaluator, bootstrap, seed) if bootstrap else None
    # COCOeval.summarize() order for keypoints: AP, AP50, AP75, APm, APl, AR, AR50, AR75, ARm, ARl
    return KeypointAP(*(_percent(stats[i]) for i in range(6)), ci)


def _mean_ap(precision: np.ndarray) -> float:
    """AP as summarize() computes it: mean over IoU thresholds and recalls, area 'all', maxDets 20."""
    values = precision[:, :, 0, 0, -1]
    values = values[values > -1]
    return float(values.mean()) if values.size else 0.0


def bootstrap_ap(evaluator, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0,
                 confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Percentile bootstrap interval of AP (percent), resampling test images with replacement."""
    n = len(evaluator.params.imgIds)
    areas = len(evaluator.params.areaRng)
    per_image = [evaluator.evalImgs[a * n:(a + 1) * n] for a in range(areas)]
    rng = np.random.default_rng(seed)
    values = np.empty(resamples)
    resampled = copy.copy(evaluator)
    resampled.params = copy.deepcopy(evaluator.params)
    resampled.params.imgIds = list(range(n))
    resampled._paramsEval = copy.deepcopy(resampled.params)
    with _quiet():
        for r in range(resamples):
            pick = rng.integers(0, n, n)
            resampled.evalImgs = [per_image[a][i] for a in range(areas) for i in pick]
            resampled.accumulate()
            values[r] = _mean_ap(resampled.eval["precision"])
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(values, [alpha, 1.0 - alpha])
    return _percent(low), _percent(high)


def _gt_arrays(annotation: PersonAnnotation) -> tuple[np.ndarray, np.ndarray]:
    values = np.asarray(annotation.keypoints, dtype=np.float64).reshape(NUM_KEYPOINTS, 3)
    return values[:, :2], values[:, 2] > 0


def object_keypoint_similarity(pred_xy: np.ndarray, annotation: PersonAnnotation) -> float:
    """COCO OKS of one predicted (17, 2) pose against one annotation (pycocotools' formula:
    mean over labelled keypoints of exp(-d^2 / (2 * area * (2 sigma)^2)))."""
    gt_xy, labelled = _gt_arrays(annotation)
    if not labelled.any():
        return 0.0
    d2 = ((np.asarray(pred_xy, dtype=np.float64) - gt_xy) ** 2).sum(axis=1)
    return float(keypoint_similarities(d2, annotation.area + np.spacing(1))[labelled].mean())


def torso_size(annotation: PersonAnnotation) -> float | None:
    gt_xy, labelled = _gt_arrays(annotation)
    for a, b in TORSO_PAIRS:
        if labelled[a] and labelled[b]:
            size = float(np.linalg.norm(gt_xy[a] - gt_xy[b]))
            if size > 0:
                return size
    return None


def match_poses(predictions: list[np.ndarray], annotations: list[PersonAnnotation]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching by OKS, highest first: (prediction index, annotation index) pairs
    with OKS > 0."""
    scored = sorted(
        ((object_keypoint_similarity(p, a), i, j) for i, p in enumerate(predictions) for j, a in enumerate(annotations)),
        reverse=True,
    )
    pairs, used_p, used_a = [], set(), set()
    for similarity, i, j in scored:
        if similarity <= 0 or i in used_p or j in used_a:
            continue
        pairs.append((i, j))
        used_p.add(i)
        used_a.add(j)
    return pairs


class BreakdownAccumulator:
    """Collects per-keypoint errors over matched (prediction, annotation) pairs; an annotation
    without a prediction counts as a PCK miss for each labelled keypoint."""

    def __init__(self) -> None:
        self.errors: list[list[float]] = [[] for _ in range(NUM_KEYPOINTS)]
        self.hits = np.zeros(NUM_KEYPOINTS)
        self.pck_counted = np.zeros(NUM_KEYPOINTS)
        self.labelled = np.zeros(NUM_KEYPOINTS, dtype=int)

    def add(self, pred_xy: np.ndarray | None, annotation: PersonAnnotation) -> None:
        gt_xy, labelled = _gt_arrays(annotation)
        self.labelled += labelled
        torso = torso_size(annotation)
        if pred_xy is None:
            if torso is not None:
                self.pck_counted += labelled
            return
        distance = np.linalg.norm(np.asarray(pred_xy, dtype=np.float64) - gt_xy, axis=1)
        scale = np.sqrt(max(annotation.area, np.spacing(1)))
        for k in np.flatnonzero(labelled):
            self.errors[k].append(distance[k] / scale)
        if torso is not None:
            self.pck_counted += labelled
            self.hits += labelled & (distance <= PCK_FRACTION * torso)

    def result(self) -> list[KeypointBreakdown]:
        return [
            KeypointBreakdown(
                name, int(self.labelled[k]),
                float(np.mean(self.errors[k])) if self.errors[k] else None,
                float(self.hits[k] / self.pck_counted[k]) if self.pck_counted[k] else None,
            )
            for k, name in enumerate(KEYPOINT_NAMES)
        ]
