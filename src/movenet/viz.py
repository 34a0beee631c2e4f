"""Drawing poses on images: keypoints and skeleton, left side / right side / centre in different
colours, one outline colour per person (per track id when there is one), MultiPose boxes.

Sizes scale with the image so the drawing stays legible from thumbnails to 4K photos.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from movenet.skeleton import KEYPOINT_NAMES, SKELETON_EDGES
from movenet.types import Pose

DEFAULT_THRESHOLD = 0.3  # pose-detection demos draw keypoints scoring above 0.3
LEFT_COLOR = (255, 140, 0)  # orange
RIGHT_COLOR = (0, 190, 255)  # light blue
CENTER_COLOR = (240, 240, 240)
PERSON_COLORS = (
    (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48),
    (145, 30, 180), (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212),
)


def side_color(*names: str) -> tuple[int, int, int]:
    if all(n.startswith("left_") for n in names):
        return LEFT_COLOR
    if all(n.startswith("right_") for n in names):
        return RIGHT_COLOR
    return CENTER_COLOR


def person_color(index: int, track_id: int | None = None) -> tuple[int, int, int]:
    key = track_id if track_id is not None else index
    return PERSON_COLORS[key % len(PERSON_COLORS)]


def draw_poses(
    image: np.ndarray, poses: Sequence[Pose], threshold: float = DEFAULT_THRESHOLD, boxes: bool = True
) -> np.ndarray:
    """A copy of `image` ((H, W, 3) uint8 RGB) with the poses drawn."""
    canvas = Image.fromarray(np.ascontiguousarray(image[:, :, :3]))
    draw = ImageDraw.Draw(canvas)
    scale = max(canvas.width, canvas.height)
    line = max(1, round(scale / 300))
    radius = max(2, round(scale / 200))
    font = ImageFont.load_default(size=max(10, round(scale / 60)))
    for i, pose in enumerate(poses):
        color = person_color(i, pose.id)
        if boxes and pose.box is not None:
            b = pose.box
            draw.rectangle([b.x_min, b.y_min, b.x_max, b.y_max], outline=color, width=line)
            label = f"{pose.id if pose.id is not None else i + 1}: {pose.score:.2f}"
            draw.text((b.x_min + line + 1, b.y_min + line + 1), label, fill=color, font=font)
        kps = pose.keypoints
        for a, b in SKELETON_EDGES:
            if kps[a].score >= threshold and kps[b].score >= threshold:
                xy = [(kps[a].x, kps[a].y), (kps[b].x, kps[b].y)]
                draw.line(xy, fill=color, width=line + 2)  # person colour outline
                draw.line(xy, fill=side_color(KEYPOINT_NAMES[a], KEYPOINT_NAMES[b]), width=line)
        for k in kps:
            if k.score >= threshold:
                r = radius
                draw.ellipse([k.x - r, k.y - r, k.x + r, k.y + r], fill=side_color(k.name), outline=color)
    return np.asarray(canvas)
