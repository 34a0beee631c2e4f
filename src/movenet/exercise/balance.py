"""Balance tests from keypoints: body sway and the single-leg stance.

**Sway** (`sway(...)`, `SwayMeter`): the path of the hip centre (mid-hip keypoint, a stand-in for
the body's centre of mass; the clinical measures use the centre of pressure on a force plate) over
a window, with the measures of Prieto et al. 1996 (IEEE Trans Biomed Eng 43(9):956-966, "Measures
of postural steadiness"): total excursion (path length), RMS distance from the mean position, and
mean velocity (path length / time); in pixels and in torso lengths (mid-hip to mid-shoulder, the
median over the window), so that people far from and near the camera compare.

**Single-leg stance** (`SingleLegStance`, `single_leg_stance(...)`): the unipedal stance test
(timed standing on one leg; e.g. Springer et al. 2007, J Geriatr Phys Ther 30(1):8-15, which ends
a trial when the raised foot touches the floor or the standing leg, the stance foot moves, the
arms are used, or 45 s pass; CDC STEADI's 4-stage balance test holds it 10 s). From keypoints:
- one foot is up when the ankles differ in height by more than `LIFT_ON` torso lengths, and the
  stance ends when they come back within `LIFT_OFF` (the foot comes down; hysteresis);
- or when the trunk tilts more than `MAX_TILT_DEG` from the vertical in the image;
- or when the stance foot moves more than `MAX_FOOT_SHIFT` torso lengths from where it stood;
- or when the person is lost for more than `MAX_GAP_MS`, or at `max_time_s` (default 45 s);
stances shorter than `MIN_STANCE_MS` (a walking step) are ignored. The report gives the longest
stance: its time, the standing leg, why it ended, and the hip-centre sway during it.
Arm use cannot be judged from keypoints reliably and is not checked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from movenet.analysis import geometry
from movenet.analysis.geometry import as_rows
from movenet.skeleton import KEYPOINT_NAMES

# Chosen on data: ankles of people standing on both feet or walking differ by at most 0.25 torso
# lengths in 95 % of the URFD frames with both knees straight (perspective, steps), 0.06 in
# pose_squats; the lifted foot of pose_1.mp4 is 0.42-0.96 above the other.
LIFT_ON = 0.30
LIFT_OFF = 0.15
MAX_TILT_DEG = 20.0  # trunk from the vertical (image plane); pose_1's stance stays within 7.4
MAX_FOOT_SHIFT = 0.5  # torso lengths the stance ankle may move (a hop or a step)
MIN_STANCE_MS = 1000.0  # a walking step lifts a foot for well under a second
MAX_GAP_MS = 1000.0
DEFAULT_MAX_TIME_S = 45.0  # Springer et al. 2007 stop the trial at 45 s

_L_ANKLE, _R_ANKLE = KEYPOINT_NAMES.index("left_ankle"), KEYPOINT_NAMES.index("right_ankle")


@dataclass(frozen=True)
class Sway:
    path_px: float
    rms_px: float
    path_torso: float
    rms_torso: float
    mean_velocity_px_s: float
    duration_ms: float
    frames: int

    def to_dict(self) -> dict:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def sway_of(points: list[tuple[float, float, float]], torso_px: list[float]) -> Sway | None:
    """Sway of a path [(t, x, y), ...] with the torso lengths seen over it; None under 2 points."""
    if len(points) < 2:
        return None
    xy = np.array([(x, y) for _, x, y in points], dtype=np.float64)
    path = float(np.sum(np.hypot(*np.diff(xy, axis=0).T)))
    rms = float(np.sqrt(np.mean(np.sum((xy - xy.mean(axis=0)) ** 2, axis=1))))
    torso = float(np.median(torso_px)) if torso_px else math.nan
    duration = points[-1][0] - points[0][0]
    return Sway(path, rms, path / torso, rms / torso, path / (duration / 1000.0) if duration > 0 else math.nan, duration, len(points))


class SwayMeter:
    """Hip-centre path over a window: `update(pose, t)`, then `result()`."""

    def __init__(self, start_ms: float = -math.inf, end_ms: float = math.inf, min_score: float = geometry.DEFAULT_MIN_SCORE) -> None:
        self.start_ms, self.end_ms, self.min_score = start_ms, end_ms, min_score
        self.reset()

    def reset(self) -> None:
        self._points: list[tuple[float, float, float]] = []
        self._torso: list[float] = []

    def update(self, pose, timestamp_ms: float) -> None:
        if pose is None or not self.start_ms <= timestamp_ms <= self.end_ms:
            return
        kps = as_rows(pose)
        x, y, _ = geometry.hip_center(kps, self.min_score)
        if not math.isnan(x):
            self._points.append((timestamp_ms, x, y))
        torso = geometry.torso_length(kps, self.min_score).value
        if not math.isnan(torso):
            self._torso.append(torso)

    def result(self) -> Sway | None:
        return sway_of(self._points, self._torso)


@dataclass(frozen=True)
class Stance:
    start_ms: float
    end_ms: float
    leg: str  # the standing leg, the person's own side
    ended_by: str
    sway: Sway | None

    @property
    def duration_ms(self) -> float:
        return self.end_ms - self.start_ms

    def to_dict(self) -> dict:
        return {
            "start_ms": round(self.start_ms, 1), "end_ms": round(self.end_ms, 1),
            "time_s": round(self.duration_ms / 1000.0, 2), "standing_leg": self.leg, "ended_by": self.ended_by,
            "sway": self.sway.to_dict() if self.sway else None,
        }


class SingleLegStance:
    """Stances on one leg through a stream: `update(pose, t)`, `finish()`, `stances`, `best`."""

    def __init__(self, *, max_time_s: float = DEFAULT_MAX_TIME_S, min_score: float = geometry.DEFAULT_MIN_SCORE) -> None:
        self.max_ms = max_time_s * 1000.0
        self.min_score = min_score
        self.reset()

    def reset(self) -> None:
        self.stances: list[Stance] = []
        self._open = None  # dict of the stance in progress
        self._last_seen = -math.inf

    @property
    def stance_start_ms(self) -> float | None:
        """When the stance in progress began (None: both feet down)."""
        return None if self._open is None else self._open["start"]

    @property
    def best(self) -> Stance | None:
        return max(self.stances, key=lambda s: s.duration_ms, default=None)

    def update(self, pose, timestamp_ms: float) -> None:
        t = float(timestamp_ms)
        measured = self._measure(pose) if pose is not None else None
        if measured is None:
            if self._open is not None and t - self._last_seen > MAX_GAP_MS:
                self._close(self._last_seen, "lost the person")
            return
        lift, leg, tilt, stance_xy, torso, hip = measured
        if self._open is not None and t - self._last_seen > MAX_GAP_MS:
            self._close(self._last_seen, "lost the person")
        self._last_seen = t
        if self._open is None:
            if lift >= LIFT_ON and tilt <= MAX_TILT_DEG:
                self._open = {"start": t, "leg": leg, "foot": stance_xy, "points": [], "torso": []}
            else:
                return
        o = self._open
        ended = None
        if lift < LIFT_OFF or leg != o["leg"] and lift >= LIFT_ON:
            ended = "the lifted foot came down"
        elif tilt > MAX_TILT_DEG:
            ended = f"the trunk tilted more than {MAX_TILT_DEG:g} deg"
        elif math.hypot(stance_xy[0] - o["foot"][0], stance_xy[1] - o["foot"][1]) > MAX_FOOT_SHIFT * torso:
            ended = "the standing foot moved"
        elif t - o["start"] >= self.max_ms:
            ended = f"reached {self.max_ms / 1000:g} s"
        if ended:
            self._close(t, ended)
            return
        if not math.isnan(hip[0]):
            o["points"].append((t, hip[0], hip[1]))
        o["torso"].append(torso)

    def finish(self) -> Stance | None:
        if self._open is not None:
            self._close(self._last_seen, "the stream ended")
        return self.best

    def _close(self, t: float, why: str) -> None:
        o, self._open = self._open, None
        if t - o["start"] >= MIN_STANCE_MS:
            self.stances.append(Stance(o["start"], t, o["leg"], why, sway_of(o["points"], o["torso"])))

    def _measure(self, pose):
        kps = as_rows(pose)
        la, ra = kps[_L_ANKLE], kps[_R_ANKLE]
        torso = geometry.torso_length(kps, self.min_score).value
        if min(la[2], ra[2]) < self.min_score or math.isnan(torso) or torso <= 0:
            return None
        tilt = geometry.inclination_to_vertical(kps, "trunk", min_score=self.min_score).value
        leg = "left" if la[1] > ra[1] else "right"  # the lower ankle (larger y) stands
        stance = la if leg == "left" else ra
        lift = abs(la[1] - ra[1]) / torso
        return lift, leg, (0.0 if math.isnan(tilt) else tilt), (stance[0], stance[1]), torso, geometry.hip_center(kps, self.min_score)
