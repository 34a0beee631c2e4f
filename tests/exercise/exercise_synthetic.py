"""Synthetic poses for the exercise tests: a 2D side-view stick figure built from joint angles,
and angle trajectories with known repetitions (noise, dropouts, pauses, partial repetitions).

The figure: feet (ankles) at `origin`, as when exercising in place (`anchor="hip"`: the hip); the trunk leans `lean` degrees forward from upright (then the whole
figure is rotated by `body` degrees: 90 lies it down facing up); the thigh leaves the hip so that
the shoulder-hip-knee angle is `hip`, the shin so that hip-knee-ankle is `knee`; the upper arm
leaves the shoulder at `shoulder` degrees from the trunk (hip-shoulder-elbow) and the forearm at
`elbow` (shoulder-elbow-wrist). Both sides share the angles, 6 px apart in x. Image coordinates
(y down), scores 0.9.
"""

from __future__ import annotations

import math

import numpy as np

from movenet.skeleton import KEYPOINT_NAMES
from movenet.types import Box, Pose

TORSO, THIGH, SHIN, UPPER_ARM, FOREARM = 100.0, 90.0, 85.0, 60.0, 55.0
_I = {n: i for i, n in enumerate(KEYPOINT_NAMES)}


def _unit(deg: float) -> np.ndarray:
    """Direction `deg` from image-up, clockwise (x right, y down)."""
    r = math.radians(deg)
    return np.array([math.sin(r), -math.cos(r)])


def figure(*, lean=0.0, hip=180.0, knee=180.0, shoulder=10.0, elbow=180.0, body=0.0, origin=(320.0, 300.0), scale=1.0, score=0.9, anchor="feet") -> np.ndarray:
    """(17, 3) keypoints of the stick figure (angles in degrees)."""
    trunk_dir = lean  # forward (towards +x) lean, measured from up
    shoulder_pt = np.zeros(2) + TORSO * _unit(trunk_dir)
    thigh_dir = trunk_dir + hip  # straight down when hip = 180, forward when 90
    knee_pt = THIGH * _unit(thigh_dir)
    shin_dir = thigh_dir + (180.0 - knee)  # the knee points forward, the shin goes down and back
    ankle_pt = knee_pt + SHIN * _unit(shin_dir)
    arm_dir = trunk_dir + 180.0 - shoulder  # shoulder = 0: the arm hangs along the trunk
    elbow_pt = shoulder_pt + UPPER_ARM * _unit(arm_dir)
    fore_dir = arm_dir - (180.0 - elbow)  # the forearm bends forward/up
    wrist_pt = elbow_pt + FOREARM * _unit(fore_dir)
    head = shoulder_pt + 25.0 * _unit(trunk_dir)
    pts = {
        "nose": head + np.array([8.0, 0.0]), "left_eye": head + [6.0, -4.0], "right_eye": head + [10.0, -4.0],
        "left_ear": head - [4.0, 0.0], "right_ear": head + [0.0, 0.0],
        "shoulder": shoulder_pt, "elbow": elbow_pt, "wrist": wrist_pt,
        "hip": np.zeros(2), "knee": knee_pt, "ankle": ankle_pt,
    }
    if anchor == "feet":  # the feet stay at `origin` (else the hip does)
        feet = np.asarray(pts["ankle"], dtype=float)
        pts = {k: np.asarray(v, dtype=float) - feet for k, v in pts.items()}
    rot = math.radians(body)
    c, s = math.cos(rot), math.sin(rot)
    kps = np.zeros((17, 3))
    for name, idx in _I.items():
        part = name.split("_", 1)[1] if name.startswith(("left_", "right_")) and name.split("_", 1)[1] in pts else name
        p = np.asarray(pts[part], dtype=float)
        if part != name:
            p = p + ([-3.0, 0.0] if name.startswith("left_") else [3.0, 0.0])
        p = np.array([c * p[0] - s * p[1], s * p[0] + c * p[1]]) * scale + origin
        kps[idx] = (p[0], p[1], score)
    return kps


def to_pose(kps: np.ndarray, track_id: int | None = None) -> Pose:
    xs, ys = kps[:, 0], kps[:, 1]
    return Pose.from_array(kps, 0.9, Box(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())), track_id)


