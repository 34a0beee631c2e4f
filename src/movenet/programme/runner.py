"""`SessionRunner`: a programme walked set by set over a stream of poses. The one state machine
behind `movenet session run` (camera or video) and the web app's patient page.

    runner = SessionRunner(programme, patient="P001")
    for frame in stream:
        state = runner.update(frame.poses, frame.timestamp_ms)   # live count, phase, cue
    runner.next(t) / pause(t) / resume(t) / redo(t) / skip(t) / stop(t)   # the patient's buttons
    result = runner.finish()                                  # SessionResult: every set's results

Phases: ready -> active (a set, or a test trial) -> rest (the prescribed rest, a countdown) ->
active -> ... -> done; paused stops the clocks (poses are ignored). A set ends when its target
repetitions are counted (or its time_s is up, or the patient presses next); a test trial when the
test is over (30 s after the first rise, the fifth stand, the end of the stance, the sway window)
or after `standard_tests.GIVE_UP_S` without starting. With `advance="stream"` a set never ends on
its own: each step is one recorded clip, ended by `next()` (the command's one video per set).

Counting is the exercise layer's: each set has its own `ExerciseSession` (the code of `movenet
exercise`), so a set's `report` is exactly what `movenet exercise --json` gives on its frames;
the tests use `movenet.exercise.chair` / `balance`. Nothing is counted here.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections import Counter
from dataclasses import dataclass

from movenet.exercise import ExerciseSession
from movenet.exercise.session import pose_area
from movenet.programme.model import ExerciseItem, Programme, Step
from movenet.programme.results import DONE, NOT_DONE, SKIPPED, STOPPED, RomCheck, SessionResult, SetResult
from movenet.programme.standard_tests import GIVE_UP_S, make_trial

READY, ACTIVE, REST, PAUSED, FINISHED = "ready", "active", "rest", "paused", "done"
ADVANCES = ("target", "stream")
# A repetition faster than this share of the prescribed tempo's total is "faster than the tempo".
# 0.7: a 2-1-2 tempo (5 s) tolerates 3.5 s; our repetition times run from `start` to `exit`, a
# little short of the full movement (the first and last ~10-15 degrees are outside them).
TEMPO_TOLERANCE = 0.7
MAX_TRACK_FRAMES = 30 * 60 * 10  # keypoint tracks kept per set at most (10 minutes at 30 fps)


@dataclass(frozen=True)
class RunnerState:
    """What a live display shows after a frame or a button."""

    phase: str
    step: int  # 0-based; == steps when done
    steps: int
    title: str  # "Squat to a chair, set 2/3"
    kind: str  # exercise / test / ""
    count: int
    target: int | None
    partial: int
    remaining_s: float | None  # rest countdown, or the time left of a timed set / test
    cue: str  # what to tell the patient now
    notes: str  # the item's notes
    event: str | None = None  # rep / partial / set done / step begins / rest / done
    angle: float | None = None
    depth: float | None = None
    status: str = ""  # a test's live status ("stands: 4, 12 s left")

    def to_dict(self) -> dict:
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in self.__dict__.items()}


def _now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


class _ActiveStep:
    """The set or trial in progress."""

    def __init__(self, step: Step, keep_tracks: bool) -> None:
        self.step = step
        self.start_ms: float | None = None
        self.last_ms: float | None = None
        self.paused_ms = 0.0
        item = step.item
        self.session = ExerciseSession(item.exercise, **item.session_options()) if isinstance(item, ExerciseItem) else None
        self.trial = None if self.session is not None else make_trial(item.test, item.time_s)
        self.tracks: list | None = [] if keep_tracks else None
        self.count = self.partial = 0
        self.angle = self.depth = math.nan
        self.status = ""

    def elapsed_s(self, t: float) -> float:
        return 0.0 if self.start_ms is None else (t - self.start_ms - self.paused_ms) / 1000.0

    def update(self, poses, t: float) -> str | None:
        if self.start_ms is None:
            self.start_ms = t
        self.last_ms = t
        if self.tracks is not None and len(self.tracks) < MAX_TRACK_FRAMES:
            self.tracks.append({"t": round(t, 1), "poses": [p.to_dict() for p in poses]})
        event = None
        if self.session is not None:
            states = self.session.update(poses, t)
            if states:
                key, best = max(states.items(), key=lambda kv: (kv[1].count, not math.isnan(kv[1].value)))
                if best.new_repetition is not None:
                    event = "rep"
                elif any(s.new_partial is not None for s in states.values()):
                    event = "partial"
                self.count, self.angle, self.depth = best.count, best.value, best.depth
                counters = self.session.counters()
                self.partial = len(counters[key].partial_repetitions) if key in counters else 0
        else:
            pose = max(poses, key=pose_area) if poses else None
            self.status = self.trial.update(pose, t)
        return event

    def last_repetition(self):
        if self.session is None:
            return None, None
        reps = [(r, False) for c in self.session.counters().values() for r in c.repetitions]
        reps += [(r, True) for c in self.session.counters().values() for r in c.partial_repetitions]
        return max(reps, key=lambda x: x[0].end_ms, default=(None, None))

    def finished(self, t: float, advance: str) -> bool:
        item = self.step.item
        if advance == "stream":
            return False
        if self.session is not None:
            if item.reps is not None and self.count >= item.reps:
                return True
            return item.time_s is not None and self.elapsed_s(t) >= item.time_s
        if self.trial.done(t):
            return True
        return self.elapsed_s(t) >= GIVE_UP_S and _not_started(self.trial)

    def close(self, status: str) -> SetResult:
        step, item = self.step, self.step.item
        common = dict(step_index=step.index, item_index=step.item_index, kind=step.kind, name=item.name, label=item.label,
                      set_no=step.set_no, side=step.side, start_ms=self.start_ms, end_ms=self.last_ms, tracks=self.tracks)
        if self.trial is not None:
            result = self.trial.result(step.side)
            if result.value is None and status == DONE:
                status = STOPPED
            return SetResult(status=status, test=result, warnings=(result.note,) if result.note else (), **common)
        report = self.session.finish()
        person = report.primary
        reps = person.repetitions if person else ()
        partials = person.partial_repetitions if person else ()
        rom = person.range_of_motion if person else {}
        checks = tuple(_check(t, rom.get(t.measure)) for t in item.targets_for(step.side))
        if status == DONE and item.reps is not None and len(reps) < item.reps:
            status = STOPPED
        warnings = _warnings(item, report, reps, partials, checks)
        return SetResult(status=status, target_reps=item.reps, reps=len(reps), partial_reps=len(partials),
                         holds_ms=tuple(r.hold_ms for r in reps), rom_checks=checks, warnings=tuple(warnings),
                         report=report.to_dict(), **common)


def _not_started(trial) -> bool:
    test = getattr(trial, "test", None)
    if hasattr(test, "clock_ms"):
        return test.clock_ms is None
    if hasattr(test, "stances"):
        return not test.stances and test.stance_start_ms is None
    return getattr(trial, "meter", None) is None


def _check(target, joint) -> RomCheck:
    if joint is None:
        return RomCheck(target.measure, None, None, target.at_most, target.at_least, target.range_deg, False)
    met = ((target.at_most is None or joint.min_deg <= target.at_most)
           and (target.at_least is None or joint.max_deg >= target.at_least)
           and (target.range_deg is None or joint.range_deg >= target.range_deg))
    return RomCheck(target.measure, joint.min_deg, joint.max_deg, target.at_most, target.at_least, target.range_deg, met)


def _warnings(item: ExerciseItem, report, reps, partials, checks) -> list[str]:
    out = []
    if item.reps is not None and len(reps) < item.reps:
        out.append(f"{len(reps)} of {item.reps} repetitions")
    shallow = sum(1 for r in reps if r.shallow)
    if shallow and report.spec is not None:
        out.append(f"{shallow} of {len(reps)} repetitions short of full depth ({report.spec.depth_deg:g} deg, {report.spec.signal.label})")
    for reason, n in Counter(p.reason for p in partials).items():
        out.append(f"{n} not counted: {reason}")
    if item.tempo is not None and reps:
        fast = [r for r in reps if r.duration_ms < TEMPO_TOLERANCE * item.tempo.total_s * 1000.0]
        if fast:
            mean = sum(r.duration_ms for r in fast) / len(fast) / 1000.0
            out.append(f"{len(fast)} of {len(reps)} repetitions faster than the tempo {item.tempo} ({item.tempo.total_s:g} s): {mean:.1f} s on average")
    out += [f"range of motion: {c.describe()}" for c in checks if not c.met]
    return out


class SessionRunner:
    def __init__(self, programme: Programme, *, patient: str = "", source: str = "", keep_tracks: bool = False,
                 advance: str = "target", model: str = "", autostart: bool = True) -> None:
        """`autostart`: the first frame starts the programme (a video, the terminal); False: frames
        are ignored until `start()` (the web page's Start button)."""
        if advance not in ADVANCES:
            raise ValueError(f"advance must be one of {ADVANCES}, got {advance!r}")
        self.programme = programme
        self.steps = programme.steps()
        self.patient, self.source, self.model = patient, source, model
        self.keep_tracks = keep_tracks
        self.advance = advance
        self.autostart = autostart
        self.reset()

    def reset(self) -> None:
        self.phase = READY
        self._index = 0
        self._active: _ActiveStep | None = None
        self._results: dict[int, SetResult] = {}
        self._rest_end: float | None = None
        self._paused_at: float | None = None
        self._resume_phase = READY
        self._last_t: float | None = None
        self._event: str | None = None
        self._cue = self._intro()
        self.started_at = _now_iso()

    # --- buttons ------------------------------------------------------------------------------
    def start(self, t: float | None = None) -> RunnerState:
        if self.phase == READY:
            self.started_at = _now_iso()
            self._begin(0, t)
        return self.state(t)

    def next(self, t: float | None = None) -> RunnerState:
        """End the set now (counted as done if its target was reached) or end the rest early."""
        t = self._t(t)
        if self.phase == READY:
            return self.start(t)
        if self.phase == ACTIVE:
            self._close(DONE, t)
        elif self.phase == REST:
            self._begin(self._index, t)
        return self.state(t)

    def skip(self, t: float | None = None) -> RunnerState:
        t = self._t(t)
        if self.phase == ACTIVE:
            self._close(SKIPPED, t)
        return self.state(t)

    def redo(self, t: float | None = None) -> RunnerState:
        """Start the current set again (during a rest: the set just finished)."""
        t = self._t(t)
        if self.phase == PAUSED:
            self.resume(t)
        if self.phase == ACTIVE:
            self._begin(self._index, t)
        elif self.phase in (REST, FINISHED) and self._index > 0:
            self._results.pop(self._index - 1, None)
            self._begin(self._index - 1, t)
        self._event = "redo"
        return self.state(t)

    def pause(self, t: float | None = None) -> RunnerState:
        t = self._t(t)
        if self.phase in (ACTIVE, REST):
            self._resume_phase, self.phase, self._paused_at = self.phase, PAUSED, t
            self._cue, self._event = "Paused", "paused"
        return self.state(t)

    def resume(self, t: float | None = None) -> RunnerState:
        t = self._t(t)
        if self.phase == PAUSED:
            gap = max(t - (self._paused_at if self._paused_at is not None else t), 0.0)
            if self._rest_end is not None:
                self._rest_end += gap
            if self._active is not None and self._active.start_ms is not None:
                self._active.paused_ms += gap
            self.phase, self._paused_at, self._event = self._resume_phase, None, "resumed"
            self._cue = self._step_cue()
        return self.state(t)

    def stop(self, t: float | None = None) -> RunnerState:
        t = self._t(t)
        if self.phase == PAUSED:
            self.phase = self._resume_phase
        if self.phase == ACTIVE:
            self._close(STOPPED, t, advance=False)
        self.phase, self._event = FINISHED, "done"
        self._cue = self._summary()
        return self.state(t)

    # --- frames -------------------------------------------------------------------------------
    def update(self, poses, timestamp_ms: float) -> RunnerState:
        t = float(timestamp_ms)
        self._event = None
        if self.phase == READY:
            if not self.autostart:
                self._last_t = t
                return self.state(t)
            self._begin(0, t)
        if self.phase == REST and self._rest_end is not None and t >= self._rest_end:
            self._begin(self._index, t)
        if self.phase == ACTIVE:
            if self._active.last_ms is not None and t <= self._active.last_ms:
                return self.state(t)  # a frame out of order (a restarted clip): not analysed
            self._event = self._active.update(list(poses), t)
            if self._event == "rep":
                self._cue = self._rep_cue()
            elif self._event == "partial":
                rep, _ = self._active.last_repetition()
                self._cue = f"Not counted: {rep.reason}" if rep is not None else self._cue
            if self._active.finished(t, self.advance):
                self._close(DONE, t)
        self._last_t = t
        return self.state(t)

    def finish(self, t: float | None = None) -> SessionResult:
        """End the session (a set in progress is stopped) and return every step's result."""
        if self.phase != FINISHED:
            self.stop(t)
        sets = []
        for step in self.steps:
            if step.index in self._results:
                sets.append(self._results[step.index])
            else:
                sets.append(SetResult(step.index, step.item_index, step.kind, step.item.name, step.item.label, step.set_no,
                                      step.side, NOT_DONE, None, None, target_reps=step.target_reps))
        planned = self.programme.planned()
        completed = all(s.status in (DONE,) for s in sets)
        return SessionResult(self.patient, self.programme.name, self.programme.digest, self.started_at, _now_iso(),
                             self.source, "completed" if completed else "stopped", tuple(sets), planned["sets"],
                             planned["reps"], self.model)

    @property
    def results(self) -> tuple[SetResult, ...]:
        return tuple(self._results[k] for k in sorted(self._results))

    # --- inside -------------------------------------------------------------------------------
    def _t(self, t: float | None) -> float:
        if t is not None:
            return float(t)
        return self._last_t if self._last_t is not None else 0.0

    def _begin(self, index: int, t: float | None) -> None:
        if index >= len(self.steps):
            self.phase, self._active, self._event = FINISHED, None, "done"
            self._cue = self._summary()
            return
        self._index, self.phase, self._rest_end = index, ACTIVE, None
        self._active = _ActiveStep(self.steps[index], self.keep_tracks)
        if t is not None and self.advance == "target":
            self._active.start_ms = t
        self._event = "step"
        self._cue = self._step_cue()

    def _close(self, status: str, t: float, advance: bool = True) -> None:
        step = self.steps[self._index]
        result = self._active.close(status)
        self._results[step.index] = result
        self._active = None
        self._event = "set done"
        if not advance:
            return
        self._index += 1
        if self._index >= len(self.steps):
            self._begin(self._index, t)
            return
        self.phase = REST
        self._rest_end = t + step.rest_after_s * 1000.0
        nxt = self.steps[self._index]
        done = f"{result.reps} repetitions" if result.kind == "exercise" else _test_words(result)
        self._cue = f"{done}. Rest {step.rest_after_s:.0f} s. Next: {nxt.title()}"

    def _intro(self) -> str:
        p = self.programme
        return f"{p.name}: {len(self.steps)} steps. " + (p.notes or "Press start when you are ready.")

    def _step_cue(self) -> str:
        step = self.steps[self._index]
        item = step.item
        if item.kind == "exercise":
            what = f"{item.reps} repetitions" if item.reps is not None else f"{item.time_s:g} s"
            tempo = f", tempo {item.tempo} (down-hold-up s)" if item.tempo is not None else ""
            hold = f", hold {item.hold_s:g} s" if item.hold_s else ""
            text = f"{step.title()}: {what}{tempo}{hold}"
        else:
            from movenet.programme.standard_tests import TESTS

            text = f"{step.title()}: {TESTS[item.test].instructions}"
        return text + (f" {item.notes}" if item.notes else "")

    def _rep_cue(self) -> str:
        a = self._active
        item = a.step.item
        rep, _ = a.last_repetition()
        target = f"/{item.reps}" if item.reps else ""
        cue = f"{a.count}{target}"
        if rep is not None and item.tempo is not None and rep.duration_ms < TEMPO_TOLERANCE * item.tempo.total_s * 1000.0:
            cue += f": slower, {item.tempo.down_s:g} s down and {item.tempo.up_s:g} s up"
        elif rep is not None and rep.shallow:
            cue += ": a little deeper if you can"
        return cue

    def _summary(self) -> str:
        done = [r for r in self._results.values() if r.kind == "exercise"]
        reps = sum(r.reps for r in done)
        planned = self.programme.planned()["reps"]
        return f"Session over: {reps} of {planned} repetitions, {len(self._results)} of {len(self.steps)} steps."

    def state(self, t: float | None = None) -> RunnerState:
        t = self._t(t)
        n = len(self.steps)
        if self.phase == FINISHED or self._index >= n:
            return RunnerState(FINISHED, n, n, "", "", 0, None, 0, None, self._cue, "", self._event)
        step = self.steps[self._index]
        a = self._active
        remaining = None
        phase = self.phase if self.phase != PAUSED else PAUSED
        if self.phase == REST or (self.phase == PAUSED and self._resume_phase == REST):
            ref = self._paused_at if self.phase == PAUSED else t
            remaining = max((self._rest_end - ref) / 1000.0, 0.0) if self._rest_end is not None else None
        elif a is not None and step.kind == "exercise" and step.item.time_s is not None:
            remaining = max(step.item.time_s - a.elapsed_s(t), 0.0)
        return RunnerState(
            phase, self._index, n, step.title(), step.kind, a.count if a else 0, step.target_reps, a.partial if a else 0,
            remaining, self._cue, step.item.notes, self._event,
            None if a is None or math.isnan(a.angle) else round(a.angle, 1),
            None if a is None or math.isnan(a.depth) else round(a.depth, 3), a.status if a else "",
        )


def _test_words(result: SetResult) -> str:
    r = result.test
    if r is None or r.value is None:
        return "Test not completed"
    return f"{result.label}: {r.value:.1f} {r.unit}" if r.unit != "stands" else f"{result.label}: {r.value:.0f} stands"
