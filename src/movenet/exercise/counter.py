"""`RepCounter`: repetitions of one exercise for one person, frame by frame.

    counter = RepCounter("squat")
    for pose, t in stream:              # a Pose, or None when nobody is seen
        counter.update(pose, t)         # t: milliseconds, increasing
    counter.finish()                    # a repetition still in progress becomes a partial one
    counter.count, counter.repetitions, counter.partial_repetitions

A state machine with hysteresis on the smoothed signal of the exercise's spec (`specs`), with the
signal in "progress" units (`direction * value`: larger is deeper) and these phases:

    waiting --(back past start)--> ready --(past start)--> moving --(past enter)--> active
    waiting --(back past exit only)--> returning
    active --(back past exit: COUNTED)--> returning --(back past start)--> ready
    returning --(past enter again)--> active        (the next repetition without a full return)
    moving --(back past start without reaching enter)--> ready   (a partial repetition, if it got
                                                                  past exit; smaller moves are sway)

A repetition is counted at the moment it passes back past `exit` on the way to the start position
(the squat: rising back through 145 degrees at the knee), if it lasted `min_rep_ms`, stayed past
`enter` no longer than `max_active_ms` and at least `min_hold_ms`, and passed the spec's posture
checks (trunk lean at the bottom and when back, hands above the knees: `checks`, `posture.Posture`);
otherwise it is a partial repetition with the reason. The minimum range is implied by the levels:
a counted repetition moves from past `start` (or from its top) to past `enter` (the squat: at
least 40 degrees).

Frames where the signal cannot be measured (no pose, joints below the score threshold) are
skipped; a gap up to `max_gap_ms` is bridged (the state holds), a longer one ends the repetition in
progress as partial and waits for the person to be back at the start position. A stream starts
`waiting`: set-up and walking in are not counted until the person has been at the start position.
"""

from __future__ import annotations

import dataclasses
import math
from collections import deque

from movenet.analysis import geometry
from movenet.errors import InvalidInputError
from movenet.exercise.checks import CheckTracker
from movenet.exercise.posture import Posture
from movenet.exercise.repetition import CounterState, Repetition
from movenet.exercise.signals import pose_rows
from movenet.exercise.smoothing import (
    DEFAULT_MAX_GAP_MS,
    DEFAULT_TAU_MS,
    SignalSmoother,
)
from movenet.exercise.specs import ExerciseSpec, get_exercise

WAITING, READY, MOVING, ACTIVE, RETURNING = "waiting", "ready", "moving", "active", "returning"
MAX_TRACE = 30 * 60 * 60  # frames of signal kept for plots: one hour at 30 fps (bounded memory)