# The figure's parameters as a function of the exercise's signal value `v` (degrees).
PROFILES = {
    "squat": lambda v: {"knee": v, "hip": v, "lean": (180.0 - v) * 0.35, "shoulder": 80.0, "elbow": 170.0},
    # a split stance: the front hip bends with the knees, the back thigh stays near vertical (its hip
    # straight) while its knee bends; the mean knee angle is the signal
    "lunge": lambda v: {"sides": ({"knee": v, "hip": 90.0 + (v - 90.0) * 90.0 / 80.0}, {"knee": v, "hip": 180.0 - (180.0 - v) * 0.1}), "lean": 5.0, "shoulder": 10.0},
    # the hands stay on the floor (as the wrists of a real push-up do; round 3: the push-up's in-place
    # check is on the hands), the body goes down and up on them
    "push_up": lambda v: {"body": -80.0, "hip": 178.0, "knee": 178.0, "shoulder": 80.0, "elbow": v, "plant": True},
    "pull_up": lambda v: {"shoulder": 170.0, "elbow": v, "hang": True},  # the hands stay on the bar
    "bicep_curl": lambda v: {"shoulder": 5.0, "elbow": v},
    "shoulder_press": lambda v: {"shoulder": v, "elbow": 90.0 + (v - 90.0)},
    # lying on the back, knees up (thighs 45 deg from the floor, feet flat): the hip flexes as the trunk rises
    "sit_up": lambda v: {"lean": v, "body": -90.0, "hip": 135.0 - v, "knee": 90.0, "shoulder": 20.0},
    "jumping_jack": lambda v: {"shoulder": v, "elbow": 175.0},
    "glute_bridge": lambda v: {"body": -90.0, "lean": (180.0 - v) * 0.5 - 10.0, "hip": v, "knee": 60.0, "shoulder": 10.0},
    "sit_to_stand": lambda v: {"knee": v, "hip": v, "lean": (180.0 - v) * 0.2, "shoulder": 10.0},
    # on parallel bars: the hands stay put at the hips' height, the upper arm swings back as the
    # elbow bends (horizontal at 90 deg) so that the forearm stays vertical (the arm's direction is
    # taken from the trunk's, leaning 15 deg: hence v - 165); knees bent behind
    "dip": lambda v: {"lean": 15.0, "hip": 170.0, "knee": 100.0, "shoulder": v - 165.0, "elbow": v, "plant": True},
}


def trajectory(rest: float, bottom, *, reps: int, period_ms: float = 2000.0, fps: float = 30.0, pause_ms: float = 1000.0, hold_ms: float = 0.0, t0: float = 0.0):
    """[(t_ms, value)]: `pause_ms` at rest, then `reps` cosine dips from `rest` to `bottom` (a
    number or one per repetition), each `period_ms` long plus `hold_ms` at the bottom, and a final
    pause. Returns the samples and the true (start_ms, end_ms) of each dip."""
    bottoms = list(bottom) if isinstance(bottom, (list, tuple)) else [bottom] * reps
    dt = 1000.0 / fps
    segments, t = [], pause_ms
    for b in bottoms:
        segments.append((t, b))
        t += period_ms + hold_ms
    total = t + pause_ms
    out = []
    n = int(total / dt) + 1
    for i in range(n):
        ti = t0 + i * dt
        v = rest
        for start, b in segments:
            local = ti - t0 - start
            half = period_ms / 2.0
            if 0 <= local < half:
                v = rest + (b - rest) * (1 - math.cos(math.pi * local / half)) / 2
            elif half <= local < half + hold_ms:
                v = b
            elif half + hold_ms <= local < period_ms + hold_ms:
                u = local - hold_ms
                v = rest + (b - rest) * (1 - math.cos(math.pi * u / half)) / 2
        out.append((ti, v))
    truth = [(t0 + s, t0 + s + period_ms + hold_ms) for s, _ in segments]
    return out, truth


