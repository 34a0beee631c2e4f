"""MultiPose decoding, op for op as in the official graph.

1. sigmoid on the centre and keypoint heatmaps;
2. centre peaks: pixels equal (within a tolerance) to their 5x5 max-pool; the top 6 peaks;
3. per peak: box = centre + offset +- scale / 2 (clipped to the map), regressed keypoints;
4. each keypoint heatmap weighted by exp(-d^2 / (0.3 min(h, w))) around each person's regressed
   keypoint and masked to that person's box; arg-max per person and keypoint; the score is the
   maximum over persons of the weighted heatmap there; the local offset is added;
5. instance score = centre score x mean of the keypoint scores above 0.127.
Output rows: 17 x (y, x, score) normalised to the input, then (ymin, xmin, ymax, xmax) normalised
and clipped to [0, 1], then the instance score (the official [B, 6, 56] layout). Top-k ties go to
the lower index, as in TensorFlow.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from movenet.codec.constants import MultiPoseDecoding
from movenet.codec.single_pose import own_pixel, read_at


def _top_k(values: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Top-k along dim 1, sorted, ties broken by the lower index (TF TopKV2).

    Exported to ONNX as TopK, whose specification breaks ties the same way.
    """
    if torch.onnx.is_in_onnx_export() or torch.compiler.is_exporting():
        return torch.topk(values, k, dim=1, largest=True, sorted=True)
    sorted_values, indices = torch.sort(values, dim=1, descending=True, stable=True)
    return sorted_values[:, :k], indices[:, :k]


def decode_multi_pose(heads: dict[str, torch.Tensor], decoding: MultiPoseDecoding) -> torch.Tensor:
    """Raw heads -> (B, max_poses, 56) in the official MultiPose output layout. `box_scale`,
    `box_offset`, `kpt_regress` and `kpt_offset` may be functions of pixel indices (`read_at`)."""
    center = torch.sigmoid(heads["center"])  # (B, 1, h, w)
    heatmap = torch.sigmoid(heads["kpt_heatmap"])  # (B, K, h, w)
    batch, num_kpts, height, width = heatmap.shape
    dtype, device = heatmap.dtype, heatmap.device
    stride = decoding.output_stride

    pad = decoding.peak_pool_size // 2
    pooled = F.max_pool2d(center, decoding.peak_pool_size, stride=1, padding=pad)
    is_peak = ((center - pooled).abs() < decoding.peak_tolerance).to(dtype)
    center_scores, index = _top_k((center * is_peak).flatten(1), decoding.max_poses)  # (B, P)
    num_poses = index.shape[1]
    peak_y = torch.div(index, width, rounding_mode="floor")
    peak_x = index - peak_y * width
    peak_yf, peak_xf = peak_y.to(dtype), peak_x.to(dtype)

    # Boxes, in output pixels, clipped to the map.
    box_scale = read_at(heads, "box_scale", index).clamp_min(0.0)  # (B, 2, P)
    box_offset = read_at(heads, "box_offset", index)
    box_cy = peak_yf + box_offset[:, 0]
    box_cx = peak_xf + box_offset[:, 1]
    half_h, half_w = box_scale[:, 0] * 0.5, box_scale[:, 1] * 0.5
    ymin = (box_cy - half_h).clamp(max=height).clamp(min=0.0)
    xmin = (box_cx - half_w).clamp(max=width).clamp(min=0.0)
    ymax = (box_cy + half_h).clamp(max=height).clamp(min=0.0)
    xmax = (box_cx + half_w).clamp(max=width).clamp(min=0.0)
    boxes = torch.stack([ymin, xmin, ymax, xmax], dim=-1)  # (B, P, 4)
    input_size = torch.tensor(
        [height * 4, width * 4, height * 4, width * 4], dtype=dtype, device=device
    )
    boxes_norm = ((boxes * stride) / input_size).clamp(max=1.0).clamp(min=0.0)

    # Regressed keypoints of each person: (B, P, K).
    regress = read_at(heads, "kpt_regress", index).view(batch, num_kpts, 2, num_poses)
    guess_y = peak_yf[:, :, None] + regress[:, :, 0].transpose(1, 2)
    guess_x = peak_xf[:, :, None] + regress[:, :, 1].transpose(1, 2)

    grid_y = torch.arange(height, dtype=dtype, device=device).view(height, 1)
    grid_x = torch.arange(width, dtype=dtype, device=device).view(1, width)
    # d * d, not d ** 2: the same float32 values, and TFLite's converter has no 5-D POW
    dy, dx = grid_y - guess_y[..., None, None], grid_x - guess_x[..., None, None]
    sq_dist = dy * dy + dx * dx
    # float32(min(h, w)) * float32(0.30005) as in the graph (this form stays dynamic in ONNX export)
    sigma = float(torch.tensor(min(height, width), dtype=dtype) * decoding.sigma_scale)
    weighted = heatmap[:, None] * torch.exp((-1.0 * sq_dist) / sigma)  # (B, P, K, h, w)
    inside = (
        (grid_y >= ymin[..., None, None])
        & (grid_y < ymax[..., None, None])
        & (grid_x >= xmin[..., None, None])
        & (grid_x < xmax[..., None, None])
    ).to(dtype)  # (B, P, h, w)
    weighted = weighted * inside[:, :, None]

    kpt_index = weighted.flatten(3).argmax(3)  # (B, P, K)
    kpt_y = torch.div(kpt_index, width, rounding_mode="floor")
    kpt_x = kpt_index - kpt_y * width
    best = weighted.amax(dim=1).flatten(2)  # (B, K, h*w): max over persons
    kpt_scores = best.gather(2, kpt_index.transpose(1, 2)).transpose(1, 2)  # (B, P, K)
    if isinstance(heads["kpt_offset"], torch.Tensor):
        offsets = heads["kpt_offset"].flatten(2).view(batch, num_kpts, 2, height * width)
        gather_index = kpt_index.transpose(1, 2)[:, :, None, :].expand(batch, num_kpts, 2, num_poses)
        kpt_offsets = offsets.gather(3, gather_index)  # (B, K, 2, P)
    else:  # the offset head at the P x K keypoint pixels only
        at = heads["kpt_offset"](kpt_index.flatten(1)).view(batch, 2 * num_kpts, num_poses, num_kpts)
        kpt_offsets = own_pixel(at, num_kpts)  # (B, K, 2, P)
    scale_y = stride / torch.tensor(float(height * 4), dtype=dtype)
    scale_x = stride / torch.tensor(float(width * 4), dtype=dtype)
    y = (kpt_y.to(dtype) + kpt_offsets[:, :, 0].transpose(1, 2)) * scale_y
    x = (kpt_x.to(dtype) + kpt_offsets[:, :, 1].transpose(1, 2)) * scale_x
    keypoints = torch.stack([y, x, kpt_scores], dim=-1).flatten(2)  # (B, P, 51)

    above = kpt_scores > decoding.keypoint_score_threshold
    count = above.to(dtype).sum(-1).clamp_min(1.0)
    total = (center_scores[..., None] * torch.where(above, kpt_scores, 0.0)).sum(-1)
    instance_scores = torch.reciprocal(count) * total
    return torch.cat([keypoints, boxes_norm, instance_scores[..., None]], dim=-1)
