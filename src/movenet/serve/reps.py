"""Live repetition counting for the page's reps panel: the exercise layer's `ExerciseSession` (one
`RepCounter` per person, by track id), its state after each frame turned into what the panel
shows, as the annotated video's overlay does: the count, the phase, the live angle and a depth bar
(with the marks of the level a repetition must reach and of the full depth), partial repetitions
and what happened to the last one.

Nothing is counted here: every number comes from the library's counters, the very ones
`movenet exercise` uses (tests/serve/test_analysers.py compares them frame by frame).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from movenet.analysis.per_person import SINGLE
from movenet.exercise import ExerciseSession, Repetition
from movenet.exercise.repetition import CounterState
from movenet.types import Pose

# People in one result: those measured in this frame first, then those with repetitions, then the
# others (MultiPose gives at most 6 at once; a long session may have seen many more track ids).
MAX_PEOPLE_SHOWN = 6


class LiveReps:
    """`update(poses, timestamp_ms)` -> the reps panel's result; `reset()` starts a new set."""

    def __init__(self, exercise: str) -> None:
        self.session = ExerciseSession(exercise, keep_trace=False)  # one counter per track id; no plot trace (bounded memory)
        spec = self.session.spec
        self.header = {
            "exercise": spec.name, "signal": spec.signal.label, "counted_when": spec.counted_when,
            # the depth bar's marks, as on the annotated video: where a repetition counts, full depth
            "marks": {"enter": round(spec.depth_fraction(spec.enter_deg), 3),
                      "depth": round(spec.depth_fraction(spec.depth_deg), 3)},
        }

    def update(self, poses: Sequence[Pose], timestamp_ms: float, frame_size: tuple[float, float] | None = None) -> dict:
        states = self.session.update(poses, timestamp_ms)
        counters = self.session.counters()
        people = [self._person(key, state, counters[key]) for key, state in states.items()]
        shown = sorted(people, key=lambda p: (not p["seen"], not (p["count"] or p["partial"]), p["id"] or 0))[:MAX_PEOPLE_SHOWN]
        first = shown[0] if shown else {"count": 0, "phase": "waiting", "message": "nobody seen yet"}
        return {**self.header, "count": first["count"], "phase": first["phase"], "message": first["message"],
                "people": shown}

    def reset(self) -> None:
        self.session.reset()

    @staticmethod
    def _person(key: int, state: CounterState, counter) -> dict:
        event = "rep" if state.new_repetition else "partial" if state.new_partial else None
        reps, partials = counter.repetitions, counter.partial_repetitions
        last = max((*reps[-1:], *partials[-1:]), key=lambda r: r.end_ms, default=None)
        return {
            "id": None if key == SINGLE else key,
            "count": counter.count,
            "partial": len(partials),
            "phase": state.phase,
            "angle": _round(state.value, 1),
            "depth": _round(state.depth, 3),
            "seen": not math.isnan(state.raw),
            "event": event,
            "last": None if last is None else {**last.to_dict(), "partial": last.partial},
            "message": _describe(last, counter.count),
        }


def _describe(rep: Repetition | None, count: int) -> str:
    if rep is None:
        return ""
    if rep.partial:
        return f"partial: {rep.reason}"
    depth = f"deepest {rep.peak_deg:.0f}°" + (", shallow" if rep.shallow else "")
    return f"rep {count}: {rep.duration_ms / 1000:.1f} s, {depth}"


def _round(value: float, digits: int) -> float | None:
    return round(value, digits) if math.isfinite(value) else None
