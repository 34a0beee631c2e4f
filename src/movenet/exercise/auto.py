"""Automatic mode: count an exercise without being told which (`RepCounter` for every spec at once).

    counter = AutoCounter()
    for pose, t in stream:
        state = counter.update(pose, t)     # state.exercise: the leading exercise so far ("" if none)
    counter.finish()
    counter.exercise, counter.count, counter.counts

Every exercise of the registry is counted on the same poses, each by its own `RepCounter` with its
posture checks; the exercise is the one with the most counted repetitions: the periodic signal
that completes repetitions *and* whose posture checks hold. The checks are what tell apart
exercises that share a signal (`specs`: a curl keeps the upper arms down, a pull-up lifts the
body, a press starts with bent elbows and a jumping jack with straight ones, a lunge bends one hip
and a squat both). A tie goes to the spec with more posture checks, the more specific evidence.
A squat and a sit-to-stand are the same movement in 2D keypoints (a squat down to a chair is a
chair stand): a tie between them goes to the squat, while a stream that starts seated counts one
more sit-to-stand (only that counter may begin at the far end) and is called a sit-to-stand.
Until something is counted there is no exercise (`exercise` is None, `count` 0).
The cost is one counter per exercise: about ten times that of a named exercise (README, Speed).
"""

from __future__ import annotations

import math

from movenet.analysis.geometry import DEFAULT_MIN_SCORE, as_rows
from movenet.exercise.counter import RepCounter
from movenet.exercise.posture import Posture
from movenet.exercise.repetition import CounterState, Repetition
from movenet.exercise.smoothing import DEFAULT_MAX_GAP_MS, DEFAULT_TAU_MS
from movenet.exercise.signals import SignalCache
from movenet.exercise.specs import ExerciseSpec, get_exercise, list_exercises
from movenet.exercise.view import ViewTracker

AUTO = "auto"  # the exercise name that asks for this mode (`ExerciseSession`, `movenet exercise`)


class AutoCounter:
    """`update(pose or None, timestamp_ms)` each frame; the leading exercise's numbers."""

    def __init__(
        self,
        exercises: list[str] | None = None,
        *,
        min_score: float = DEFAULT_MIN_SCORE,
        tau_ms: float = DEFAULT_TAU_MS,
        max_gap_ms: float = DEFAULT_MAX_GAP_MS,
        keep_trace: bool = True,
    ) -> None:
        specs = [get_exercise(name) for name in (exercises or list_exercises())]
        posture, view, signals = Posture(), ViewTracker(), SignalCache()  # one person: measured once per frame for every counter
        self.counters = {s.name: RepCounter(s, min_score=min_score, tau_ms=tau_ms, max_gap_ms=max_gap_ms, keep_trace=keep_trace,
                                            posture=posture, view=view, signals=signals) for s in specs}
        self._rank = {s.name: len(s.checks) for s in specs}
        self._leader: str | None = None

    def reset(self) -> None:
        for c in self.counters.values():
            c.reset()
        self._leader = None

    def _lead(self) -> str | None:
        best = max(self.counters, key=lambda n: (self.counters[n].count, self._rank[n]))
        return best if self.counters[best].count else None

    def update(self, pose, timestamp_ms: float) -> CounterState:
        rows = None if pose is None else as_rows(pose)  # converted once for all counters
        states = {name: c.update(rows, timestamp_ms) for name, c in self.counters.items()}
        self._leader = self._lead()
        if self._leader is None:
            return CounterState(0, "waiting", math.nan, math.nan, math.nan, None, None, "")
        return states[self._leader]

    def finish(self) -> Repetition | None:
        ended = {name: c.finish() for name, c in self.counters.items()}
        self._leader = self._lead()
        return ended[self._leader] if self._leader else None

    # --- the leading exercise's numbers (RepCounter's interface) -------------------------------
    @property
    def exercise(self) -> str | None:
        return self._leader

    @property
    def spec(self) -> ExerciseSpec | None:
        return self.counters[self._leader].spec if self._leader else None

    @property
    def counts(self) -> dict[str, int]:
        """Every exercise's count, the evidence for the choice."""
        return {name: c.count for name, c in self.counters.items()}

    @property
    def count(self) -> int:
        return self.counters[self._leader].count if self._leader else 0

    @property
    def repetitions(self) -> tuple[Repetition, ...]:
        return self.counters[self._leader].repetitions if self._leader else ()

    @property
    def partial_repetitions(self) -> tuple[Repetition, ...]:
        return self.counters[self._leader].partial_repetitions if self._leader else ()

    @property
    def phase(self) -> str:
        return self.counters[self._leader].phase if self._leader else "waiting"

    @property
    def value(self) -> float:
        return self.counters[self._leader].value if self._leader else math.nan

    @property
    def trace(self):
        return self.counters[self._leader].trace if self._leader else ()

    @property
    def traces(self) -> dict[str, tuple]:
        return self.counters[self._leader].traces if self._leader else {}

    @property
    def signal(self) -> str:
        return self.counters[self._leader].signal if self._leader else ""

    @property
    def view(self) -> str:
        return next(iter(self.counters.values())).view
