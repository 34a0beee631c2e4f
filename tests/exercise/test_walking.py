"""No repetition is counted while people walk, set up or gesture on the way (the issue's "no count
during set-up and walking"), for every exercise of the registry: synthetic gaits (side view,
slow, towards and away from the camera, knees the model misplaces, a small noisy person) and a
walker who stops and raises a hand at once. The real-video checks are `tools/exercise_walking.py`
(dev) and `tools/exercise_heldout.py` (held out); these synthetic ones were written after the
rules, to test them."""

import math

import numpy as np
import pytest
from exercise_synthetic import figure, walking

from movenet.exercise import RepCounter, list_exercises

EXERCISES = list_exercises()


def counted(name, frames):
    c = RepCounter(name)
    for t, kps in frames:
        c.update(kps, t)
    c.finish()
    return c.count


def both_knees_misplaced(frames):
    """As MoveNet on a walker in a long coat: both knees placed bent at once (the mean knee angle
    dips to ~110 every step) while the hips and feet walk on."""
    out = []
    for t, kps in frames:
        kps = kps.copy()
        size = kps[15, 1] - kps[11, 1]  # hip to ankle
        kps[13:15, 0] += 0.35 * size * abs(math.sin(2 * math.pi * t / 1000.0))  # knees pushed sideways
        out.append((t, kps))
    return out


def wrist_glitches(frames, every_ms: float = 2500.0, frames_long: int = 5):
    """As MoveNet on a small walker: now and then the wrists are put on the shoulders for a few
    frames (a bag strap, a neighbour's arm), so the elbows look bent to ~30 deg and back."""
    out = []
    for t, kps in frames:
        kps = kps.copy()
        k = int(t // every_ms)
        if k and t - k * every_ms < frames_long * (frames[1][0] - frames[0][0]):
            kps[9:11, :2] = kps[5:7, :2] + (kps[7:9, :2] - kps[5:7, :2]) * 0.3
        out.append((t, kps))
    return out


GAITS = {
    "side view": lambda: walking(6.0, jitter_px=1.5, seed=1),
    "slow": lambda: walking(8.0, speed=0.8, stride_s=1.4, jitter_px=1.5, seed=2),
    "towards the camera": lambda: walking(5.0, speed=1.5, heading=(0.2, 1.0), start=(300.0, 150.0), scale=(0.6, 1.2), jitter_px=1.5, seed=3),
    "away from the camera": lambda: walking(5.0, speed=1.5, heading=(-0.2, -1.0), start=(300.0, 400.0), scale=(1.2, 0.6), jitter_px=1.5, seed=4),
    # the failures seen in opencv_vtest.avi (10 fps, small people seen from above):
    "knees misplaced, walking away": lambda: both_knees_misplaced(walking(8.0, fps=10.0, speed=1.0, heading=(0.5, -1.0), start=(200.0, 400.0), scale=(1.0, 0.5), seed=5)),
    "wrists misplaced, slow": lambda: wrist_glitches(walking(12.0, fps=10.0, speed=0.7, stride_s=1.3, scale=(0.5, 0.5), jitter_px=1.0, seed=6)),
    "wrists misplaced, walking away": lambda: wrist_glitches(walking(12.0, fps=10.0, speed=0.7, heading=(0.3, -1.0), start=(300.0, 450.0), scale=(0.8, 0.3), jitter_px=0.5, seed=7)),
}


@pytest.mark.parametrize("gait", list(GAITS))
def test_walking_counts_nothing(gait):
    frames = GAITS[gait]()
    assert {name: counted(name, frames) for name in EXERCISES} == dict.fromkeys(EXERCISES, 0)


def _stop_and_raise_a_hand(wait_ms: float, fps: float = 30.0):
    """Walks 3 s, stops, stands `wait_ms`, then bends an elbow to 50 deg and back in 0.8 s (a hand
    to the face: kinematically one curl), and stands 1 s."""
    frames = walking(3.0, speed=1.5, fps=fps, jitter_px=1.0, seed=7)
    t_end, last = frames[-1]
    where = ((last[15, 0] + last[16, 0]) / 2, (last[15, 1] + last[16, 1]) / 2)
    rng = np.random.default_rng(8)
    dt = 1000.0 / fps
    t = t_end
    for _ in range(int((wait_ms + 1800) / dt)):
        t += dt
        local = t - t_end - wait_ms
        elbow = 165.0 - 115.0 * math.sin(math.pi * local / 800.0) if 0 <= local < 800 else 165.0
        kps = figure(elbow=elbow, shoulder=10.0, origin=where)
        kps[:, :2] += rng.normal(0.0, 1.0, size=(17, 2))
        frames.append((t, kps))
    return frames


def test_a_walker_who_stops_and_raises_a_hand_at_once_is_not_curling():
    assert counted("bicep_curl", _stop_and_raise_a_hand(wait_ms=100.0)) == 0
    # after standing still for a second the same movement is one curl: the counter cannot tell a
    # curl from a hand raised to the face (a limit, said in the README)
    assert counted("bicep_curl", _stop_and_raise_a_hand(wait_ms=1000.0)) == 1
