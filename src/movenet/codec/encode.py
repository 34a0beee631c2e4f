"""Training targets for the four (MultiPose: six) heads, in the conventions the decoding reads.

The inverse of `single_pose.py` / `multi_pose.py` (the mmpose codec pattern: encode beside decode),
following the CenterNet keypoint task of the TF Object Detection API (`shared/TRAINING.md`):
- heatmaps are probabilities (the heads are logits; the loss applies the sigmoid): a Gaussian at
  the floored cell of each person centre (sigma_box) and of each labelled keypoint
  (KEYPOINT_STD_DEVS[k] * sigma_box); overlapping Gaussians take the maximum;
- `kpt_regress` at the floored centre cell: keypoint - floor(centre), (y, x) per keypoint;
- `kpt_offset` on every cell within OFFSET_RADIUS of floor(keypoint): keypoint - cell;
- MultiPose `box_scale` (height, width) and `box_offset` (centre - floor(centre)) at the centre cell.
All in output-grid pixels (stride 4), continuous coordinates: cell c covers [c, c + 1), which is
what the decoding's `(cell + offset) / size` assumes. Unlabelled keypoints get no target, and the
heatmap of that keypoint is masked (weight 0) inside the box of the person who lacks it.

Person centre: the mean of the labelled keypoints (MoveNet's blog), not the CenterNet box centre:
measured with the official models on the 24 coco-train2017-mini crops with >= 8 keypoints
(`python tools/center_convention.py`), the centre peak lies a median 2.2 grid px from the keypoint
mean and 3.8 px from the box centre (Lightning; Thunder 2.0 vs 6.6), so the official weights were
trained on the keypoint mean and keep it when fine-tuned. A person without labelled keypoints gets
the box centre. Sizes (sigma_box, MultiPose `box_scale`) come from the box.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from movenet.skeleton import NUM_KEYPOINTS

# CenterNet keypoint task defaults (tensorflow/models object_detection, TRAINING.md).
MIN_OVERLAP = 0.7  # CornerNet Gaussian radius: boxes within the radius keep IoU >= 0.7
# Per-keypoint std devs relative to sigma_box: the COCO OKS sigmas x 10 (TRAINING.md).
KEYPOINT_STD_DEVS = (0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72,
                     0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89)
OFFSET_RADIUS = 3.0  # offsets are supervised on cells within this distance of floor(keypoint)
POSITIVE = 1.0  # heatmap value at a floored centre / keypoint cell (the focal loss's positives)


@dataclass(frozen=True)
class PersonLabel:
    """One person in output-grid pixels: keypoints (17, 3) = (y, x, labelled 0/1), box (y_min,
    x_min, y_max, x_max). Keypoints outside the grid count as unlabelled."""

    keypoints: np.ndarray
    box: tuple[float, float, float, float]


def gaussian_radius(height: float, width: float, min_overlap: float = MIN_OVERLAP) -> float:
    """CornerNet's radius (the smallest of its three cases), as the CenterNet code computes it."""
    a1, b1 = 1.0, height + width
    c1 = width * height * (1 - min_overlap) / (1 + min_overlap)
    r1 = (b1 + math.sqrt(b1 ** 2 - 4 * a1 * c1)) / 2
    a2, b2 = 4.0, 2 * (height + width)
    c2 = (1 - min_overlap) * width * height
    r2 = (b2 + math.sqrt(b2 ** 2 - 4 * a2 * c2)) / 2
    a3, b3 = 4 * min_overlap, -2 * min_overlap * (height + width)
    c3 = (min_overlap - 1) * width * height
    r3 = (b3 + math.sqrt(b3 ** 2 - 4 * a3 * c3)) / 2
    return max(0.0, min(r1, r2, r3))


def box_sigma(height: float, width: float) -> float:
    """sigma_box = (2 floor(r) + 1) / 6 (TF OD API `_compute_std_dev_from_box_size`)."""
    return (2 * math.floor(gaussian_radius(height, width)) + 1) / 6


def _draw_gaussian(plane: np.ndarray, cy: int, cx: int, sigma: float) -> None:
    """plane = max(plane, exp(-d^2 / (2 sigma^2))) around the cell (cy, cx), within 3 sigma."""
    h, w = plane.shape
    r = max(1, math.ceil(3 * sigma))
    y0, y1, x0, x1 = max(0, cy - r), min(h, cy + r + 1), max(0, cx - r), min(w, cx + r + 1)
    if y0 >= y1 or x0 >= x1:
        return
    yy, xx = np.mgrid[y0:y1, x0:x1]
    g = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * sigma * sigma)).astype(np.float32)
    np.maximum(plane[y0:y1, x0:x1], g, out=plane[y0:y1, x0:x1])


def _inside(y: float, x: float, h: int, w: int) -> bool:
    return 0 <= y < h and 0 <= x < w


