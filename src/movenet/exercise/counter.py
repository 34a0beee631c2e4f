"""`RepCounter`: repetitions of one exercise for one person, frame by frame.

    counter = RepCounter("squat")
    for pose, t in stream:              # a Pose, or None when nobody is seen
        counter.update(pose, t)         # t: milliseconds, increasing
    counter.finish()                    # a repetition still in progress becomes a partial one
                                        # (`cut_off` when it had reached the far end with a full range)
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
progress as partial and waits for the person to be back at the start position. While the person's
trunk (both shoulders and hips) is seen but not the signal's joints, a repetition in progress is
held up to `max_active_ms`: at the bottom of a deep squat the body hides the ankles, at the bottom
of a push-up the wrists.
A stream starts `waiting`: set-up and walking in are not counted until the person has been at the
start position.

**Several signals** (`ExerciseSpec.tracks`: the primary one and its view-robust alternatives, e.g.
the knee angle and the hips' height above the ankles for a squat): each runs its own state machine
(`_Machine`, with its own posture checks) on the same poses, and a repetition completed on any of
them counts once: a repetition is the same movement as one already counted when the deepest point
of either lies within the other's span. So the signal that sees the movement best counts it (the
knee angle of a side view, the hip height of a front view, where the knees bend towards the camera
and the angle hardly changes in the image); each repetition says which signal counted it, and a
partial repetition is reported only when no signal counted that movement. The live state (value,
phase, depth) is that of the leading signal: the one that has counted the most repetitions.
A relative signal (`Track.relative`) is divided by the person's own rest value, the largest of the
last `BASELINE_WINDOW_MS` (their standing hip height, hanging or plank height): this calibration
makes its levels shares of the person's own range of travel, in any view and at any distance.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections import deque

from movenet.analysis import geometry
from movenet.errors import InvalidInputError
from movenet.exercise.checks import CheckMeasures, CheckTracker
from movenet.exercise.posture import Posture, RecentMax
from movenet.exercise.repetition import CounterState, Repetition, cut_off_count
from movenet.exercise.signals import SignalCache, pose_rows
from movenet.exercise.smoothing import (
    DEFAULT_MAX_GAP_MS,
    DEFAULT_SPIKE_DEG,
    DEFAULT_TAU_MS,
    SignalSmoother,
)
from movenet.exercise.specs import BASELINE_WINDOW_MS, ExerciseSpec, Track, get_exercise
from movenet.exercise.view import ViewTracker

WAITING, READY, MOVING, ACTIVE, RETURNING = "waiting", "ready", "moving", "active", "returning"
MAX_TRACE = 30 * 60 * 60  # frames of signal kept for plots: one hour at 30 fps (bounded memory)
# A relative signal's rest value must be at least this share of the person's upright torso length
# (the longest mid-hip to mid-shoulder distance of the last BASELINE_WINDOW_MS): a hang has the
# wrists ~0.8 torso lengths above the shoulders, a plank the shoulders ~1 above the hands, standing
# hips ~1.6 above the ankles; lying on the back with the arms along the body puts the wrists level
# with the shoulders, and a share of a rest value near 0 would be noise.
MIN_REST_TORSO = 0.3
# Per-person calibration of a relative track (`_Machine._calibrate`): after this many counted
# repetitions, from their median depth; a repetition must then reach this share of it.
CALIBRATION_REPS = 2
CALIBRATED_ENTER = 0.6
# The spike filter's limit for a relative signal (a share of the rest value), the counterpart of
# the angles' 20 degrees: a repetition's range is ~0.5-1 of the rest value where an angle's is
# 60-120 degrees, and 0.15 is above the frame-to-frame change of a fast movement at 5 fps.
RELATIVE_SPIKE = 0.15
ENDED = "the stream ended"  # the reason of a repetition in progress at the end (`_Machine.finish`)


class _Machine:
    """The state machine of one track (signal and levels) of a spec: its smoother, its posture
    checks, its repetitions and partial ones. `RepCounter` runs one per track."""

    def __init__(self, spec: ExerciseSpec, track: Track, checks: CheckTracker, smoother: SignalSmoother, max_gap_ms: float,
                 keep_trace: bool, view=lambda: "", signals: SignalCache | None = None) -> None:
        self.spec, self.track = spec, track
        self._signals = signals if signals is not None else SignalCache()
        self.view = view  # the camera view seen so far (for the checks limited to some views)
        self.label = track.label
        self.max_gap_ms = max_gap_ms
        self._smoother = smoother
        self._checks = checks
        self._keep_trace = keep_trace
        self._baseline = RecentMax(BASELINE_WINDOW_MS) if track.relative else None
        self._torso = RecentMax(BASELINE_WINDOW_MS) if track.relative else None
        self.reset()

    def reset(self) -> None:
        track = self.track
        d = track.direction
        self._start, self._exit, self._enter, self._depth = (d * track.start, d * track.exit, d * track.enter, d * track.depth)
        self.calibrated = False  # the person's own depth and enter levels are in use (`_calibrate`)
        self._smoother.reset()
        self._checks.reset()
        if self._baseline is not None:
            self._baseline.reset()
            self._torso.reset()
        self.phase = WAITING
        self.reps: list[Repetition] = []
        self.partials: list[Repetition] = []
        self._prev: tuple[float, float] | None = None  # (t, progress) of the last valid sample
        self.value = math.nan
        self.raw = math.nan
        self._began_active = False
        self._seen = False
        self._top, self._top_ms = math.inf, math.nan
        self._rep_start = self._rep_top = self._peak = self._peak_ms = math.nan
        self._enter_ms = self._left_enter_ms = math.nan
        self.trace: deque[tuple[float, float, float]] = deque(maxlen=MAX_TRACE)  # (t, raw, smoothed)

    def measure(self, kps, min_score: float, t: float) -> float:
        raw = self._signals.measure(self.track.signal, kps, t, min_score).value
        if self._baseline is not None:
            torso = geometry.torso_length(kps, min_score).value
            if not math.isnan(torso):
                self._torso.update(torso, t)
            if not math.isnan(raw):
                rest = self._baseline.update(raw, t)
                # no rest position seen yet (never hanging, no plank): nothing to measure against
                raw = raw / rest if rest > 0 and not rest < MIN_REST_TORSO * self._torso.value else math.nan
        return raw

    def update(self, kps, t: float, min_score: float, last_trunk_ms: float) -> tuple[Repetition | None, Repetition | None]:
        """One frame (`kps` None: nobody): (the repetition counted now, the one given up now)."""
        raw = math.nan
        if kps is None:
            self._checks.no_pose()
        else:
            raw = self.measure(kps, min_score, t)
            self._checks.frame(kps, t, min_score)
        new_rep = new_partial = None
        if self._prev is not None and t - self._prev[0] > self.max_gap_ms:
            # the signal has not been seen for a while: give up, unless the person's trunk (shoulders
            # and hips) is seen during a repetition (the signal's joints hidden by the body at the
            # bottom), up to max_active
            held = self.phase in (MOVING, ACTIVE) and t - last_trunk_ms <= self.max_gap_ms and t - self._prev[0] <= self.spec.max_active_ms
            if not held:
                new_partial = self._lose(f"lost the person for {t - self._prev[0]:.0f} ms")
        value = math.nan if math.isnan(raw) else self._smoother.update(raw, t)
        if not math.isnan(value):
            n_reps, n_partials = len(self.reps), len(self.partials)
            self._step(self.track.direction * value, t)
            new_rep = self.reps[-1] if len(self.reps) > n_reps else None
            new_partial = self.partials[-1] if len(self.partials) > n_partials else new_partial
            self.value = value
        self.raw = raw
        if self._keep_trace:
            self.trace.append((t, raw, value))
        return new_rep, new_partial

    def finish(self) -> Repetition | None:
        if self.phase == ACTIVE or (self.phase == MOVING and self._peak >= self._exit):
            where = f"in the '{self.spec.active_name}' phase" if self.phase == ACTIVE else "on the way"
            cut_off = self._cut_off()
            rep = self._partial(self._prev[0], f"{ENDED} {where}, before the return")
            if cut_off:
                rep = self.partials[-1] = dataclasses.replace(rep, cut_off=True)
            return rep
        return None

    def _cut_off(self) -> bool:
        """The repetition in progress at the end reached the far end of the movement with the range a
        counted one needs (from its top past `enter`, at least `enter - start`): only its return is
        missing. Not one the stream began in (`start_active`)."""
        top = self._rep_top if math.isfinite(self._rep_top) else self._start
        return self.phase == ACTIVE and not self._began_active and self._peak - top >= self._enter - self._start

    # --- the state machine --------------------------------------------------------------------
    def _cross(self, level: float, t: float, p: float) -> float:
        """When the signal passed `level` between the previous valid sample and this one."""
        if self._prev is None:
            return t
        t0, p0 = self._prev
        if p == p0:
            return t
        return t0 + (t - t0) * min(max((level - p0) / (p - p0), 0.0), 1.0)

    def _step(self, p: float, t: float) -> None:
        phase = self.phase
        if phase == WAITING:
            if p < self._exit:  # at the start position (or nearly: short of `start`, as in a push-up
                # never locked out), so the next repetition can begin from here
                self.phase, self._top, self._top_ms = (READY if p < self._start else RETURNING), p, t
            elif self.spec.start_active and not self.track.relative and not self._seen and p >= self._enter:
                self._begin(t, t, math.inf)
                self._enter_ms, self._began_active = t, True
                self.phase = ACTIVE
        elif phase in (READY, RETURNING):
            if p < self._top:
                self._top, self._top_ms = p, t
            if phase == READY and p >= self._start:
                self._begin(self._cross(self._start, t, p), t, self._top)
                self.phase = MOVING
            elif phase == RETURNING and p >= self._enter:
                self._begin(self._top_ms, t, self._top)
                self._enter_ms, self.phase = self._cross(self._enter, t, p), ACTIVE
            elif phase == RETURNING and p < self._start:
                self.phase = READY
        if self.phase == MOVING:
            self._track_peak(p, t)
            if p >= self._enter:
                self._enter_ms, self._left_enter_ms, self.phase = self._cross(self._enter, t, p), math.nan, ACTIVE
            elif p < self._start:
                if self._peak >= self._exit:
                    whose = ", this person's calibrated level" if self.calibrated else ""
                    level = self.track.level_text(round(self.track.direction * self._enter, 2))
                    self._partial(self._cross(self._start, t, p), f"did not reach {level} ({self.spec.active_name}{whose}) on the {self.track.signal.label}")
                self.phase, self._top, self._top_ms = READY, p, t
        if self.phase == ACTIVE and phase == ACTIVE:
            self._track_peak(p, t)
            if p >= self._enter:
                self._left_enter_ms = math.nan
                self._checks.note_active()
            elif math.isnan(self._left_enter_ms):
                self._left_enter_ms = self._cross(self._enter, t, p)
            if p < self._exit:
                self._complete(self._cross(self._exit, t, p), t)
                self.phase, self._top, self._top_ms = RETURNING, p, t
        elif self.phase == ACTIVE:  # entered at this frame
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
        d = self.track.direction
        reached_enter = self._peak >= self._enter
        left = self._left_enter_ms if not math.isnan(self._left_enter_ms) else end_ms
        hold = max(left - self._enter_ms, 0.0) if reached_enter else 0.0
        top = self._rep_top if math.isfinite(self._rep_top) else self._exit
        return Repetition(
            start_ms=self._rep_start, end_ms=end_ms, range_deg=self._peak - top, peak_deg=d * self._peak,
            peak_ms=self._peak_ms, hold_ms=hold, shallow=self._peak < self._depth, partial=partial, reason=reason,
            signal=self.label,
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
            reason = self._checks.verdict(t, spec.active_name, spec.rest_name, self.view())
        if reason:
            self.partials.append(dataclasses.replace(rep, partial=True, reason=reason))
        else:
            self.reps.append(rep)
            if self.track.relative and not self.calibrated and len(self.reps) == CALIBRATION_REPS:
                self._calibrate()

    def _calibrate(self) -> None:
        """The person's own levels, from their first counted repetitions (relative tracks): full depth
        is where they usually go, if that is short of the spec's depth (a view or a body that
        shows less travel), and a repetition must reach `CALIBRATED_ENTER` of their usual range,
        but `enter` moves at most half way towards `exit` (so a repetition that stops half way
        stays partial). Counted repetitions, and the reasons of partial ones, then use these levels."""
        d = self.track.direction
        usual = statistics.median(d * r.peak_deg for r in self.reps)
        rest = d * self.track.rest
        self._depth = min(self._depth, usual)
        self._enter = min(self._enter, max(self._exit + (self._enter - self._exit) / 2.0, rest + CALIBRATED_ENTER * (usual - rest)))
        self.calibrated = True

    def _partial(self, end_ms: float, reason: str) -> Repetition:
        rep = self._record(end_ms, True, reason)
        self.partials.append(rep)
        self.phase = WAITING
        return rep

    def _lose(self, reason: str) -> Repetition | None:
        """A long gap: a repetition in progress is given up; wait for the start position again."""
        lost = None
        if self.phase == ACTIVE or (self.phase == MOVING and self._peak >= self._exit):
            lost = self._partial(self._prev[0], reason)
        self.phase, self._prev = WAITING, None
        self._smoother.reset()
        return lost


def same_movement(a: Repetition, b: Repetition) -> bool:
    """Two records of one movement (on two signals): the deepest point of either lies within the
    other's span. Repetitions one after the other never do, however fast the set."""
    return a.start_ms <= b.peak_ms <= a.end_ms or b.start_ms <= a.peak_ms <= b.end_ms


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
        view: ViewTracker | None = None,
        signals: SignalCache | None = None,
        **spec_options,
    ) -> None:
        """`posture`, `view`: a `posture.Posture` and a `view.ViewTracker` shared by the counters
        of one person (the automatic mode measures them once per frame for all), and `signals` a
        `signals.SignalCache` (each signal measured once a frame); by default its own."""
        spec = get_exercise(exercise)
        self.spec = spec.with_options(**spec_options) if spec_options else spec
        self.min_score = float(min_score)
        self.max_gap_ms = float(max_gap_ms)
        signals = signals if signals is not None else SignalCache()
        measures = CheckMeasures(self.spec.checks, posture, signals)  # one for every signal: each frame measured once
        self._view = view if view is not None else ViewTracker()
        self._machines = [
            _Machine(self.spec, track, CheckTracker(self.spec.checks, self.max_gap_ms, measures=measures),
                     SignalSmoother(tau_ms=tau_ms, max_gap_ms=max_gap_ms, spike_deg=RELATIVE_SPIKE if track.relative else DEFAULT_SPIKE_DEG),
                     self.max_gap_ms, keep_trace, lambda: self._view.recent, signals)
            for track in self.spec.tracks
        ]
        self._keep_trace = keep_trace
        self.reset()

    # --- public state -------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything: the next frame starts a new set."""
        for m in self._machines:
            m.reset()
        self._reps: list[Repetition] = []
        self._by: list[int] = []  # the machine whose record each repetition is
        self._last_ms: float | None = None
        self._last_trunk_ms = -math.inf  # the last frame where the shoulders and hips were seen
        self._leader = self._machines[0]
        self._view.reset()

    @property
    def count(self) -> int:
        return len(self._reps)

    @property
    def repetitions(self) -> tuple[Repetition, ...]:
        return tuple(self._reps)

    @property
    def partial_repetitions(self) -> tuple[Repetition, ...]:
        """Repetitions no signal counted, with the reason (the first signal's, where several gave one
        up), in time order."""
        out: list[Repetition] = []
        for m in self._machines:
            for rep in m.partials:
                if any(same_movement(rep, r) for r in self._reps):
                    continue
                same = next((j for j, q in enumerate(out) if same_movement(rep, q)), None)
                if same is None:
                    out.append(rep)
                elif rep.cut_off and out[same].reason.startswith(ENDED) and not out[same].cut_off:
                    out[same] = rep  # both ended by the stream: the signal that saw the far end reached
        return tuple(sorted(out, key=lambda r: r.end_ms))

    @property
    def cut_off(self) -> int:
        """1 when the stream ended inside a repetition past its far end (`Repetition.cut_off`), else 0:
        `count + cut_off` is the number of repetitions begun, what labels of repetition starts count."""
        return cut_off_count(self.partial_repetitions)

    @property
    def phase(self) -> str:
        return self._leader.phase

    @property
    def value(self) -> float:
        """The leading signal, smoothed (degrees, or a share of the rest value), at the last frame it was seen."""
        return self._leader.value

    @property
    def signal(self) -> str:
        """The leading signal: the one that has counted the most repetitions (the first one until then)."""
        return self._leader.label

    @property
    def view(self) -> str:
        """The camera view seen in most frames: front (or back), side, angled ("" before any; `view`)."""
        return self._view.view

    @property
    def trace(self):
        """(t, raw, smoothed) of the leading signal."""
        return self._leader.trace

    @property
    def traces(self) -> dict[str, tuple]:
        """(t, raw, smoothed) of every signal, by label."""
        return {m.label: tuple(m.trace) for m in self._machines}

    @property
    def tracks(self) -> tuple[Track, ...]:
        return self.spec.tracks

    @property
    def leading_track(self) -> Track:
        return self._leader.track

    # --- one frame ----------------------------------------------------------------------------
    def update(self, pose, timestamp_ms: float) -> CounterState:
        t = self._check_time(timestamp_ms)
        kps = None if pose is None else pose_rows(pose)
        if kps is not None:
            if min(kps[5][2], kps[6][2], kps[11][2], kps[12][2]) >= self.min_score:
                self._last_trunk_ms = t
            self._view.update(kps, t, self.min_score)
        new_rep = new_partial = None
        for i, m in enumerate(self._machines):
            rep, partial = m.update(kps, t, self.min_score, self._last_trunk_ms)
            if rep is not None:
                same = next((j for j in range(len(self._reps) - 1, max(len(self._reps) - 4, -1), -1) if same_movement(rep, self._reps[j])), None)
                if same is None:
                    self._reps.append(rep)
                    self._by.append(i)
                    new_rep = rep
                elif self._rank(i) < self._rank(self._by[same]):  # a better description of a counted one
                    self._reps[same], self._by[same] = rep, i
                    self._lead()
            if partial is not None and new_partial is None and not any(same_movement(partial, r) for r in self._reps[-3:]):
                new_partial = partial
        if new_rep is not None:
            self._lead()
        m = self._leader
        value = m.value if not math.isnan(m.raw) else math.nan
        depth = math.nan if math.isnan(value) else m.track.depth_fraction(value)
        return CounterState(self.count, m.phase, value, m.raw, depth, new_rep, new_partial, self.spec.name, m.label)

    def _rank(self, i: int) -> tuple[bool, int]:
        """Which signal describes a repetition best: the first one trusted in the view seen."""
        return (not self._machines[i].track.trusted_in(self._view.recent), i)

    def _lead(self) -> None:
        counted = {m.label: 0 for m in self._machines}
        for r in self._reps:
            counted[r.signal] = counted.get(r.signal, 0) + 1
        self._leader = max(self._machines, key=lambda m: counted[m.label])  # ties: the first (max keeps it)

    def finish(self) -> Repetition | None:
        """End of the stream: a repetition in progress becomes a partial one (returned, when no
        signal counted that movement)."""
        ended = [rep for rep in (m.finish() for m in self._machines) if rep is not None and not any(same_movement(rep, r) for r in self._reps)]
        return next((rep for rep in ended if rep.cut_off), ended[0] if ended else None)

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
