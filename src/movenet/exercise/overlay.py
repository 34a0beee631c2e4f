"""Drawing the live exercise state on a video frame: the count, the angle and a depth bar."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from movenet.exercise.repetition import CounterState
from movenet.exercise.specs import ExerciseSpec

BAR_COLOR = (60, 180, 75)  # green: the depth reached
SHALLOW_COLOR = (245, 130, 48)  # orange: short of the spec's depth
PANEL_COLOR = (0, 0, 0)


def _fonts(canvas: Image.Image):
    scale = max(canvas.width, canvas.height)
    return ImageFont.load_default(size=max(12, round(scale / 40))), ImageFont.load_default(size=max(10, round(scale / 70))), max(4, round(scale / 150))


def draw_exercise(image: np.ndarray, spec: ExerciseSpec, states: dict) -> np.ndarray:
    """`image` (RGB, already with poses drawn) with a panel per person: count, angle, depth bar.

    `states`: {person key: CounterState}; at most the first 4 people are drawn."""
    canvas = Image.fromarray(np.ascontiguousarray(image))
    draw = ImageDraw.Draw(canvas, "RGBA")
    font, small, pad = _fonts(canvas)
    x = pad
    for key, state in list(states.items())[:4]:
        x = _panel(draw, spec, key, state, x, pad, font, small, canvas.height, len(states) > 1) + pad
    return np.asarray(canvas)


def draw_lines(image: np.ndarray, lines: list[str]) -> np.ndarray:
    """`image` with lines of text at its top left (the balance tests' live state)."""
    canvas = Image.fromarray(np.ascontiguousarray(image))
    draw = ImageDraw.Draw(canvas)
    font, _, pad = _fonts(canvas)
    for i, text in enumerate(lines):
        draw.text((pad, pad + i * font.size * 1.3), text, fill=(255, 255, 255), font=font, stroke_width=2, stroke_fill=(0, 0, 0))
    return np.asarray(canvas)


def _panel(draw, spec: ExerciseSpec, key, state: CounterState, x: int, pad: int, font, small, height: int, label_person: bool) -> int:
    name = f"#{key} " if label_person and key else ""
    title = f"{name}{spec.name.replace('_', ' ')}: {state.count}"
    angle = "--" if math.isnan(state.value) else f"{state.value:.0f} deg"
    sub = f"{angle}  {state.phase}"
    width = max(draw.textlength(title, font=font), draw.textlength(sub, font=small)) + 2 * pad
    bar_w = max(8, round(font.size * 0.7))
    bar_h = round(height * 0.35)
    top = pad
    draw.rectangle([x, top, x + width + bar_w + 2 * pad, top + font.size + small.size * 1.4 + 2 * pad + bar_h], fill=PANEL_COLOR + (150,))
    draw.text((x + pad, top + pad), title, fill=(255, 255, 255), font=font)
    draw.text((x + pad, top + pad + font.size * 1.15), sub, fill=(220, 220, 220), font=small)
    bx0, by0 = x + pad, top + 2 * pad + font.size + round(small.size * 1.4)
    bx1, by1 = bx0 + bar_w, by0 + bar_h
    draw.rectangle([bx0, by0, bx1, by1], outline=(255, 255, 255), width=1)
    if not math.isnan(state.depth):
        fill_h = round(min(state.depth, 1.0) * bar_h)
        color = BAR_COLOR if state.depth >= 1.0 else SHALLOW_COLOR
        if fill_h > 1:
            draw.rectangle([bx0 + 1, by1 - fill_h, bx1 - 1, by1 - 1], fill=color + (230,))
    # the counting levels on the bar: enter (must reach) and depth (full)
    for level, color in ((spec.enter_deg, (255, 255, 255)), (spec.depth_deg, BAR_COLOR)):
        y = by1 - round(spec.depth_fraction(level) * bar_h)
        draw.line([bx0 - 3, y, bx1 + 3, y], fill=color, width=2)
    draw.text((bx1 + pad, by0), "depth", fill=(220, 220, 220), font=small)
    return round(x + width + bar_w + 2 * pad)
