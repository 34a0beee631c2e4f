"""The one-dimensional signal an exercise is counted on, measured from one pose.

Built on `movenet.analysis.geometry` (angles in degrees, NaN below the keypoint score threshold,
never a value from a keypoint the model did not see). A signal combines the person's two sides:
- `mean`: the mean of the sides that are seen (one side when the other is hidden, as in a side
  view); for exercises done with both limbs together. Walking bends one knee at a time, so the
  mean of both knees stays high and a walk is not a squat.
- `min` / `max`: the more (less) bent side, for exercises done one side at a time.
- `left` / `right`: one side only (the person's own side, as MoveNet names it).

Angles depend on the camera view: a knee bending towards the camera looks nearly straight in the
image. `Height` does not: the vertical distance in the image between two body points (the hips
above the ankles, the shoulders below the wrists or above them), which a squat, a pull-up, a
push-up or a dip changes whether the person faces the camera or stands side-on. Its pixels depend
on the person's size and distance, so a counter uses it as a share of the person's own rest value
(their standing hip height, their hanging or plank height: a `Track` with `relative=True`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from movenet.analysis import geometry
from movenet.analysis.geometry import SIDES, Measurement
from movenet.skeleton import KEYPOINT_NAMES

COMBINE = ("mean", "min", "max", "left", "right")


# The poses' rows (`geometry.as_rows`): converted once per frame, then measured many times.
pose_rows = geometry.as_rows
pose_array = geometry.as_array


def _side_inclination(rows: list, segment: str, side: str, reference: str, min_score: float) -> Measurement:
    if reference == "vertical":
        return geometry.inclination_to_vertical(rows, segment, side, min_score)
    return geometry.inclination_to_horizontal(rows, segment, side, min_score)


def _combine(left: Measurement, right: Measurement, combine: str) -> Measurement:
    if combine == "left":
        return left
    if combine == "right":
        return right
    seen = [m for m in (left, right) if m.valid]
    if not seen:
        return Measurement(math.nan, max(left.confidence, right.confidence))
    confidence = min(m.confidence for m in seen)
    if combine == "mean":
        return Measurement(sum(m.value for m in seen) / len(seen), confidence)
    pick = min if combine == "min" else max
    return Measurement(pick(m.value for m in seen), confidence)


def _known(value: str, known, what: str) -> None:
    if value not in known:
        raise ValueError(f"unknown {what} {value!r}; known: {', '.join(known)}")


@dataclass(frozen=True)
class JointAngle:
    """The angle at a joint (geometry.JOINTS: elbow, shoulder, hip, knee), sides combined."""

    joint: str
    combine: str = "mean"

    def __post_init__(self) -> None:
        _known(self.joint, geometry.JOINTS, "joint")
        if self.combine not in COMBINE:
            raise ValueError(f"combine must be one of {', '.join(COMBINE)}, got {self.combine!r}")

    @property
    def label(self) -> str:
        return f"{self.joint} angle" + ("" if self.combine in ("left", "right") else f" ({self.combine} of both sides)")

    def measure(self, kps, min_score: float) -> Measurement:
        rows = pose_rows(kps)
        if self.combine in ("left", "right"):
            return geometry.joint_angle(rows, self.joint, self.combine, min_score)
        return _combine(geometry.joint_angle(rows, self.joint, "left", min_score), geometry.joint_angle(rows, self.joint, "right", min_score), self.combine)


@dataclass(frozen=True)
class Inclination:
    """A segment's inclination to the horizontal (0 level, 90 upright) or vertical, degrees."""

    segment: str
    reference: str = "horizontal"
    combine: str = "mean"

    def __post_init__(self) -> None:
        _known(self.segment, geometry.SEGMENTS, "segment")
        if self.reference not in ("horizontal", "vertical"):
            raise ValueError(f"reference must be 'horizontal' or 'vertical', got {self.reference!r}")

    @property
    def label(self) -> str:
        return f"{self.segment} inclination to the {self.reference}"

    def measure(self, kps, min_score: float) -> Measurement:
        rows = pose_rows(kps)
        if self.segment in ("trunk", "shoulders", "hips") or self.combine in ("left", "right"):  # one segment
            side = self.combine if self.combine in ("left", "right") else "left"
            return _side_inclination(rows, self.segment, side, self.reference, min_score)
        return _combine(*(_side_inclination(rows, self.segment, side, self.reference, min_score) for side in SIDES), self.combine)