def exercise_figure(exercise: str, v: float, origin=(320.0, 300.0), **options) -> np.ndarray:
    """(17, 3) keypoints of the figure at the value `v` of the exercise's signal (`PROFILES`: a
    profile may give each side its own angles, "sides", or hang from the hands, "hang")."""
    params = {**PROFILES[exercise](v), **options}
    sides, hang, plant = params.pop("sides", None), params.pop("hang", False), params.pop("plant", False)
    if sides is not None:
        kps = two_sided(*sides, **params, origin=origin)
        kps[:, :2] -= (kps[15, :2] + kps[16, :2]) / 2 - origin  # feet at `origin`
    else:
        kps = figure(**params, origin=origin)
    if hang:  # the wrists stay put (on the bar), 330 px above `origin`: the body rises and falls
        kps[:, :2] -= (kps[9, :2] + kps[10, :2]) / 2 - (origin[0], origin[1] - 330.0)
    if plant:  # the wrists stay put (on the floor), at `origin`
        kps[:, :2] -= (kps[9, :2] + kps[10, :2]) / 2 - origin
    return kps


def poses_for(exercise: str, samples, *, jitter_px: float = 0.0, seed: int = 0, track_id: int | None = None, origin=(320.0, 300.0)):
    """[(t, Pose)] of the figure driven through `samples` of the exercise's signal."""
    rng = np.random.default_rng(seed)
    out = []
    for t, v in samples:
        kps = exercise_figure(exercise, v, origin)
        if jitter_px:
            kps[:, :2] += rng.normal(0.0, jitter_px, size=(17, 2))
        out.append((t, to_pose(kps, track_id)))
    return out


_LEFT = [i for i, n in enumerate(KEYPOINT_NAMES) if n.startswith("left_")]


def two_sided(left: dict, right: dict, **common) -> np.ndarray:
    """The figure with each side's own angles (`figure`'s hip, knee, shoulder, elbow), hip-anchored:
    the left keypoints from one figure, the rest from the other (they share the trunk and head)."""
    a = figure(**common, **left, anchor="hip")
    kps = figure(**common, **right, anchor="hip")
    kps[_LEFT] = a[_LEFT]
    return kps


def walking(seconds: float, *, fps: float = 30.0, speed: float = 2.6, stride_s: float = 1.0, knee_bend: float = 60.0,
            start=(100.0, 300.0), heading=(1.0, 0.0), scale=(1.0, 1.0), jitter_px: float = 0.0, seed: int = 0, t0: float = 0.0):
    """[(t, kps)] of a side-view gait: `speed` torso lengths a second (2.6: 1.3 m/s with a 0.5 m
    torso) along `heading` (image direction; a person walking towards or away from the camera also
    grows or shrinks: `scale` from the first frame to the last), one stride (two steps) per
    `stride_s`: each thigh swings 25 degrees either way, each knee bends by `knee_bend` degrees
    while its leg swings forward, the arms swing opposite the legs with the elbows slightly bent."""
    rng = np.random.default_rng(seed)
    n = int(seconds * fps)
    out = []
    norm = math.hypot(*heading)
    ux, uy = heading[0] / norm, heading[1] / norm
    x, y = start
    for i in range(n):
        t = i / fps
        phase = 2 * math.pi * t / stride_s
        s = scale[0] + (scale[1] - scale[0]) * i / max(n - 1, 1)
        if i:
            step = speed * TORSO * s / fps  # pixels this frame, at this frame's size
            x, y = x + ux * step, y + uy * step
        origin = (x, y)
        side = {}
        for name, sign in (("left", 1.0), ("right", -1.0)):
            swing = 25.0 * math.sin(phase) * sign  # > 0: this thigh forward
            knee = 180.0 - knee_bend * max(0.0, math.sin(phase + math.pi / 2) * sign) if swing > 0 else 178.0
            side[name] = {"hip": 180.0 - swing, "knee": knee, "shoulder": 10.0 - 15.0 * math.sin(phase) * sign, "elbow": 160.0}
        kps = two_sided(side["left"], side["right"], origin=origin, scale=s)
        if jitter_px:
            kps[:, :2] += rng.normal(0.0, jitter_px, size=(17, 2))
        out.append((t0 + t * 1000.0, kps))
    return out
