"""The annotated frame of `movenet falls`: poses, each person's fall state, and a banner while
someone is down or a fall was just signalled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from movenet.analysis.per_person import person_key
from movenet.types import Pose
from movenet.viz import draw_poses

STATE_COLORS = {
    "upright": (60, 200, 80),
    "falling": (255, 170, 0),
    "down": (255, 90, 40),
    "fallen": (230, 20, 40),
}
BANNER_COLOR = (200, 0, 30)


@dataclass(frozen=True)
class FrameInfo:
    """What `analyse` tells `render` about one frame."""

    states: Mapping[int, str]  # person key -> state name
    banner: str | None  # e.g. "FALL: person 2", shown while it applies
    events: Sequence[dict] = ()


def draw_falls(image: np.ndarray, poses: Sequence[Pose], info: FrameInfo | None, threshold: float = 0.3) -> np.ndarray:
    drawn = draw_poses(image, poses, threshold)
    if info is None:
        return drawn
    canvas = Image.fromarray(drawn)
    draw = ImageDraw.Draw(canvas)
    scale = max(canvas.width, canvas.height)
    font = ImageFont.load_default(size=max(11, round(scale / 40)))
    banner_font = ImageFont.load_default(size=max(14, round(scale / 25)))
    for pose in poses:
        state = info.states.get(person_key(pose))
        if state is None:
            continue
        kps = [k for k in pose.keypoints if k.score >= threshold] or list(pose.keypoints)
        x = min(k.x for k in kps)
        y = max(0.0, min(k.y for k in kps) - font.size - 4)
        label = state.upper() if pose.id is None else f"{pose.id}: {state.upper()}"
        box = draw.textbbox((x, y), label, font=font)
        draw.rectangle(box, fill=(0, 0, 0))
        draw.text((x, y), label, fill=STATE_COLORS.get(state, (255, 255, 255)), font=font)
    if info.banner:
        box = draw.textbbox((0, 0), info.banner, font=banner_font)
        draw.rectangle([0, 0, canvas.width, box[3] + 8], fill=BANNER_COLOR)
        draw.text(((canvas.width - box[2]) / 2, 4), info.banner, fill=(255, 255, 255), font=banner_font)
    return np.asarray(canvas)
