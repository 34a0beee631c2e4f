"""PoseNet decoding on hand-built heads: single pose, a hand-made pair of people, NMS, the
official queue's tie order. Expected values are worked out by hand from the heads below."""

import numpy as np
import pytest

from movenet.codec.posenet import (
    PoseNetHeads,
    decode_multiple_poses,
    decode_single_pose,
    split_output,
)
from movenet.codec.posenet.heads import OUTPUT_CHANNELS
from movenet.codec.posenet.max_heap import MaxHeap
from movenet.codec.posenet.multi import js_round, local_maxima
from movenet.codec.posenet.skeleton import POSE_CHAIN
from movenet.skeleton import KEYPOINT_NAMES, NUM_KEYPOINTS

STRIDE = 16
H = W = 9  # a 129 x 129 input


def empty_heads(h=H, w=W) -> PoseNetHeads:
    return PoseNetHeads(
        np.full((h, w, 17), 0.01, np.float32), np.zeros((h, w, 34), np.float32),
        np.zeros((h, w, 32), np.float32), np.zeros((h, w, 32), np.float32),
    )


def test_single_pose_is_argmax_plus_offset():
    heads = empty_heads()
    cells = [(k % H, (2 * k) % W) for k in range(NUM_KEYPOINTS)]
    for k, (y, x) in enumerate(cells):
        heads.scores[y, x, k] = 0.5 + k / 100
        heads.offsets[y, x, k] = 0.25 * k  # dy
        heads.offsets[y, x, k + 17] = -3.5  # dx
    heads.scores[8, 8, 0] = 0.5  # ties with part 0's maximum at (0, 0): the first in row-major wins
    pose = decode_single_pose(heads, STRIDE)
    for k, (y, x) in enumerate(cells):
        assert pose.keypoints[k, 0] == pytest.approx(y * 16 + 0.25 * k)
        assert pose.keypoints[k, 1] == pytest.approx(x * 16 - 3.5)
        assert pose.keypoints[k, 2] == pytest.approx(0.5 + k / 100)
    assert pose.score == pytest.approx(np.mean([np.float32(0.5 + k / 100) for k in range(17)]))


def _paint_person(heads, cells, offset, scores, skip_edges=()):
    """Part k of a person at cell cells[k], position cell * 16 + offset; the displacement fields at
    each part's cell point at its tree neighbours' cells, so the walk lands on them exactly."""
    dy, dx = offset
    pos = {k: (c[0] * STRIDE + dy, c[1] * STRIDE + dx) for k, c in enumerate(cells)}
    for k, (y, x) in enumerate(cells):
        heads.scores[y, x, k] = scores[k]
        heads.offsets[y, x, k], heads.offsets[y, x, k + 17] = dy, dx
    for e, (parent, child) in enumerate(POSE_CHAIN):
        (py, px), (cy, cx) = cells[parent], cells[child]
        # from the parent's position to the child's cell centre (refinement adds the offset)
        heads.displacement_fwd[py, px, e] = cy * STRIDE - pos[parent][0]
        heads.displacement_fwd[py, px, e + 16] = cx * STRIDE - pos[parent][1]
        heads.displacement_bwd[cy, cx, e] = py * STRIDE - pos[child][0]
        heads.displacement_bwd[cy, cx, e + 16] = px * STRIDE - pos[child][1]
    return np.array([pos[k] for k in range(17)])


# two people side by side: person A in columns 0-3, person B in columns 5-8 (one cell per part)
CELLS_A = [(r, c) for r in range(5) for c in range(4)][:17]
CELLS_B = [(r, c + 5) for r, c in CELLS_A]


def test_two_people_are_decoded_along_the_tree_in_root_score_order():
    heads = empty_heads()
    scores_a = [0.9] + [0.8] * 16  # A's nose is the best root
    scores_b = [0.7] * 5 + [0.85] + [0.6] * 11  # B's left shoulder roots B
    pos_a = _paint_person(heads, CELLS_A, (2.0, -1.5), scores_a)
    pos_b = _paint_person(heads, CELLS_B, (-3.0, 4.0), scores_b)
    poses = decode_multiple_poses(heads, STRIDE, max_poses=5)
    assert len(poses) == 2  # every other local maximum lies on a part already found (NMS)
    a, b = poses
    np.testing.assert_allclose(a.keypoints[:, :2], pos_a, atol=1e-5)
    np.testing.assert_allclose(b.keypoints[:, :2], pos_b, atol=1e-5)
    np.testing.assert_allclose(a.keypoints[:, 2], scores_a, atol=1e-6)
    np.testing.assert_allclose(b.keypoints[:, 2], scores_b, atol=1e-6)
    assert a.score == pytest.approx(np.mean(np.float32(scores_a)))  # no part near an earlier pose
    assert b.score == pytest.approx(np.mean(np.float32(scores_b)))
    assert len(decode_multiple_poses(heads, STRIDE, max_poses=1)) == 1
    assert decode_multiple_poses(heads, STRIDE, max_poses=5, score_threshold=0.95) == []


