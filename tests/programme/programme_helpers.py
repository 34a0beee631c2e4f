"""What the programme tests share: the exercise tests' synthetic stick figures (tests/exercise),
a squat stream with known repetitions, and standing frames."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "exercise"))

from exercise_synthetic import PROFILES, figure, poses_for, to_pose, trajectory  # noqa: E402

FPS = 30.0


def squats(reps: int, *, bottom=90.0, t0: float = 0.0, period_ms: float = 2000.0, pause_ms: float = 1000.0):
    """[(t, [Pose])]: standing, `reps` squats to `bottom` degrees at the knee, standing."""
    samples, truth = trajectory(170.0, bottom, reps=reps, period_ms=period_ms, pause_ms=pause_ms, t0=t0)
    return [(t, [p]) for t, p in poses_for("squat", samples)], truth


def standing(seconds: float, t0: float):
    n = int(seconds * FPS)
    return [(t0 + (i + 1) * 1000.0 / FPS, [to_pose(figure())]) for i in range(n)]


def chair_frames(seconds: float, t0: float = 0.0, period_ms: float = 2500.0, seated_ms: float = 1000.0):
    """Seated, then rise-and-sit cycles (as tests/exercise/test_balance.py's `chair`)."""
    import math

    out = []
    for i in range(int(seconds * FPS)):
        t = i * 1000.0 / FPS
        v = 95.0 if t < seated_ms else 132.5 - 37.5 * math.cos(2 * math.pi * (t - seated_ms) / period_ms)
        out.append((t0 + t, [to_pose(figure(**PROFILES["sit_to_stand"](v)))]))
    return out


def one_leg(seconds: float, t0: float, lift_side: str = "right"):
    """Standing on one leg (the other ankle raised 0.5 torso lengths) for `seconds`, then both feet."""
    out = []
    for i in range(int(seconds * FPS)):
        kps = figure()
        k = 16 if lift_side == "right" else 15
        kps[k, 1] -= 50.0
        kps[k, 0] += 15.0
        out.append((t0 + i * 1000.0 / FPS, [to_pose(kps)]))
    return out
