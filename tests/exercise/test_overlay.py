"""The live panel of `movenet exercise --out` and the web app's recorded-video job: its text and
depth marks follow the signal that leads (an angle in degrees, or a share of the rest value)."""

import math

import numpy as np
import pytest

from movenet.exercise import get_exercise
from movenet.exercise.overlay import depth_marks, draw_exercise, panel_text
from movenet.exercise.repetition import CounterState

SQUAT = get_exercise("squat")
KNEE, HIPS = (t.label for t in SQUAT.tracks)


def state(value, signal, depth=0.5):
    return CounterState(2, "active", value, value, depth, exercise="squat", signal=signal)


def test_the_value_is_in_the_leading_signals_unit():
    assert panel_text(SQUAT, None, state(0.734, HIPS)) == ("squat: 2", "0.73 of rest  active")
    assert panel_text(SQUAT, None, state(118.4, KNEE)) == ("squat: 2", "118 deg  active")
    assert panel_text(SQUAT, 3, state(math.nan, KNEE), label_person=True) == ("#3 squat: 2", "--  active")
    assert panel_text(None, None, state(0.5, "")) == ("exercise?: 2", "--  active")


def test_the_marks_are_on_the_same_track_as_the_bar():
    # hips: enter 0.75, depth 0.55 of a rest of 1.0; knee: enter 120, depth 90 of a rest of 170
    (enter, _), (full, _) = depth_marks(SQUAT, state(0.8, HIPS))
    assert enter == pytest.approx((0.75 - 1.0) / (0.55 - 1.0)) and full == pytest.approx(1.0)
    (enter, _), (full, _) = depth_marks(SQUAT, state(150.0, KNEE))
    assert enter == pytest.approx((120 - 170) / (90 - 170)) and full == pytest.approx(1.0)
    assert depth_marks(None, state(0.5, "")) == []


def test_the_panel_is_drawn_at_the_top_left_only():
    image = np.full((360, 640, 3), 200, dtype=np.uint8)
    out = draw_exercise(image, SQUAT, {0: state(0.734, HIPS, depth=0.6)})
    assert out.shape == image.shape and (out[:100, :100] != 200).any()
    assert (out[200:, 300:] == 200).all()  # the rest of the frame untouched
