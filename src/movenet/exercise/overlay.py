"""Drawing the live exercise state on a video frame: the count, the live value of the signal that
leads (an angle in degrees, or a share of the person's rest value) and a depth bar.

Only the panel's own pixels are touched (a darkened box at the top left, drawn with Pillow), so
the cost does not grow with the frame size.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from movenet.exercise.repetition import CounterState
from movenet.exercise.specs import ExerciseSpec, Track, get_exercise

BAR_COLOR = (60, 180, 75)  # green: the spec's depth reached
SHALLOW_COLOR = (245, 130, 48)  # orange: short of it
DARKEN = 0.35  # the panel's background keeps 35 % of the frame's brightness
MAX_PANELS = 4


@cache
def _fonts(scale: int):
    big = ImageFont.load_default(size=max(12, round(scale / 40)))
    small = ImageFont.load_default(size=max(10, round(scale / 70)))
    return big, small, max(4, round(scale / 150))


_MEASURE = ImageDraw.Draw(Image.new("RGB", (1, 1)))


def draw_exercise(image: np.ndarray, spec: ExerciseSpec | None, states: dict) -> np.ndarray:
    """A copy of `image` (RGB, e.g. with the poses drawn) with a panel per person (at most 4):
    the count, the live angle and phase, and a bar of the depth reached (the white mark is the
    level a repetition must reach, the green one the spec's full depth). `spec` None (automatic
    mode): each person's panel shows the exercise of their state, if any yet."""
    out = np.array(image, copy=True)
    height, width = out.shape[:2]
    font, small, pad = _fonts(max(width, height))
    x = pad
    for key, state in list(states.items())[:MAX_PANELS]:
        x = _panel(out, spec, key, state, x, pad, font, small, len(states) > 1) + pad
        if x >= width:
            break
    return out


def draw_lines(image: np.ndarray, lines: list[str]) -> np.ndarray:
    """A copy of `image` with lines of text at its top left (the balance tests' live state)."""
    out = np.array(image, copy=True)
    font, _, pad = _fonts(max(out.shape[:2]))
    for i, text in enumerate(lines):
        w = round(_MEASURE.textlength(text, font=font)) + 2 * pad
        h = round(font.size * 1.3) + pad
        _box(out, pad, pad + i * h, w, h, lambda d, t=text: d.text((pad, pad // 2), t, fill=(255, 255, 255), font=font))
    return out


def _box(out: np.ndarray, x: int, y: int, w: int, h: int, paint) -> None:
    """Darken out[y:y+h, x:x+w] and let `paint(draw)` draw on it (coordinates inside the box)."""
    h, w = min(h, out.shape[0] - y), min(w, out.shape[1] - x)
    if h <= 0 or w <= 0:
        return
    region = Image.fromarray((out[y : y + h, x : x + w] * DARKEN).astype(np.uint8))
    paint(ImageDraw.Draw(region))
    out[y : y + h, x : x + w] = np.asarray(region)


def _track(spec: ExerciseSpec, state: CounterState) -> Track:
    """The track the state's value and depth are of (`CounterState.signal`: the leading one)."""
    return next((t for t in spec.tracks if t.label == state.signal), spec.tracks[0])


def panel_text(spec: ExerciseSpec | None, key, state: CounterState, label_person: bool = False) -> tuple[str, str]:
    """The panel's two lines: "squat: 3" and the live value in its signal's unit with the phase
    ("0.73 of rest  active" for a share of the standing hip height, "118 deg  active" for the knee)."""
    name = spec.name.replace("_", " ") if spec is not None else "exercise?"
    title = f"{f'#{key} ' if label_person and key else ''}{name}: {state.count}"
    if math.isnan(state.value) or spec is None:
        value = "--"
    else:
        track = _track(spec, state)
        value = track.level_text(round(state.value, 2) if track.relative else round(state.value))
    return title, f"{value}  {state.phase}"


def depth_marks(spec: ExerciseSpec | None, state: CounterState) -> list[tuple[float, tuple[int, int, int]]]:
    """(fraction of the bar, colour) of the level a repetition must reach (white) and the full depth
    (green), on the same track as the bar's fill."""
    if spec is None:
        return []
    track = _track(spec, state)
    return [(track.depth_fraction(track.enter), (255, 255, 255)), (track.depth_fraction(track.depth), BAR_COLOR)]


def _panel(out: np.ndarray, spec: ExerciseSpec | None, key, state: CounterState, x: int, pad: int, font, small, label_person: bool) -> int:
    if spec is None and state.exercise:
        spec = get_exercise(state.exercise)
    title, sub = panel_text(spec, key, state, label_person)
    text_w = round(max(_MEASURE.textlength(title, font=font), _MEASURE.textlength(sub, font=small)))
    bar_w, bar_h = max(8, round(font.size * 0.7)), max(20, round(out.shape[0] * 0.25))
    bar_y = 2 * pad + font.size + round(small.size * 1.4)
    w, h = text_w + 2 * pad, bar_y + bar_h + pad

    def paint(draw: ImageDraw.ImageDraw) -> None:
        draw.text((pad, pad), title, fill=(255, 255, 255), font=font)
        draw.text((pad, pad + round(font.size * 1.15)), sub, fill=(220, 220, 220), font=small)
        x0, x1, y1 = pad, pad + bar_w, bar_y + bar_h
        draw.rectangle([x0, bar_y, x1, y1], outline=(255, 255, 255), width=1)
        if not math.isnan(state.depth):
            fill = round(min(state.depth, 1.0) * bar_h)
            if fill > 1:
                draw.rectangle([x0 + 1, y1 - fill, x1 - 1, y1 - 1], fill=BAR_COLOR if state.depth >= 1.0 else SHALLOW_COLOR)
        for fraction, color in depth_marks(spec, state):
            y = y1 - round(fraction * bar_h)
            draw.line([x0 - 3, y, x1 + 3, y], fill=color, width=2)
        draw.text((x1 + pad, bar_y), "depth", fill=(220, 220, 220), font=small)

    _box(out, x, pad, w, h, paint)
    return x + w
