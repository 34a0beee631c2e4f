"""Quarter turns of SinglePose heads: what the heads of a turned input should be.

Turning a square model input counter-clockwise by k x 90 degrees (`np.rot90` on (H, W), as
`movenet eval --rotate` turns its test images) turns the scene; a network that sees the turned
scene as it saw the upright one answers with the upright heads turned the same way. In the
decoding's conventions (`single_pose.py`):
- maps (centre and keypoint heatmap logits) turn with their cells: cell (y, x) of an N x N grid
  goes to (N - 1 - x, y) per turn, exactly `torch.rot90` on (H, W);
- the regression field holds cell-to-cell vectors (keypoint guess minus centre cell): a vector
  (dy, dx) turns into (-dx, dy), like any displacement;
- offsets hold a point minus its floored cell. A point p = c + o in continuous grid coordinates
  turns about the grid's centre N / 2 (the centre of the continuous square [0, N)^2, which is the
  centre of the input crop: `eval.rotation` turns (x, y) into (y, W - x), and the decoding maps grid
  point g to g / N of the crop), so p' = (N - p_x, p_y) while the cell goes to (N - 1 - c_x, c_y):
  o' = (1 - o_x, o_y). The same rotation centre for every head keeps the decoding equivariant
  (`decode(turn(heads)) == turn(decode(heads))`, tested on the official model's heads), except
  where two centre candidates nearly tie: the decoding's centre weighting peaks at cell (N // 2,
  N // 2), which is not the grid's centre, so a turn changes its values by a few per cent.
Keypoint channels keep their names (a left wrist stays a left wrist when turned).
"""

from __future__ import annotations

import torch

QUARTER_TURNS = (0, 1, 2, 3)
MAP_HEADS = ("center", "kpt_heatmap")  # maps: turn the cells only
VECTOR_HEADS = ("kpt_regress",)  # cell-to-cell vectors: turn the cells and the (dy, dx) pairs
OFFSET_HEADS = ("kpt_offset",)  # point minus its cell: as vectors, plus the cell re-anchoring


def _turn_pairs(field: torch.Tensor, anchored: bool) -> torch.Tensor:
    """One counter-clockwise quarter turn of the (dy, dx) pairs of a (B, 2K, N, N) field."""
    pairs = torch.rot90(field, 1, dims=(2, 3)).unflatten(1, (-1, 2))
    dy, dx = pairs[:, :, 0], pairs[:, :, 1]
    new_dy = (1.0 - dx) if anchored else -dx
    return torch.stack([new_dy, dy], dim=2).flatten(1, 2)


def rotate_heads(heads: dict[str, torch.Tensor], turns: int) -> dict[str, torch.Tensor]:
    """The SinglePose heads (B, C, N, N) turned counter-clockwise by `turns` x 90 degrees.

    Heads this module does not know (MultiPose boxes) are refused rather than turned wrongly."""
    if turns not in QUARTER_TURNS and turns % 4 not in QUARTER_TURNS:
        raise ValueError(f"turns must be an integer, got {turns!r}")
    unknown = set(heads) - set(MAP_HEADS + VECTOR_HEADS + OFFSET_HEADS)
    if unknown:
        raise ValueError(f"cannot turn heads {sorted(unknown)}: only SinglePose heads")
    out = dict(heads)
    for _ in range(int(turns) % 4):
        for name, value in out.items():
            if value.shape[-1] != value.shape[-2]:
                raise ValueError(f"head {name!r} is {tuple(value.shape[-2:])}: only square grids turn")
            if name in MAP_HEADS:
                out[name] = torch.rot90(value, 1, dims=(2, 3))
            else:
                out[name] = _turn_pairs(value, anchored=name in OFFSET_HEADS)
    return out


def rotate_keypoints(yx: torch.Tensor, turns: int, extent: float | tuple[float, float] = 1.0) -> torch.Tensor:
    """(..., 2) points (y, x) in a square of side `extent` turned like `rotate_heads` turns the
    maps: (y, x) -> (extent - x, y) per quarter turn. `extent` may be a (y, x) pair for the
    decoding's float16 output scale (the grid's side times that scale)."""
    ey, ex = (extent, extent) if isinstance(extent, (int, float)) else extent
    y, x = yx[..., 0], yx[..., 1]
    for _ in range(int(turns) % 4):
        y, x = ex - x, y
        ey, ex = ex, ey
    return torch.stack([y, x], dim=-1)
