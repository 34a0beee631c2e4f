"""Synthetic pose sequences for checking fall detection exactly: a stick figure driven by a few
keyframes (hip position, trunk direction, leg directions), linearly interpolated, 25 frames a second
(40 ms: exact timestamps). Used by the tests and the benchmark; `scenario(name)` gives the shipped
set: falls, bending over, sitting down, lying down slowly, standing up again, two people.

Image coordinates (x right, y down), directions from image-up, clockwise, as
`movenet.analysis.geometry`: trunk 0 upright, 90 lying with the head to the right; legs 180 down.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from movenet.skeleton import KEYPOINT_NAMES
from movenet.types import Pose

FRAME_MS = 40.0  # 25 fps
TORSO = 60.0  # pixels, hip centre to shoulder centre
FLOOR_HIP_DROP = 1.7  # torso lengths from standing hips to hips on the floor (legs: 1.8)


@dataclass(frozen=True)
class Body:
    hip_x: float = 300.0
    hip_y: float = 200.0
    trunk_deg: float = 0.0
    thigh_deg: float = 180.0
    shin_deg: float = 180.0
    torso_px: float = TORSO
    score: float = 0.9


def _unit(deg: float) -> np.ndarray:
    r = math.radians(deg)
    return np.array([math.sin(r), -math.cos(r)])


def body_pose(body: Body, track_id: int | None = None) -> Pose:
    """The 17 keypoints of the stick figure (facing the camera: its left on the image's right)."""
    L = body.torso_px
    up, side = _unit(body.trunk_deg), _unit(body.trunk_deg + 90.0)
    hip = np.array([body.hip_x, body.hip_y])
    shoulder = hip + L * up
    nose = shoulder + 0.45 * L * up
    thigh, shin = _unit(body.thigh_deg), _unit(body.shin_deg)
    points = {"nose": nose}
    for sign, name in ((1.0, "left"), (-1.0, "right")):
        s = shoulder + sign * 0.25 * L * side
        h = hip + sign * 0.25 * L * side
        knee = h + 0.9 * L * thigh
        elbow = s - 0.6 * L * up
        points.update({
            f"{name}_eye": nose + 0.08 * L * up + sign * 0.08 * L * side,
            f"{name}_ear": nose + sign * 0.15 * L * side,
            f"{name}_shoulder": s, f"{name}_elbow": elbow, f"{name}_wrist": elbow - 0.55 * L * up,
            f"{name}_hip": h, f"{name}_knee": knee, f"{name}_ankle": knee + 0.9 * L * shin,
        })
    array = np.array([[*points[name], body.score] for name in KEYPOINT_NAMES])
    return Pose.from_array(array, body.score, None, track_id)


def keyframes(*steps: tuple[float, Body]) -> list[tuple[float, Body]]:
    """Bodies every FRAME_MS from (time_ms, body) keyframes, linearly interpolated in between."""
    out = []
    for (t0, b0), (t1, b1) in itertools.pairwise(steps):
        n = round((t1 - t0) / FRAME_MS)
        if n < 1 or abs(n * FRAME_MS - (t1 - t0)) > 1e-9:
            raise ValueError(f"keyframes must be whole frames ({FRAME_MS:g} ms) apart, got {t0} -> {t1}")
        for k in range(n):
            a = k / n
            mix = {f: getattr(b0, f) + a * (getattr(b1, f) - getattr(b0, f)) for f in b0.__dataclass_fields__}
            out.append((t0 + k * FRAME_MS, Body(**mix)))
    out.append(steps[-1])
    return out


STAND = Body()
LYING = Body(hip_y=STAND.hip_y + FLOOR_HIP_DROP * TORSO, trunk_deg=90.0, thigh_deg=270.0, shin_deg=270.0)
SITTING = Body(hip_y=STAND.hip_y + 1.2 * TORSO, trunk_deg=10.0, thigh_deg=90.0, shin_deg=180.0)
CROUCH = Body(hip_y=STAND.hip_y + 1.0 * TORSO, trunk_deg=15.0, thigh_deg=120.0, shin_deg=200.0)
KNEEL = Body(hip_y=STAND.hip_y + 0.9 * TORSO, trunk_deg=20.0, thigh_deg=170.0, shin_deg=90.0)
BENT = Body(hip_y=STAND.hip_y + 0.1 * TORSO, trunk_deg=85.0)


def fall(lie_ms: float = 5000.0, stand_ms: float = 1000.0, fall_ms: float = 600.0) -> list[tuple[float, Body]]:
    """Standing, a fall to lying in `fall_ms`, lying for `lie_ms`."""
    t = stand_ms + fall_ms
    return keyframes((0.0, STAND), (stand_ms, STAND), (t, LYING), (t + lie_ms, LYING))


def get_up(sequence: list[tuple[float, Body]], rise_ms: float = 1600.0, stand_ms: float = 3000.0):
    """`sequence` followed by getting up to standing in `rise_ms` and standing for `stand_ms`."""
    t, last = sequence[-1]
    return sequence[:-1] + keyframes((t, last), (t + rise_ms / 2, KNEEL), (t + rise_ms, STAND), (t + rise_ms + stand_ms, STAND))


def scenario(name: str) -> list[tuple[float, Body]]:
    """The shipped set, by name (see SCENARIOS)."""
    return SCENARIOS[name]()


SCENARIOS = {
    "fall": lambda: fall(),
    "bend_over": lambda: keyframes((0, STAND), (1000, STAND), (1480, BENT), (3480, BENT), (4000, STAND), (6000, STAND)),
    "sit_down": lambda: keyframes((0, STAND), (1000, STAND), (1400, replace(SITTING, trunk_deg=25.0)), (1800, SITTING), (7000, SITTING)),
    "lie_down_slowly": lambda: keyframes((0, STAND), (1000, STAND), (2000, CROUCH), (3000, KNEEL), (4520, LYING), (10000, LYING)),
    "fall_and_get_up": lambda: get_up(fall(lie_ms=7000.0)),
    "stumble": lambda: get_up(fall(lie_ms=1000.0), rise_ms=800.0),
}


def frames(bodies: Sequence[tuple[float, Body]], track_id: int | None = None) -> list[tuple[float, list[Pose]]]:
    """[(timestamp_ms, [pose])] of one person."""
    return [(t, [body_pose(b, track_id)]) for t, b in bodies]