@dataclass(frozen=True)
class LargerOf:
    """The larger of several signals (those that are seen): e.g. hip and knee angles for sitting,
    where both are small, unlike a bend at the hips with straight knees."""

    signals: tuple[JointAngle | Inclination, ...]

    @property
    def label(self) -> str:
        return "larger of " + " and ".join(s.label for s in self.signals)

    def measure(self, kps, min_score: float) -> Measurement:
        rows = pose_rows(kps)
        seen = [m for m in (s.measure(rows, min_score) for s in self.signals) if m.valid]
        if not seen:
            return Measurement(math.nan, 0.0)
        return max(seen, key=lambda m: m.value)


@dataclass(frozen=True)
class Asymmetry:
    """|left - right| of a joint's angle, both sides seen: ~0 when the limbs move together (a squat),
    large when one is bent and the other straight (a lunge's front and back hips, a step)."""

    joint: str

    def __post_init__(self) -> None:
        _known(self.joint, geometry.JOINTS, "joint")

    @property
    def label(self) -> str:
        return f"{self.joint} asymmetry"

    def measure(self, kps, min_score: float) -> Measurement:
        rows = pose_rows(kps)
        left, right = (geometry.joint_angle(rows, self.joint, side, min_score) for side in SIDES)
        return Measurement(abs(left.value - right.value), min(left.confidence, right.confidence))


_KEYPOINT = {name: i for i, name in enumerate(KEYPOINT_NAMES)}
# The body points a `Height` can use: the nose, or the mean of a pair's sides that are seen.
HEIGHT_POINTS = ("nose", "shoulder", "elbow", "wrist", "hip", "knee", "ankle")
_PLURAL = {p: p if p == "nose" else p + "s" for p in HEIGHT_POINTS}
HEIGHT_UNITS = ("px", "torso")


def _level(rows: list, part: str, min_score: float) -> tuple[float, float]:
    """(y, confidence) of a body point: the nose, or the mean y of the sides seen (NaN: none)."""
    if part == "nose":
        y, s = rows[0][1], rows[0][2]
        return (y, s) if s >= min_score else (math.nan, s)
    left, right = rows[_KEYPOINT[f"left_{part}"]], rows[_KEYPOINT[f"right_{part}"]]
    seen = [r for r in (left, right) if r[2] >= min_score]
    if not seen:
        return math.nan, max(left[2], right[2])
    return sum(r[1] for r in seen) / len(seen), min(r[2] for r in seen)


@dataclass(frozen=True)
class Height:
    """How far `point` is above `reference` in the image, pixels (negative: below it), each the
    mean of the sides seen: e.g. Height("hip", "ankle") the hips above the ankles, Height("wrist",
    "shoulder") the wrists above the shoulders (a hang), Height("shoulder", "wrist") the shoulders
    above the hands (a plank, a dip). The same in any view with a roughly level camera.
    `unit="torso"`: in lengths of this frame's trunk (mid-hip to mid-shoulder; NaN when unseen),
    for posture checks that must not depend on the person's size in the image."""

    point: str
    reference: str
    unit: str = "px"

    def __post_init__(self) -> None:
        _known(self.point, HEIGHT_POINTS, "body point")
        _known(self.reference, HEIGHT_POINTS, "body point")
        _known(self.unit, HEIGHT_UNITS, "height unit")
        if self.point == self.reference:
            raise ValueError(f"a height needs two different body points, got {self.point!r} twice")

    @property
    def label(self) -> str:
        return f"{_PLURAL[self.point]} above the {_PLURAL[self.reference]}" + (" (torso lengths)" if self.unit == "torso" else "")

    def measure(self, kps, min_score: float) -> Measurement:
        rows = pose_rows(kps)
        top, c1 = _level(rows, self.point, min_score)
        bottom, c2 = _level(rows, self.reference, min_score)
        if self.unit == "torso":
            torso = geometry.torso_length(rows, min_score)
            return Measurement((bottom - top) / torso.value if torso.value > 0 else math.nan, min(c1, c2, torso.confidence))
        return Measurement(bottom - top, min(c1, c2))


Signal = JointAngle | Inclination | LargerOf | Asymmetry | Height


class SignalCache:
    """Each signal measured once per frame for everything that shares the cache (the signals and
    checks of the automatic mode's counters, one person): `measure(signal, rows, t, min_score)`."""

    def __init__(self) -> None:
        self._key: tuple = (None, math.nan, math.nan)
        self._values: dict = {}

    def measure(self, signal, rows, t: float, min_score: float) -> Measurement:
        if rows is not self._key[0] or t != self._key[1] or min_score != self._key[2]:
            self._key, self._values = (rows, t, min_score), {}
        m = self._values.get(signal)
        if m is None:
            m = self._values[signal] = signal.measure(rows, min_score)
        return m
