"""Multi-pose decoding (`multi_pose/decode_multiple_poses.ts`, `build_part_with_score_queue.ts`,
`decode_pose.ts`, `util.ts` of `@tensorflow-models/posenet` 2.2.2).

1. Root candidates: every (cell, part) whose score is at least `score_threshold` and no neighbour
   within `LOCAL_MAXIMUM_RADIUS` cells scores strictly higher, in one max-priority queue.
2. Take the best candidate; its position is cell * stride + offset. If it lies within
   `nms_radius` pixels of the same part of a pose already found, drop it.
3. Otherwise it roots a new pose: walk the tree (`POSE_CHAIN`) from the root, backwards (child ->
   parent, last edge first) then forwards (parent -> child): from a known part, the displacement
   at its nearest cell gives the target part's rough position, refined `OFFSET_REFINE_STEPS` times
   by the target's offset at its nearest cell; the score is the target's score at the final cell.
4. The pose score is the sum of the scores of its parts that are not within `nms_radius` of the
   same part of an earlier pose, over 17. Stop after `max_poses` poses or when the queue is empty.
Positions are computed in float64 (JavaScript numbers) from float32 heads, as the official code.
"""

from __future__ import annotations

import math

import numpy as np

from movenet.codec.posenet.heads import NUM_EDGES, PoseNetHeads
from movenet.codec.posenet.max_heap import MaxHeap
from movenet.codec.posenet.skeleton import POSE_CHAIN
from movenet.codec.posenet.types import DecodedPose
from movenet.skeleton import NUM_KEYPOINTS

LOCAL_MAXIMUM_RADIUS = 1  # decode_multiple_poses.ts kLocalMaximumRadius
OFFSET_REFINE_STEPS = 2  # decode_pose.ts traverseToTargetKeypoint offsetRefineStep
DEFAULT_SCORE_THRESHOLD = 0.5  # posenet_model.ts MULTI_PERSON_INFERENCE_CONFIG.scoreThreshold
DEFAULT_NMS_RADIUS = 20.0  # MULTI_PERSON_INFERENCE_CONFIG.nmsRadius, pixels of the model input


def js_round(value: float) -> int:
    """JavaScript Math.round: the nearest integer, halves towards +infinity."""
    floor = math.floor(value)
    return floor + 1 if value - floor >= 0.5 else floor


def local_maxima(scores: np.ndarray, score_threshold: float, radius: int = LOCAL_MAXIMUM_RADIUS) -> MaxHeap:
    """The queue of root candidates: (score, y, x, part), in the official scan order (y, x, part)."""
    height, width, _ = scores.shape
    scores = scores.astype(np.float64)  # compare as JavaScript does: float32 values as doubles
    padded = np.pad(scores, ((radius, radius), (radius, radius), (0, 0)), constant_values=-np.inf)
    window_max = np.full(scores.shape, -np.inf)
    for dy in range(2 * radius + 1):
        for dx in range(2 * radius + 1):
            np.maximum(window_max, padded[dy:dy + height, dx:dx + width], out=window_max)
    candidate = (scores >= score_threshold) & (scores >= window_max)  # nobody strictly higher
    queue = MaxHeap(key=lambda item: item[0])
    for y, x, part in zip(*np.nonzero(candidate)):  # row-major = the official loop order
        queue.enqueue((float(scores[y, x, part]), int(y), int(x), int(part)))
    return queue


def _nearest_cell(y: float, x: float, stride: int, height: int, width: int) -> tuple[int, int]:
    return min(max(js_round(y / stride), 0), height - 1), min(max(js_round(x / stride), 0), width - 1)


def _traverse(edge: int, source: tuple[float, float], target: int, heads: PoseNetHeads,
              displacements: np.ndarray, stride: int) -> tuple[float, float, float]:
    """Position (y, x) and score of part `target`, reached from `source` along `edge`."""
    height, width = heads.shape
    cy, cx = _nearest_cell(*source, stride, height, width)
    y = source[0] + float(displacements[cy, cx, edge])
    x = source[1] + float(displacements[cy, cx, NUM_EDGES + edge])
    for _ in range(OFFSET_REFINE_STEPS):
        cy, cx = _nearest_cell(y, x, stride, height, width)
        y = cy * stride + float(heads.offsets[cy, cx, target])
        x = cx * stride + float(heads.offsets[cy, cx, target + NUM_KEYPOINTS])
    cy, cx = _nearest_cell(y, x, stride, height, width)
    return y, x, float(heads.scores[cy, cx, target])


def decode_pose(root: tuple[float, int, int, int], heads: PoseNetHeads, stride: int) -> np.ndarray:
    """(17, 3) keypoints (y, x, score) of the pose rooted at `root` = (score, y, x, part)."""
    score, cy, cx, part = root
    keypoints: list[tuple[float, float, float] | None] = [None] * NUM_KEYPOINTS
    keypoints[part] = (cy * stride + float(heads.offsets[cy, cx, part]),
                       cx * stride + float(heads.offsets[cy, cx, part + NUM_KEYPOINTS]), score)
    for edge in reversed(range(len(POSE_CHAIN))):  # child -> parent
        parent, child = POSE_CHAIN[edge]
        if keypoints[child] is not None and keypoints[parent] is None:
            keypoints[parent] = _traverse(edge, keypoints[child][:2], parent, heads, heads.displacement_bwd, stride)
    for edge in range(len(POSE_CHAIN)):  # parent -> child
        parent, child = POSE_CHAIN[edge]
        if keypoints[parent] is not None and keypoints[child] is None:
            keypoints[child] = _traverse(edge, keypoints[parent][:2], child, heads, heads.displacement_fwd, stride)
    return np.array(keypoints, dtype=np.float64)


def _near_earlier(poses: list[DecodedPose], squared_radius: float, y: float, x: float, part: int) -> bool:
    return any((p.keypoints[part, 0] - y) ** 2 + (p.keypoints[part, 1] - x) ** 2 <= squared_radius for p in poses)


def decode_multiple_poses(
    heads: PoseNetHeads, output_stride: int, max_poses: int,
    score_threshold: float = DEFAULT_SCORE_THRESHOLD, nms_radius: float = DEFAULT_NMS_RADIUS,
) -> list[DecodedPose]:
    """Up to `max_poses` poses, in decreasing root-score order (the official order)."""
    if max_poses < 1 or not 0.0 <= score_threshold <= 1.0 or nms_radius <= 0:
        raise ValueError(f"max_poses {max_poses} >= 1, score_threshold {score_threshold} in 0..1, "
                         f"nms_radius {nms_radius} > 0 are required")
    queue = local_maxima(np.asarray(heads.scores), score_threshold)
    squared_radius = nms_radius * nms_radius
    poses: list[DecodedPose] = []
    while len(poses) < max_poses and len(queue):
        root = queue.dequeue()
        _, cy, cx, part = root
        y = cy * output_stride + float(heads.offsets[cy, cx, part])
        x = cx * output_stride + float(heads.offsets[cy, cx, part + NUM_KEYPOINTS])
        if _near_earlier(poses, squared_radius, y, x, part):
            continue
        keypoints = decode_pose(root, heads, output_stride)
        kept = sum(
            k[2] for i, k in enumerate(keypoints) if not _near_earlier(poses, squared_radius, k[0], k[1], i)
        )
        poses.append(DecodedPose(keypoints, kept / NUM_KEYPOINTS))
    return poses
