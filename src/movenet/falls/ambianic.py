"""Ambianic's fall heuristic, reproduced exactly (FALLS.md section 1), driven by frame timestamps.

One threshold (`threshold`, default 0.15) used three times: a torso side (shoulder -> hip) is
usable when min(shoulder score, hip score) is above it; the frame is kept when the torso score
(mean of the usable sides, one side x 0.9, none 0) reaches it; and FALL needs the fall score (mean
torso score of the two frames compared) to reach it. A frame less than 1 s after the last kept one
is skipped; a kept frame older than 10 s is not compared with. The current frame is compared with
the last kept frame (t-1), then the one before (t-2): FALL when a side's angle to the vertical grew
("moving downward") and a shoulder->hip segment turned by more than 60 degrees. Angles are theirs:
theta = degrees(atan2(y2 - y1, x1 - x2)) per segment and the difference |theta_a - theta_b|, not
wrapped (a known defect kept on purpose; the default method wraps).

Differences from their code, by design: timestamps come from the frames (theirs: the wall clock),
and geometry is in pixels of the frame rather than of their padded 256x256 square (the same angles
whenever their thumbnail keeps the frame's aspect ratio exactly, e.g. 320x240, 640x480, 16:9 HD;
otherwise within the rounding of the thumbnail size). The pixels half of their detector (top-left
padded input, rotation retries, keypoints outside the square zeroed) is
`movenet.pipelines.thumbnail.ThumbnailDetector` wrapped in `movenet.pipelines.rotation.RotationRetry`
with `accept=lambda pose: torso_score(pose, threshold) >= threshold`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from movenet.analysis.geometry import as_array
from movenet.skeleton import KEYPOINT_NAMES
from movenet.types import Pose

_INDEX = {name: i for i, name in enumerate(KEYPOINT_NAMES)}
SIDES = ("left", "right")
ONE_SIDE_PENALTY = 0.9  # their torso score with one side only
VERTICAL_THETA = 90.0  # their theta of the vertical segment (0, 0) -> (0, H): atan2(H, 0)


@dataclass(frozen=True)
class AmbianicSettings:
    """Their constants (fall_detect.py: confidence_threshold, _fall_factor, min/max_time_between_frames)."""

    threshold: float = 0.15  # their default; their MoveNet tests use 0.11, their edge config 0.6
    angle_threshold_deg: float = 60.0
    min_interval_ms: float = 1000.0
    max_interval_ms: float = 10000.0


def torso_sides(pose: Pose | np.ndarray, threshold: float) -> dict[str, tuple[tuple[float, float], tuple[float, float], float]]:
    """side -> (shoulder xy, hip xy, side score) for the sides whose min score is above `threshold`."""
    kps = as_array(pose)
    sides = {}
    for side in SIDES:
        shoulder, hip = kps[_INDEX[f"{side}_shoulder"]], kps[_INDEX[f"{side}_hip"]]
        score = min(float(shoulder[2]), float(hip[2]))
        if score > threshold:
            sides[side] = ((float(shoulder[0]), float(shoulder[1])), (float(hip[0]), float(hip[1])), score)
    return sides


def torso_score(pose: Pose | np.ndarray, threshold: float) -> float:
    """Their "spinal vector score": both sides usable -> mean; one -> 0.9 x it; none -> 0."""
    sides = torso_sides(pose, threshold)
    if len(sides) == 2:
        return (sides["left"][2] + sides["right"][2]) / 2.0
    if len(sides) == 1:
        return next(iter(sides.values()))[2] * ONE_SIDE_PENALTY
    return 0.0


def segment_theta(p1: tuple[float, float], p2: tuple[float, float]) -> float:
    """Their segment angle: degrees(atan2(y2 - y1, x1 - x2))."""
    return math.degrees(math.atan2(p2[1] - p1[1], p1[0] - p2[0]))


def angle_to_vertical(shoulder: tuple[float, float], hip: tuple[float, float]) -> float:
    """|theta(vertical) - theta(shoulder -> hip)|: 0 upright, 90 lying, up to 270 (not wrapped)."""
    return abs(VERTICAL_THETA - segment_theta(shoulder, hip))


@dataclass(frozen=True)
class _Kept:
    """A kept frame: their `_prev_data` entry."""

    timestamp_ms: float
    sides: dict
    vertical: dict[str, float]  # side -> angle to the vertical; a missing side is 0
    torso_score: float


@dataclass(frozen=True)
class AmbianicFall:
    """Their output entry: label FALL, confidence (mean torso score), leaning angle, keypoints."""

    timestamp_ms: float
    compared_ms: float  # timestamp of the frame compared with (t-1 or t-2)
    slot: int  # 1: t-1, 2: t-2
    confidence: float
    leaning_angle: float
    keypoint_corr: dict[str, list[float] | None]


class AmbianicHeuristic:
    """`update(pose, timestamp_ms)` per frame -> an AmbianicFall or None. `due(timestamp_ms)`:
    whether the frame would be looked at (callers may skip the model when it is not)."""

    def __init__(self, settings: AmbianicSettings = AmbianicSettings()) -> None:
        self.settings = settings
        self.reset()

    def reset(self) -> None:
        self._kept: list[_Kept] = []  # [t-1, t-2]

    def due(self, timestamp_ms: float) -> bool:
        return not self._kept or timestamp_ms - self._kept[0].timestamp_ms >= self.settings.min_interval_ms

    def update(self, pose: Pose | None, timestamp_ms: float) -> AmbianicFall | None:
        s = self.settings
        if not self.due(timestamp_ms):
            return None  # too soon after the last kept frame: not even looked at
        if pose is None:
            return None
        score = torso_score(pose, s.threshold)
        if score < s.threshold:
            return None  # no pose: dropped, history unchanged
        sides = torso_sides(pose, s.threshold)
        vertical = {side: angle_to_vertical(*sides[side][:2]) if side in sides else 0.0 for side in SIDES}
        fall = None
        for slot, previous in enumerate(self._kept, start=1):
            if timestamp_ms - previous.timestamp_ms > s.max_interval_ms:
                continue
            if not _moving_downward(vertical, previous.vertical):
                continue
            leaning = _largest_turn(sides, previous.sides)
            probability = 1.0 if leaning > s.angle_threshold_deg else 0.0
            fall_score = probability * (previous.torso_score + score) / 2.0
            if fall_score >= s.threshold:
                corr = {f"{side} {part}": list(sides[side][i]) if side in sides else None
                        for side in SIDES for i, part in ((0, "shoulder"), (1, "hip"))}
                fall = AmbianicFall(timestamp_ms, previous.timestamp_ms, slot, fall_score, leaning, corr)
                break
        self._kept = [_Kept(timestamp_ms, sides, vertical, score)] + self._kept[:1]
        return fall


def _moving_downward(current: dict[str, float], previous: dict[str, float]) -> bool:
    """Their test: on a side, both angles non-zero and the current one larger."""
    return any(bool(current[side]) and bool(previous[side]) and current[side] > previous[side] for side in SIDES)


def _largest_turn(current: dict, previous: dict) -> float:
    """Largest |theta_previous - theta_current| over the sides present in both frames (0 if none)."""
    turns = [
        abs(segment_theta(*previous[side][:2]) - segment_theta(*current[side][:2]))
        for side in SIDES if side in current and side in previous
    ]
    return max(turns, default=0.0)


def accepts(threshold: float):
    """Their rule for keeping a pass (and stopping the rotation retries): torso score >= threshold."""
    return lambda pose: torso_score(pose, threshold) >= threshold