class RepCounter:
    """Counts repetitions of `exercise` (a registry name or an `ExerciseSpec`)."""

    def __init__(
        self,
        exercise: str | ExerciseSpec = "squat",
        *,
        min_score: float = geometry.DEFAULT_MIN_SCORE,
        tau_ms: float = DEFAULT_TAU_MS,
        max_gap_ms: float = DEFAULT_MAX_GAP_MS,
        keep_trace: bool = True,
        posture: Posture | None = None,
        **spec_options,
    ) -> None:
        """`posture`: a `posture.Posture` shared by the counters of one person (the automatic
        mode measures the posture once per frame for all of them); by default its own."""
        spec = get_exercise(exercise)
        self.spec = spec.with_options(**spec_options) if spec_options else spec
        self.min_score = float(min_score)
        self.max_gap_ms = float(max_gap_ms)
        self._smoother = SignalSmoother(tau_ms=tau_ms, max_gap_ms=max_gap_ms)
        self._checks = CheckTracker(self.spec.checks, self.max_gap_ms, posture)
        self._keep_trace = keep_trace
        d = self.spec.direction
        self._start, self._exit, self._enter, self._depth = (d * self.spec.start_deg, d * self.spec.exit_deg, d * self.spec.enter_deg, d * self.spec.depth_deg)
        self.reset()

    # --- public state -------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything: the next frame starts a new set."""
        self._smoother.reset()
        self._checks.reset()
        self._phase = WAITING
        self._reps: list[Repetition] = []
        self._partials: list[Repetition] = []
        self._last_ms: float | None = None
        self._prev: tuple[float, float] | None = None  # (t, progress) of the last valid sample
        self._value = math.nan
        self._began_active = False
        self._seen = False
        self._top, self._top_ms = math.inf, math.nan
        self._rep_start = self._rep_top = self._peak = self._peak_ms = math.nan
        self._enter_ms = self._left_enter_ms = math.nan
        self.trace: deque[tuple[float, float, float]] = deque(maxlen=MAX_TRACE)  # (t, raw, smoothed)

    @property
    def count(self) -> int:
        return len(self._reps)

    @property
    def repetitions(self) -> tuple[Repetition, ...]:
        return tuple(self._reps)

    @property
    def partial_repetitions(self) -> tuple[Repetition, ...]:
        return tuple(self._partials)

    @property
    def phase(self) -> str:
        return self._phase

    @property
    def value(self) -> float:
        """The smoothed signal (degrees) at the last frame it was seen."""
        return self._value

    # --- one frame ----------------------------------------------------------------------------
    def update(self, pose, timestamp_ms: float) -> CounterState:
        t = self._check_time(timestamp_ms)
        raw = math.nan
        if pose is None:
            self._checks.no_pose()
        else:
            kps = pose_rows(pose)
            raw = self.spec.signal.measure(kps, self.min_score).value
            self._checks.frame(kps, t, self.min_score)
        new_rep = new_partial = None
        if self._prev is not None and t - self._prev[0] > self.max_gap_ms:
            new_partial = self._lose(f"lost the person for {t - self._prev[0]:.0f} ms")
        value = math.nan if math.isnan(raw) else self._smoother.update(raw, t)
        if not math.isnan(value):
            n_reps, n_partials = len(self._reps), len(self._partials)
            self._step(self.spec.direction * value, t)
            new_rep = self._reps[-1] if len(self._reps) > n_reps else None
            new_partial = self._partials[-1] if len(self._partials) > n_partials else new_partial
            self._value = value
        if self._keep_trace:
            self.trace.append((t, raw, value))
        depth = math.nan if math.isnan(value) else self.spec.depth_fraction(value)
        return CounterState(self.count, self._phase, value, raw, depth, new_rep, new_partial, self.spec.name)

    def finish(self) -> Repetition | None:
        """End of the stream: a repetition in progress becomes a partial one (returned)."""
        if self._phase == ACTIVE or (self._phase == MOVING and self._peak >= self._exit):
            where = f"in the '{self.spec.active_name}' phase" if self._phase == ACTIVE else "on the way"
            return self._partial(self._prev[0], f"the stream ended {where}, before the return")
        return None

    # --- the state machine --------------------------------------------------------------------
    def _check_time(self, timestamp_ms: float) -> float:
        try:
            t = float(timestamp_ms)
        except (TypeError, ValueError) as exc:
            raise InvalidInputError(f"timestamp_ms must be a number of milliseconds, got {timestamp_ms!r}") from exc
        if not math.isfinite(t):
            raise InvalidInputError(f"timestamp_ms must be finite, got {timestamp_ms!r}")
        if self._last_ms is not None and t <= self._last_ms:
            raise InvalidInputError(f"timestamps must increase: {t:g} ms after {self._last_ms:g} ms (reset() between streams)")
        self._last_ms = t
        return t

    def _cross(self, level: float, t: float, p: float) -> float:
        """When the signal passed `level` between the previous valid sample and this one."""
        if self._prev is None:
            return t
        t0, p0 = self._prev
        if p == p0:
            return t
        return t0 + (t - t0) * min(max((level - p0) / (p - p0), 0.0), 1.0)

    def _step(self, p: float, t: float) -> None:
        phase = self._phase
        if phase == WAITING:
            if p < self._exit:  # at the start position (or nearly: short of `start`, as in a push-up
                # never locked out), so the next repetition can begin from here
                self._phase, self._top, self._top_ms = (READY if p < self._start else RETURNING), p, t
            elif self.spec.start_active and not self._seen and p >= self._enter:
                self._begin(t, t, math.inf)
                self._enter_ms, self._began_active = t, True
                self._phase = ACTIVE
        elif phase in (READY, RETURNING):
            if p < self._top:
                self._top, self._top_ms = p, t
            if phase == READY and p >= self._start:
                self._begin(self._cross(self._start, t, p), t, self._top)
                self._phase = MOVING
            elif phase == RETURNING and p >= self._enter:
                self._begin(self._top_ms, t, self._top)
                self._enter_ms, self._phase = self._cross(self._enter, t, p), ACTIVE
            elif phase == RETURNING and p < self._start:
                self._phase = READY
        if self._phase == MOVING:
            self._track_peak(p, t)
            if p >= self._enter:
                self._enter_ms, self._left_enter_ms, self._phase = self._cross(self._enter, t, p), math.nan, ACTIVE
            elif p < self._start:
                if self._peak >= self._exit:
                    self._partial(self._cross(self._start, t, p), f"did not reach {self.spec.enter_deg:g} deg ({self.spec.active_name})")
                self._phase, self._top, self._top_ms = READY, p, t
        if self._phase == ACTIVE and phase == ACTIVE:
            self._track_peak(p, t)
            if p >= self._enter:
                self._left_enter_ms = math.nan
                self._checks.note_active()
            elif math.isnan(self._left_enter_ms):
                self._left_enter_ms = self._cross(self._enter, t, p)
            if p < self._exit:
                self._complete(self._cross(self._exit, t, p), t)
                self._phase, self._top, self._top_ms = RETURNING, p, t
        elif self._phase == ACTIVE:  # entered at this frame
            self._track_peak(p, t)
            self._checks.note_active()
        self._seen = True
        self._prev = (t, p)

    def _begin(self, start_ms: float, t: float, top: float) -> None:
        self._rep_start, self._rep_top = start_ms, top
        self._peak, self._peak_ms = -math.inf, t
        self._left_enter_ms = math.nan
        self._checks.begin()
        self._began_active = False

    def _track_peak(self, p: float, t: float) -> None:
        if p > self._peak:
            self._peak, self._peak_ms = p, t

    def _record(self, end_ms: float, partial: bool, reason: str) -> Repetition:
        d = self.spec.direction
        reached_enter = self._peak >= self._enter
        left = self._left_enter_ms if not math.isnan(self._left_enter_ms) else end_ms
        hold = max(left - self._enter_ms, 0.0) if reached_enter else 0.0
        top = self._rep_top if math.isfinite(self._rep_top) else self._exit
        return Repetition(
            start_ms=self._rep_start, end_ms=end_ms, range_deg=self._peak - top, peak_deg=d * self._peak,
            peak_ms=self._peak_ms, hold_ms=hold, shallow=self._peak < self._depth, partial=partial, reason=reason,
        )

    def _complete(self, end_ms: float, t: float) -> None:
        rep = self._record(end_ms, False, "")
        spec = self.spec
        reason = ""
        if rep.duration_ms < spec.min_rep_ms and not self._began_active:
            reason = f"too quick: {rep.duration_ms:.0f} ms < {spec.min_rep_ms:g} ms"
        elif rep.hold_ms > spec.max_active_ms:
            reason = f"stayed {spec.active_name} {rep.hold_ms / 1000:.1f} s > {spec.max_active_ms / 1000:g} s"
        elif rep.hold_ms < spec.min_hold_ms:
            reason = f"held {rep.hold_ms:.0f} ms < {spec.min_hold_ms:g} ms"
        else:
            reason = self._checks.verdict(t, spec.active_name, spec.rest_name)
        if reason:
            self._partials.append(dataclasses.replace(rep, partial=True, reason=reason))
        else:
            self._reps.append(rep)

    def _partial(self, end_ms: float, reason: str) -> Repetition:
        rep = self._record(end_ms, True, reason)
        self._partials.append(rep)
        self._phase = WAITING
        return rep

    def _lose(self, reason: str) -> Repetition | None:
        """A long gap: a repetition in progress is given up; wait for the start position again."""
        lost = None
        if self._phase == ACTIVE or (self._phase == MOVING and self._peak >= self._exit):
            lost = self._partial(self._prev[0], reason)
        self._phase, self._prev = WAITING, None
        self._smoother.reset()
        return lost