def test_parts_within_the_nms_radius_of_an_earlier_pose_do_not_count():
    heads = empty_heads()
    scores_a = [0.9] * 17
    pos_a = _paint_person(heads, CELLS_A, (0.0, 0.0), scores_a)
    # a second root: a nose at cell (8, 8), far from A; its displacement along edge 0 (nose ->
    # left eye) points at A's left-eye cell, so the walk lands on A's left eye, and from there A's
    # own field leads to A's left ear; its other edges have zero displacement and stay at (8, 8)
    heads.scores[8, 8, 0] = 0.6
    heads.displacement_fwd[8, 8, 0] = CELLS_A[1][0] * STRIDE - 128
    heads.displacement_fwd[8, 8, 16] = CELLS_A[1][1] * STRIDE - 128
    first, second = decode_multiple_poses(heads, STRIDE, max_poses=5)
    np.testing.assert_allclose(first.keypoints[:, :2], pos_a, atol=1e-5)
    np.testing.assert_allclose(second.keypoints[1, :2], pos_a[1])  # left eye: on A's
    np.testing.assert_allclose(second.keypoints[3, :2], pos_a[3])  # left ear: on A's
    others = [k for k in range(17) if k not in (0, 1, 3)]
    np.testing.assert_allclose(second.keypoints[others, :2], 128.0)
    assert second.keypoints[1, 2] == pytest.approx(0.9) and second.keypoints[3, 2] == pytest.approx(0.9)
    # the two parts on A's are not counted: (0.6 + 14 x 0.01) / 17, not (0.6 + 2 x 0.9 + 14 x 0.01) / 17
    assert second.score == pytest.approx((np.float32(0.6) + 14 * np.float32(0.01)) / 17)


def test_local_maxima_ties_and_threshold():
    scores = np.zeros((3, 3, 1), np.float32)
    scores[0, 0, 0] = scores[0, 1, 0] = 0.7  # a plateau: both are maxima (nobody strictly higher)
    scores[2, 2, 0] = 0.4
    queue = local_maxima(scores, 0.5)
    assert len(queue) == 2
    assert local_maxima(scores, 0.3).__len__() == 3


def test_official_heap_order_on_ties():
    # enqueue a, b, c with equal keys; the official heap dequeues a, c, b (Python's heapq with
    # insertion order would give a, b, c): worked through by hand on max_heap.ts
    heap = MaxHeap(key=lambda item: item[0])
    for name in "abc":
        heap.enqueue((1.0, name))
    assert [heap.dequeue()[1] for _ in range(3)] == ["a", "c", "b"]
    heap = MaxHeap(key=lambda item: item)
    for v in [3, 9, 1, 7, 5, 9.5, 0]:
        heap.enqueue(v)
    assert [heap.dequeue() for _ in range(7)] == [9.5, 9, 7, 5, 3, 1, 0]


def test_js_round_rounds_halves_up():
    assert [js_round(v) for v in (2.5, -2.5, 0.49999, -0.5, 3.0)] == [3, -2, 0, 0, 3]


def test_pose_chain_is_the_official_tree():
    assert len(POSE_CHAIN) == 16
    children = [c for _, c in POSE_CHAIN]
    assert sorted(children) == list(range(1, 17))  # every part but the nose has one parent
    assert KEYPOINT_NAMES[POSE_CHAIN[7][0]] == "left_shoulder" and KEYPOINT_NAMES[POSE_CHAIN[7][1]] == "left_hip"


def test_split_output_layout_and_bad_shape():
    out = np.arange(2 * 3 * OUTPUT_CHANNELS, dtype=np.float32).reshape(2, 3, OUTPUT_CHANNELS)
    heads = split_output(out)
    assert heads.scores.shape == (2, 3, 17) and heads.offsets[0, 0, 0] == 17
    assert heads.displacement_fwd[0, 0, 0] == 51 and heads.displacement_bwd[0, 0, 0] == 83
    with pytest.raises(ValueError, match="115"):
        split_output(out[..., :100])
