"""The hook where analysis meets the live stream: per-session analysers, chosen from one table.

An analyser is anything with `update(poses, timestamp_ms) -> dict | None` and `reset()` (the
shape of every stateful class in `movenet.analysis`): each live session keeps its own, calls it
with the poses of every frame, and sends what it returns to the page as an `analysis` message.
The page shows a result in the panel its spec names ("reps": reps and angles; "alerts": falls),
reading these optional fields: `count` (a number shown large), `phase`, `message`, `angles`
({name: degrees or null}), `people` (a list of such dicts, with "id"), and `alert`
({"level": "warning" | "alarm", "message": ...}: a visible and, for "alarm", audible alert).

The entries: `angles` (joint angles, stateless), `reps` (repetition counting of a chosen exercise:
`reps.LiveReps` on the exercise layer) and `falls` (fall and long-lie alerts: `fall_alerts.LiveFalls`
on the fall layer). A spec's `info` is what the page needs to offer it (the exercise names, the fall
methods), passed through `/api/info`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from movenet.analysis.geometry import DEFAULT_MIN_SCORE, JOINTS, SIDES, joint_angle
from movenet.errors import InvalidOptionError, MovenetError
from movenet.types import Pose


class Analyser(Protocol):
    def update(self, poses: list[Pose], timestamp_ms: float, frame_size: tuple[float, float] | None = None) -> dict | None:
        """One frame's poses at its capture time; `frame_size`: (width, height) of the frame they are
        in, when known (the fall detector's rule for a person lost at the frame's edge uses it)."""

    def reset(self) -> None: ...


@dataclass(frozen=True)
class AnalyserSpec:
    name: str
    panel: str  # "reps" or "alerts"
    description: str
    make: Callable[[dict], Analyser]  # options (JSON object from the page) -> a fresh analyser
    info: Callable[[], dict] = dict  # what the page needs to offer it (passed through /api/info)


class JointAngles:
    """Elbow, shoulder, hip and knee angles of each person, both sides (degrees; null when a
    keypoint scores below `min_score`). Stateless, but shaped like every analyser."""

    def __init__(self, min_score: float = DEFAULT_MIN_SCORE) -> None:
        self.min_score = min_score

    def update(self, poses: list[Pose], timestamp_ms: float, frame_size: tuple[float, float] | None = None) -> dict | None:
        people = []
        for pose in poses:
            angles = {
                f"{side}_{joint}": _number(joint_angle(pose, joint, side, self.min_score).value)
                for joint in JOINTS for side in SIDES
            }
            people.append({"id": pose.id, "angles": angles})
        return {"people": people}

    def reset(self) -> None:
        pass


def _make_angles(options: dict) -> JointAngles:
    _known("angles", options, ("min_score",))
    score = options.get("min_score", DEFAULT_MIN_SCORE)
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0.0 <= score <= 1.0:
        raise InvalidOptionError(f"angles: min_score must be a number in 0..1, got {score!r}")
    return JointAngles(float(score))


def _make_reps(options: dict):
    from movenet.serve.reps import LiveReps

    _known("reps", options, ("exercise",))
    if not isinstance(options.get("exercise"), str):
        raise InvalidOptionError(f"reps: exercise must be one of {', '.join(_exercises())}")
    try:
        return LiveReps(options["exercise"])
    except MovenetError as exc:  # an unknown exercise: the error lists the known ones
        raise InvalidOptionError(f"reps: {exc}") from exc


def _make_falls(options: dict):
    from movenet.serve.fall_alerts import PAGE_SETTINGS, LiveFalls

    _known("falls", options, ("method", *PAGE_SETTINGS))
    method = options.get("method", "default")
    settings = {k: v for k, v in options.items() if k != "method"}
    try:
        return LiveFalls(method, **settings)
    except MovenetError as exc:  # unknown method, a setting the method lacks, a bad number
        raise InvalidOptionError(f"falls: {exc}") from exc


def _known(name: str, options: dict, known: tuple[str, ...]) -> None:
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise InvalidOptionError(f"{name}: unknown option(s) {', '.join(unknown)}; known: {', '.join(known)}")


def _exercises() -> list[str]:
    from movenet.exercise import list_exercises

    return list_exercises()


def _fall_info() -> dict:
    from movenet.falls import FallSettings, get_method, list_methods
    from movenet.serve.fall_alerts import PAGE_SETTINGS

    return {"methods": [{"name": m, "description": get_method(m).description} for m in list_methods()],
            "settings": {k: getattr(FallSettings, k) for k in PAGE_SETTINGS}}


ANALYSERS: dict[str, AnalyserSpec] = {
    "angles": AnalyserSpec("angles", "reps", "joint angles (elbows, shoulders, hips, knees)", _make_angles),
    "reps": AnalyserSpec("reps", "reps", "repetition counting of an exercise (count, phase, angle, depth; per person)",
                         _make_reps, lambda: {"exercises": _exercises()}),
    "falls": AnalyserSpec("falls", "alerts", "fall and long-lie alerts (visible and audible)", _make_falls, _fall_info),
}


def list_analysers() -> list[dict]:
    """What /api/info tells the page: each analyser's name, panel, description and `info` (e.g.
    `exercises` for reps: the page's exercise menu appears when a reps entry lists them)."""
    return [{"name": s.name, "panel": s.panel, "description": s.description, **s.info()} for s in ANALYSERS.values()]


def make_analysers(requested: dict, current: dict[str, Analyser] | None = None, current_options: dict | None = None) -> dict[str, Analyser]:
    """{name: options} from the page -> {name: analyser}; unknown names are listed. An analyser
    of `current` whose options are unchanged is kept with its state (switching the exercise does
    not reset the fall detector); the others are made fresh."""
    if not isinstance(requested, dict):
        raise InvalidOptionError('analysers must be an object {"name": {options}}')
    unknown = sorted(set(requested) - set(ANALYSERS))
    if unknown:
        raise InvalidOptionError(f"unknown analyser(s) {', '.join(unknown)}; available: {', '.join(ANALYSERS) or 'none'}")
    current, current_options = current or {}, current_options or {}
    made = {}
    for name, options in requested.items():
        if not isinstance(options, dict):
            raise InvalidOptionError(f"{name}: options must be an object, got {options!r}")
        if name in current and current_options.get(name) == options:
            made[name] = current[name]
        else:
            made[name] = ANALYSERS[name].make(options)
    return made


def run_analysers(analysers: dict[str, Analyser], poses: list[Pose], timestamp_ms: float,
                  frame_size: tuple[float, float] | None = None) -> dict:
    """{name: result} of the analysers that returned something, JSON-safe (NaN -> null)."""
    results = {}
    for name, analyser in analysers.items():
        result = analyser.update(poses, timestamp_ms, frame_size)
        if result is not None:
            results[name] = json_safe(result)
    return results


def json_safe(value):
    """NaN and infinities -> None, recursively (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def _number(value: float) -> float | None:
    return round(value, 1) if math.isfinite(value) else None
