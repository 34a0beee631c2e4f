"""Tracker: IoU and OKS similarity by hand, id stability, ageing, max tracks."""

import numpy as np
import pytest

from movenet.temporal.tracker import Tracker, box_iou, keypoint_oks

SIGMA_NOSE = 0.026


def box(y0, x0, y1, x1):
    return np.array([y0, x0, y1, x1], float)


def person(cy, cx, score=0.9):
    kp = np.zeros((17, 3))
    kp[:, 0] = cy + np.linspace(-0.1, 0.1, 17)
    kp[:, 1] = cx + np.linspace(-0.05, 0.05, 17)
    kp[:, 2] = score
    return kp


def test_iou_by_hand():
    assert box_iou(box(0, 0, 2, 2), box(1, 1, 3, 3)) == pytest.approx(1 / 7)
    assert box_iou(box(0, 0, 1, 1), box(0, 0, 1, 1)) == 1.0
    assert box_iou(box(0, 0, 1, 1), box(1, 1, 2, 2)) == 0.0


def test_oks_by_hand():
    a = person(0.5, 0.5)
    assert keypoint_oks(a, a) == pytest.approx(1.0)
    b = a.copy()
    b[0, 1] += 0.01  # move the nose
    area = 0.2 * 0.1 + 1e-6
    expected = (16 + np.exp(-(0.01**2) / (2 * area * (2 * SIGMA_NOSE) ** 2))) / 17
    assert keypoint_oks(b, a) == pytest.approx(expected)
    weak = a.copy()
    weak[4:, 2] = 0.1  # only 4 confident keypoints left: still counted
    assert keypoint_oks(weak, a) == pytest.approx(1.0)
    weak[3:, 2] = 0.1  # 3: below the minimum of 4
    assert keypoint_oks(weak, a) == 0.0


@pytest.mark.parametrize("kind", ["box", "keypoints"])
def test_ids_stay_with_people_who_move_and_swap_order(kind):
    tracker = Tracker(kind)
    left, right = 0.25, 0.75
    ids = tracker.update([person(0.5, left), person(0.5, right)], [box(0.3, 0.15, 0.7, 0.35), box(0.3, 0.65, 0.7, 0.85)], 0)
    assert ids == [1, 2]
    for step in range(1, 10):
        l, r = left + 0.005 * step, right - 0.005 * step
        # detections come in the other order: ids must follow the people, not the order
        ids = tracker.update([person(0.5, r), person(0.5, l)], [box(0.3, r - 0.1, 0.7, r + 0.1), box(0.3, l - 0.1, 0.7, l + 0.1)], step * 33_333)
        assert ids == [2, 1]


def test_tracks_age_out_and_ids_are_not_reused():
    tracker = Tracker("box", max_age_ms=1000)
    assert tracker.update([person(0.5, 0.5)], [box(0.3, 0.4, 0.7, 0.6)], 0) == [1]
    assert tracker.update([], [], 900_000) == []
    assert tracker.update([person(0.5, 0.5)], [box(0.3, 0.4, 0.7, 0.6)], 1_000_000) == [1]  # age 1000 ms: kept
    assert tracker.update([person(0.5, 0.5)], [box(0.3, 0.4, 0.7, 0.6)], 2_000_001) == [2]  # too old: new id
    tracker.reset()
    assert tracker.update([person(0.5, 0.5)], [box(0.3, 0.4, 0.7, 0.6)], 2_100_000) == [3]


def test_max_tracks_keeps_the_most_recent():
    tracker = Tracker("box", max_tracks=2)
    boxes = [box(0.1 * i, 0, 0.1 * i + 0.05, 0.05) for i in range(3)]
    tracker.update([person(0, 0)] * 3, boxes, 0)
    assert len(tracker.tracks) == 2


def test_unknown_kind():
    with pytest.raises(ValueError, match="tracker must be one of"):
        Tracker("centroid")
