"""SinglePose decoding, op for op as in the official graph (BRIEF section 1).

1. sigmoid on the centre and keypoint heatmaps;
2. the centre heatmap times the inverse-distance-to-frame-centre table; arg-max picks the person;
3. the regression field at that pixel gives each keypoint's first guess (centre + (dy, dx));
4. each keypoint heatmap divided by (distance to its guess + epsilon); arg-max per keypoint; the
   local offset there is added; (y, x) scaled to [0, 1]; the score is the plain heatmap there.
Arg-max ties go to the first index in row-major (y, x) order, as in TensorFlow.
"""

from __future__ import annotations

import torch

from movenet.codec.constants import SinglePoseDecoding


def _gather_pixels(field: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """field (B, C, h, w), index (B, N) flat pixel indices -> (B, C, N)."""
    b, c = field.shape[:2]
    flat = field.flatten(2)
    return flat.gather(2, index[:, None, :].expand(b, c, index.shape[1]))


def read_at(heads: dict, name: str, index: torch.Tensor) -> torch.Tensor:
    """heads[name] at the flat pixel indices `index` (B, N) -> (B, C, N): gathered from the full map,
    or, where heads[name] is a function of the indices (a head evaluated only at the pixels the
    decoding reads, `movenet.model.heads.head_at_pixels`), computed there."""
    field = heads[name]
    if isinstance(field, torch.Tensor):
        return _gather_pixels(field, index)
    return field(index)


def own_pixel(values: torch.Tensor, num_kpts: int) -> torch.Tensor:
    """(B, 2K, ..., K) values of a per-keypoint (dy, dx) head at each keypoint's pixel (last dim)
    -> (B, K, 2, ...): keypoint k's two channels at keypoint k's own pixel."""
    batch = values.shape[0]
    v = values.view(batch, num_kpts, 2, *values.shape[2:])
    k = torch.arange(num_kpts, device=values.device).view(1, num_kpts, *([1] * (v.dim() - 2)))
    return v.gather(v.dim() - 1, k.expand(*v.shape[:-1], 1))[..., 0]


def decode_single_pose(heads: dict[str, torch.Tensor], decoding: SinglePoseDecoding) -> torch.Tensor:
    """Raw heads -> (B, 1, 17, 3) keypoints (y, x, score), y and x normalised to the input.
    `kpt_regress` and `kpt_offset` may be functions of pixel indices (`read_at`)."""
    heatmap = torch.sigmoid(heads["kpt_heatmap"])  # (B, K, h, w)
    batch, num_kpts, height, width = heatmap.shape
    center_weight = torch.as_tensor(decoding.center_weight, dtype=heatmap.dtype, device=heatmap.device)
    if tuple(center_weight.shape) != (height, width):
        raise ValueError(
            f"centre weight table is {tuple(center_weight.shape)}, heads are {(height, width)}"
        )
    center = torch.sigmoid(heads["center"])[:, 0] * center_weight  # (B, h, w)
    center_index = center.flatten(1).argmax(1, keepdim=True)  # (B, 1)
    center_y = torch.div(center_index, width, rounding_mode="floor")
    center_x = center_index - center_y * width

    regress = read_at(heads, "kpt_regress", center_index)[..., 0].view(batch, num_kpts, 2)
    guess_y = center_y.to(heatmap.dtype) + regress[..., 0]  # (B, K)
    guess_x = center_x.to(heatmap.dtype) + regress[..., 1]

    grid_y = torch.arange(height, dtype=heatmap.dtype, device=heatmap.device).view(1, 1, height, 1)
    grid_x = torch.arange(width, dtype=heatmap.dtype, device=heatmap.device).view(1, 1, 1, width)
    dist = torch.sqrt(
        (grid_y - guess_y[..., None, None]) ** 2 + (grid_x - guess_x[..., None, None]) ** 2
    )
    weighted = heatmap / (dist + decoding.distance_epsilon)
    kpt_index = weighted.flatten(2).argmax(2)  # (B, K)
    kpt_y = torch.div(kpt_index, width, rounding_mode="floor")
    kpt_x = kpt_index - kpt_y * width

    scores = heatmap.flatten(2).gather(2, kpt_index[..., None])[..., 0]  # (B, K)
    if isinstance(heads["kpt_offset"], torch.Tensor):
        offsets = heads["kpt_offset"].flatten(2).view(batch, num_kpts, 2, height * width)
        offsets = offsets.gather(3, kpt_index[:, :, None, None].expand(batch, num_kpts, 2, 1))[..., 0]
    else:  # the offset head at the 17 keypoint pixels only: (B, 34, K) -> each keypoint's own
        offsets = own_pixel(heads["kpt_offset"](kpt_index), num_kpts)
    scale = torch.tensor(decoding.output_scale, dtype=heatmap.dtype, device=heatmap.device)
    y = (kpt_y.to(heatmap.dtype) + offsets[..., 0]) * scale[0]
    x = (kpt_x.to(heatmap.dtype) + offsets[..., 1]) * scale[1]
    return torch.stack([y, x, scores], dim=-1)[:, None]