def _center(keypoints: np.ndarray, box_center: tuple[float, float], h: int, w: int) -> tuple[float, float]:
    """Mean (y, x) of the labelled keypoints inside the grid; the box centre when there is none."""
    kps = np.asarray(keypoints, np.float64)
    ok = (kps[:, 2] > 0) & (kps[:, 0] >= 0) & (kps[:, 0] < h) & (kps[:, 1] >= 0) & (kps[:, 1] < w)
    if not ok.any():
        return box_center
    return float(kps[ok, 0].mean()), float(kps[ok, 1].mean())


def encode_targets(people: list[PersonLabel], output_size: tuple[int, int], multi_pose: bool = False
                   ) -> dict[str, np.ndarray]:
    """Targets and weights for one image. Keys: the head names (targets), `<head>_weight` (same
    shape, 0/1), and the counts `num_people`, `num_keypoints` (labelled keypoints with a target),
    `num_offsets` (supervised offset cells) that the losses divide by."""
    h, w = output_size
    k = NUM_KEYPOINTS
    t = {
        "center": np.zeros((1, h, w), np.float32), "center_weight": np.ones((1, h, w), np.float32),
        "kpt_heatmap": np.zeros((k, h, w), np.float32),
        "kpt_regress": np.zeros((2 * k, h, w), np.float32), "kpt_offset": np.zeros((2 * k, h, w), np.float32),
        "kpt_regress_weight": np.zeros((2 * k, h, w), np.float32),
        "kpt_offset_weight": np.zeros((2 * k, h, w), np.float32),
        "kpt_heatmap_weight": np.ones((k, h, w), np.float32),
    }
    if multi_pose:
        for name in ("box_scale", "box_offset"):
            t[name] = np.zeros((2, h, w), np.float32)
            t[name + "_weight"] = np.zeros((2, h, w), np.float32)
    num_people = num_keypoints = 0
    yy, xx = np.mgrid[0:h, 0:w]
    for person in people:
        y_min, x_min, y_max, x_max = person.box
        box_cy, box_cx = (y_min + y_max) / 2, (x_min + x_max) / 2
        cy, cx = _center(person.keypoints, (box_cy, box_cx), h, w)
        if not _inside(cy, cx, h, w) or y_max <= y_min or x_max <= x_min:
            continue
        num_people += 1
        sigma = box_sigma(y_max - y_min, x_max - x_min)
        fcy, fcx = math.floor(cy), math.floor(cx)
        _draw_gaussian(t["center"][0], fcy, fcx, sigma)
        if multi_pose:
            t["box_scale"][:, fcy, fcx] = (y_max - y_min, x_max - x_min)
            t["box_offset"][:, fcy, fcx] = (box_cy - fcy, box_cx - fcx)  # the decoding: box centre = peak + offset
            t["box_scale_weight"][:, fcy, fcx] = 1.0
            t["box_offset_weight"][:, fcy, fcx] = 1.0
        by0, by1 = max(0, math.floor(y_min)), min(h, math.ceil(y_max))
        bx0, bx1 = max(0, math.floor(x_min)), min(w, math.ceil(x_max))
        for j in range(k):
            ky, kx, labelled = (float(v) for v in person.keypoints[j])
            if not labelled or not _inside(ky, kx, h, w):
                t["kpt_heatmap_weight"][j, by0:by1, bx0:bx1] = 0.0
                continue
            num_keypoints += 1
            fky, fkx = math.floor(ky), math.floor(kx)
            _draw_gaussian(t["kpt_heatmap"][j], fky, fkx, KEYPOINT_STD_DEVS[j] * sigma)
            t["kpt_regress"][2 * j:2 * j + 2, fcy, fcx] = (ky - fcy, kx - fcx)
            t["kpt_regress_weight"][2 * j:2 * j + 2, fcy, fcx] = 1.0
            near = (yy - fky) ** 2 + (xx - fkx) ** 2 <= OFFSET_RADIUS ** 2
            t["kpt_offset"][2 * j][near] = (ky - yy)[near]
            t["kpt_offset"][2 * j + 1][near] = (kx - xx)[near]
            t["kpt_offset_weight"][2 * j:2 * j + 2][:, near] = 1.0
    # A masked box must not hide another person's labelled peak of the same keypoint.
    t["kpt_heatmap_weight"][t["kpt_heatmap"] >= POSITIVE] = 1.0
    t["num_people"] = np.float32(num_people)
    t["num_keypoints"] = np.float32(num_keypoints)
    t["num_offsets"] = np.float32(t["kpt_offset_weight"][0::2].sum())
    return t


def logit(probability: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Heatmap targets as head logits (for decoding targets in the round-trip test)."""
    p = np.clip(probability, eps, 1 - eps)
    return np.log(p / (1 - p)).astype(np.float32)
