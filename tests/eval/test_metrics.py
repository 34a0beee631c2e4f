"""The evaluator on hand-built cases: perfect predictions, a known shift, the bootstrap, the breakdown."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("pycocotools")

from eval_helpers import dataset, person

from movenet.eval.dataset import PersonAnnotation
from movenet.eval.evaluate import score
from movenet.eval.metrics import (
    BreakdownAccumulator,
    object_keypoint_similarity,
    torso_size,
)
from movenet.eval.protocols import select_samples
from movenet.skeleton import COCO_OKS_SIGMAS


def _labelled_xy(annotation: PersonAnnotation) -> np.ndarray:
    return np.asarray(annotation.keypoints).reshape(17, 3)[:, :2]


def _prediction(xy: np.ndarray, score_value: float = 0.9):
    return (np.concatenate([xy, np.full((17, 1), 0.8)], axis=1).astype(np.float32), score_value)


def _shift_for_oks(annotation: PersonAnnotation, target: float) -> np.ndarray:
    """Per-keypoint x shift giving each keypoint exp(-e) = target, so OKS = target exactly."""
    sigmas = np.asarray(COCO_OKS_SIGMAS)
    d = np.sqrt(-math.log(target) * 2.0 * annotation.area * (2.0 * sigmas) ** 2)
    return np.stack([d, np.zeros(17)], axis=1)


def test_oks_formula_matches_pycocotools():
    from pycocotools.cocoeval import COCOeval

    gt = person(1, 1, area=5000.0)
    pred = _labelled_xy(gt) + np.array([3.0, -4.0])  # every keypoint 5 px off
    sigmas = np.asarray(COCO_OKS_SIGMAS)
    by_hand = np.mean(np.exp(-25.0 / (2.0 * 5000.0 * (2 * sigmas) ** 2)))
    assert object_keypoint_similarity(pred, gt) == pytest.approx(by_hand, rel=1e-12)

    class Params:  # the attributes COCOeval.computeOks reads
        kpt_oks_sigmas = sigmas
        maxDets = [20]

    evaluator = COCOeval.__new__(COCOeval)
    evaluator.params = Params()
    evaluator._gts = {(1, 1): [gt.to_coco()]}
    evaluator._dts = {(1, 1): [{"keypoints": list(np.c_[pred, np.ones(17)].ravel()), "score": 1.0, "area": 1.0}]}
    assert evaluator.computeOks(1, 1)[0, 0] == pytest.approx(by_hand, rel=1e-9)


def test_perfect_predictions_give_ap_100():
    data = dataset()
    samples = select_samples(data, "single-crop")
    predictions = {s.id: [_prediction(_labelled_xy(s.target))] for s in samples}
    report = score(samples, predictions, "single-crop", bootstrap=200)
    m = report.metrics
    assert (m.AP, m.AP50, m.AP75, m.AR) == (100.0, 100.0, 100.0, 100.0)
    assert m.ap_ci == (100.0, 100.0)
    assert report.people == len(samples) == 4  # 11, 21, 22, 41: not the unlabelled or the crowd


def test_known_shift_gives_known_ap():
    """OKS 0.62 for every person passes the thresholds 0.50, 0.55, 0.60 and fails 0.65 ... 0.95:
    AP = 3 / 10, AP50 = 1, AP75 = 0."""
    data = dataset()
    samples = select_samples(data, "single-crop")
    predictions = {}
    for s in samples:
        xy = _labelled_xy(s.target) + _shift_for_oks(s.target, 0.62)
        assert object_keypoint_similarity(xy, s.target) == pytest.approx(0.62, abs=1e-9)
        predictions[s.id] = [_prediction(xy)]
    m = score(samples, predictions, "single-crop", bootstrap=0).metrics
    assert m.AP == pytest.approx(30.0, abs=1e-9)
    assert (m.AP50, m.AP75) == (100.0, 0.0)
    assert m.ap_ci is None


def test_missing_prediction_counts_as_a_miss():
    data = dataset()
    samples = select_samples(data, "single-crop")
    predictions = {s.id: [_prediction(_labelled_xy(s.target))] for s in samples[1:]}
    m = score(samples, predictions, "single-crop", bootstrap=0).metrics
    assert m.AR == pytest.approx(100.0 * 3 / 4)
    assert m.AP50 < 100.0


def test_bootstrap_interval_contains_ap():
    data = dataset()
    samples = select_samples(data, "single-crop")
    rng = np.random.default_rng(1)
    predictions = {
        s.id: [_prediction(_labelled_xy(s.target) + rng.normal(0, 4 * (i + 1), (17, 2)), 0.5 + 0.1 * i)]
        for i, s in enumerate(samples)
    }
    m = score(samples, predictions, "single-crop", bootstrap=300).metrics
    low, high = m.ap_ci
    assert low <= m.AP <= high
    assert low < high


def test_breakdown_error_and_pck_by_hand():
    gt = person(1, 1, area=400.0)  # sqrt(area) = 20
    xy = _labelled_xy(gt).copy()
    torso = torso_size(gt)
    xy[0, 0] += 10.0  # nose 10 px off: error 0.5, inside 0.2 x torso only if torso >= 50
    acc = BreakdownAccumulator()
    acc.add(xy, gt)
    acc.add(None, gt)  # a person without a prediction: PCK misses, no error entries
    nose, left_eye = acc.result()[0], acc.result()[1]
    assert nose.labelled == 2 and nose.mean_error == pytest.approx(0.5)
    assert nose.pck == pytest.approx((1.0 if 10.0 <= 0.2 * torso else 0.0) / 2)
    assert left_eye.mean_error == 0.0 and left_eye.pck == 0.5
