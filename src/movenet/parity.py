"""Comparison of raw outputs with a reference (the official runtime's, or float vs int8)."""

from __future__ import annotations

import numpy as np

from movenet.registry import ModelSpec, get_spec
from movenet.skeleton import NUM_KEYPOINTS

KPT_VALUES = 3 * NUM_KEYPOINTS  # 51: 17 x (y, x, score) in a MultiPose row


def raw_output_deviation(
    model: str | ModelSpec, ours: np.ndarray, official: np.ndarray, min_keypoint_score: float = 0.0
) -> tuple[float, float]:
    """(max |coordinate difference|, max |score difference|) between two raw outputs.

    Coordinates are normalised (y, x) and, for MultiPose, the box; scores are keypoint scores
    and, for MultiPose, the instance score. Keypoint coordinates whose official score is below
    `min_keypoint_score` are left out (an arg-max over heatmap values of ~1e-6 is a near-tie that
    any change of float rounding may flip); their scores are still compared.
    """
    ours, official = np.asarray(ours, np.float64), np.asarray(official, np.float64)
    if ours.shape != official.shape:
        raise ValueError(f"output shapes differ: {ours.shape} vs {official.shape}")
    if get_spec(model).multi_pose:
        kpt_o = ours[..., :KPT_VALUES].reshape(-1, NUM_KEYPOINTS, 3)
        kpt_r = official[..., :KPT_VALUES].reshape(-1, NUM_KEYPOINTS, 3)
        box = np.abs(ours[..., KPT_VALUES : KPT_VALUES + 4] - official[..., KPT_VALUES : KPT_VALUES + 4])
        keep = kpt_r[..., 2] >= min_keypoint_score
        kpt_dev = np.abs(kpt_o[..., :2] - kpt_r[..., :2]).max(-1)[keep]
        coord = max(kpt_dev.max(initial=0.0), box.max())
        score = max(np.abs(kpt_o[..., 2] - kpt_r[..., 2]).max(), np.abs(ours[..., -1] - official[..., -1]).max())
        return float(coord), float(score)
    keep = official[..., 2] >= min_keypoint_score
    return (
        float(np.abs(ours[..., :2] - official[..., :2]).max(-1)[keep].max(initial=0.0)),
        float(np.abs(ours[..., 2] - official[..., 2]).max()),
    )


def keypoint_distances_px(
    model: str | ModelSpec, ours: np.ndarray, reference: np.ndarray, shape: tuple[int, int],
    min_keypoint_score: float = 0.3, min_pose_score: float = 0.2,
) -> np.ndarray:
    """Pixel distances (in the (H, W) model input) of the keypoints the reference scores at least
    `min_keypoint_score`, for a batch-of-one raw output. MultiPose: each reference pose scoring at
    least `min_pose_score` against our pose closest to it (median distance), since small score
    changes may reorder the poses."""
    h, w = shape
    ours, reference = np.asarray(ours, np.float64), np.asarray(reference, np.float64)

    def dist(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.hypot((a[:, 0] - b[:, 0]) * h, (a[:, 1] - b[:, 1]) * w)

    if not get_spec(model).multi_pose:
        a, b = reference[0, 0], ours[0, 0]
        return dist(a, b)[a[:, 2] >= min_keypoint_score]
    candidates = ours[0, :, :KPT_VALUES].reshape(-1, NUM_KEYPOINTS, 3)
    out = []
    for pose in reference[0][reference[0, :, -1] >= min_pose_score]:
        a = pose[:KPT_VALUES].reshape(NUM_KEYPOINTS, 3)
        d = [dist(a, c) for c in candidates]
        out.append(d[int(np.argmin([np.median(x) for x in d]))][a[:, 2] >= min_keypoint_score])
    return np.concatenate(out) if out else np.zeros(0)
