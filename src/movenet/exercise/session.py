"""Exercise analysis of a whole stream, for every person: `analyse_exercise(...) -> ExerciseReport`.

The one entry point the CLI, the web app and batch jobs call. Frames come as `FramePoses` (from
`movenet.pipelines.video.stream_poses`) or `(timestamp_ms, poses)` pairs; nothing here runs a
model. `ExerciseSession` is the same frame by frame (`update(poses, t)`, `finish()`).

Who is counted:
- SinglePose gives one pose per frame (the person the detector's crop follows): one counter.
- MultiPose with tracking gives track ids: one counter and one range-of-motion per id
  (`person="all"`, the default); the report's top-level numbers are those of the *primary* person,
  the one seen in the most frames (ties: the larger mean box). `person=<id>` counts only that
  track id; `person="largest"` feeds one counter with the largest person of each frame (ids
  ignored: use it when tracking is off). People who leave keep their counts.
- Poses without ids but several per frame (MultiPose without tracking): the largest one.

`exercise="auto"` (`auto.AutoCounter`): no name needed; each person's exercise is the one their
repetitions are counted as (`PersonReport.exercise`), the report's is the primary person's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from movenet.analysis.per_person import SINGLE, PerPerson, TrackJoin, person_key, pose_extent
from movenet.errors import InvalidOptionError
from movenet.exercise.auto import AUTO, AutoCounter
from movenet.exercise.counter import RepCounter
from movenet.exercise.repetition import CounterState, Repetition, cut_off_count
from movenet.exercise.rom import JointRange, RangeOfMotion
from movenet.exercise.signals import pose_rows
from movenet.exercise.specs import ExerciseSpec, get_exercise
from movenet.types import Pose

MAX_PEOPLE = 64  # people counted at most (bounded memory); later new track ids are not counted
_COUNTER_OPTIONS = ("min_score", "tau_ms", "max_gap_ms")  # the rest are spec overrides


def pose_area(pose: Pose) -> float:
    """Area in pixels of the pose's extent (`per_person.pose_extent`: MultiPose box, else its
    keypoints scoring >= 0.2); 0 when it has none."""
    extent = pose_extent(pose)
    if extent is None:
        return 0.0
    x0, y0, x1, y1 = extent
    return max(x1 - x0, 0.0) * max(y1 - y0, 0.0)


@dataclass(frozen=True)
class PersonReport:
    id: int | None  # track id (None: SinglePose or the largest person)
    reps: int
    repetitions: tuple[Repetition, ...]
    partial_repetitions: tuple[Repetition, ...]
    range_of_motion: dict[str, JointRange]
    frames_seen: int
    mean_area: float
    trace: tuple[tuple[float, float, float], ...] = field(repr=False)  # (t, raw, smoothed) for plots
    exercise: str | None = None  # automatic mode: the exercise counted (None: nothing counted)
    counts: dict[str, int] | None = None  # automatic mode: every exercise's count
    signal: str = ""  # the signal that counted the most repetitions (the spec's first when none)
    view: str = ""  # the camera view seen in most frames (front, side, angled; "" never seen)
    traces: dict[str, tuple] = field(default_factory=dict, repr=False)  # every signal's (t, raw, smoothed), by label

    @property
    def cut_off(self) -> int:
        """1 when the stream ended inside a repetition past its far end (`Repetition.cut_off`)."""
        return cut_off_count(self.partial_repetitions)

    def to_dict(self) -> dict:
        auto = {} if self.counts is None else {"exercise": self.exercise, "counts": self.counts}
        return {
            **auto,
            "id": self.id,
            "reps": self.reps,
            "signal": self.signal,
            "view": self.view,
            "partial_reps": len(self.partial_repetitions),
            "cut_off_reps": self.cut_off,
            "repetitions": [r.to_dict() for r in self.repetitions],
            "partial_repetitions": [r.to_dict() for r in self.partial_repetitions],
            "range_of_motion": {k: v.to_dict() for k, v in self.range_of_motion.items()},
            "frames_seen": self.frames_seen,
        }


@dataclass(frozen=True)
class ExerciseReport:
    exercise: str  # automatic mode: the primary person's exercise, or "auto" when none was counted
    spec: ExerciseSpec | None = field(repr=False)  # None: automatic mode, nothing counted
    people: tuple[PersonReport, ...]
    primary: PersonReport | None  # whose numbers the top level gives
    frames: int
    duration_ms: float
    note: str  # e.g. "nobody was seen in 120 frames"

    @property
    def reps(self) -> int:
        return self.primary.reps if self.primary else 0

    @property
    def cut_off(self) -> int:
        """1 when the recording ended inside a repetition of the primary person past its far end:
        `reps + cut_off` repetitions were begun (`Repetition.cut_off`)."""
        return self.primary.cut_off if self.primary else 0

    @property
    def signal_used(self) -> str:
        """The primary person's counting signal: the one that counted the most repetitions."""
        return self.primary.signal if self.primary else ""

    @property
    def view(self) -> str:
        """The camera view of the primary person: front (or back), side, angled ("" unseen)."""
        return self.primary.view if self.primary else ""

    def to_dict(self) -> dict:
        p = self.primary
        out = {
            "exercise": self.exercise,
            "signal": (p.signal if p and p.signal else self.spec.signal.label) if self.spec else None,
            "signals": [t.label for t in self.spec.tracks] if self.spec else [],
            "view": self.view,
            "counted_when": self.spec.counted_when if self.spec else None,
            "reps": p.reps if p else 0,
            "partial_reps": len(p.partial_repetitions) if p else 0,
            "cut_off_reps": self.cut_off,
            "repetitions": [r.to_dict() for r in p.repetitions] if p else [],
            "partial_repetitions": [r.to_dict() for r in p.partial_repetitions] if p else [],
            "range_of_motion": {k: v.to_dict() for k, v in p.range_of_motion.items()} if p else {},
            "person": p.id if p else None,
            "frames": self.frames,
            "duration_ms": round(self.duration_ms, 1),
            "note": self.note,
        }
        if p is not None and p.counts is not None:
            out["auto"] = {"counts": p.counts}
        if len(self.people) > 1 or (p is not None and p.id not in (None, SINGLE)):
            out["people"] = [q.to_dict() for q in self.people]
        return out


class _Person:
    def __init__(self, spec: ExerciseSpec | None, options: dict, keep_trace: bool = True) -> None:
        self.counter = (
            AutoCounter(keep_trace=keep_trace, **options) if spec is None else RepCounter(spec, keep_trace=keep_trace, **options)
        )
        self.rom = RangeOfMotion(**options)
        self.frames = 0
        self.area_sum = 0.0

    def update(self, pose: Pose | None, t: float) -> CounterState:
        rows = None
        if pose is not None:
            self.frames += 1
            self.area_sum += pose_area(pose)
            rows = pose_rows(pose)  # once for the counter and the range of motion
        self.rom.update(rows, t)
        return self.counter.update(rows, t)

    def report(self, key: int | None) -> PersonReport:
        c = self.counter
        return PersonReport(
            id=key, reps=c.count, repetitions=c.repetitions, partial_repetitions=c.partial_repetitions,
            range_of_motion=self.rom.result(), frames_seen=self.frames,
            mean_area=self.area_sum / self.frames if self.frames else 0.0, trace=tuple(c.trace),
            **({"exercise": c.exercise, "counts": c.counts} if isinstance(c, AutoCounter) else {}),
            signal=c.signal, view=c.view, traces=c.traces,
        )


class ExerciseSession:
    """Counters for every person of a stream: `update(poses, timestamp_ms)` per frame.
    `exercise`: a registry name, an `ExerciseSpec`, or "auto" (then `spec` is None)."""

    def __init__(self, exercise: str | ExerciseSpec, *, person: str | int = "all", keep_trace: bool = True, **options) -> None:
        """`keep_trace=False`: the counters keep no signal trace (the reports' plots), for long live
        sessions (the web app); the counts are the same."""
        spec_options = {k: v for k, v in options.items() if k not in _COUNTER_OPTIONS}
        if isinstance(exercise, str) and exercise.strip().lower() == AUTO:
            if spec_options:
                raise InvalidOptionError(f"exercise options ({', '.join(sorted(spec_options))}) need a named exercise, not {AUTO!r}")
            self.spec = None
        else:
            self.spec = get_exercise(exercise).with_options(**spec_options) if spec_options else get_exercise(exercise)
        if not (person in ("all", "largest") or (isinstance(person, int) and not isinstance(person, bool))):
            raise InvalidOptionError(f"person must be 'all', 'largest' or a track id (int), got {person!r}")
        self.person = person
        self.keep_trace = keep_trace
        self._options = {k: v for k, v in options.items() if k in _COUNTER_OPTIONS}
        self.reset()

    def reset(self) -> None:
        self._people: PerPerson[_Person] = PerPerson(lambda: _Person(self.spec, self._options, self.keep_trace))
        self._join = TrackJoin()  # a person the tracker lost for a moment keeps their count
        self._frames = 0
        self._ignored: set[int] = set()
        self._first_ms = self._last_ms = math.nan

    def _select(self, poses: Sequence[Pose], t: float) -> dict[int | None, Pose]:
        if not poses:
            return {}
        if self.person == "largest" or all(p.id is None for p in poses):
            return {SINGLE: max(poses, key=pose_area)}
        chosen = self._join.update({person_key(p): p for p in poses}, t)
        if self.person != "all":
            return {k: p for k, p in chosen.items() if k == self.person}
        return chosen

    def update(self, poses: Sequence[Pose], timestamp_ms: float) -> dict[int, CounterState]:
        """Feed one frame's poses; returns each known person's counter state (None: not seen)."""
        t = float(timestamp_ms)
        self._frames += 1
        if math.isnan(self._first_ms):
            self._first_ms = t
        self._last_ms = t
        seen = self._select(list(poses), t)
        for key in [k for k in seen if k not in self._people and len(self._people) >= MAX_PEOPLE]:
            self._ignored.add(key)
            del seen[key]
        states = {}
        for key in set(seen) | {k for k, _ in self._people.items()}:
            states[key] = self._people.get(key, t).update(seen.get(key), t)
        return states

    def counters(self) -> dict[int, RepCounter]:
        """Each known person's live counter (its count, partial repetitions, last repetition), by
        the keys of `update`'s states (track id; SINGLE for SinglePose): for live displays."""
        return {key: person.counter for key, person in self._people.items()}

    def finish(self) -> ExerciseReport:
        people = []
        for key, person in self._people.items():
            person.counter.finish()
            people.append(person.report(None if key == SINGLE else key))
        primary = max(people, key=lambda p: (p.frames_seen, p.mean_area), default=None)
        if primary is not None and primary.frames_seen == 0:
            primary = None
        duration = 0.0 if math.isnan(self._first_ms) else self._last_ms - self._first_ms
        if primary is None:
            note = f"nobody was seen in {self._frames} frames" if self._frames else "no frames"
        elif len(people) > 1:
            note = f"{len(people)} people; the top-level numbers are person {primary.id}'s (seen in the most frames)"
        else:
            note = ""
        if self._ignored:
            note += f"; {len(self._ignored)} more people were not counted (at most {MAX_PEOPLE})"
        spec = self.spec
        if spec is None:  # automatic mode: the primary person's exercise
            spec = get_exercise(primary.exercise) if primary is not None and primary.exercise else None
            if spec is None and primary is not None:
                note = "; ".join(x for x in (note, "no exercise was recognised: nothing was counted") if x)
        return ExerciseReport(spec.name if spec else AUTO, spec, tuple(people), primary, self._frames, duration, note)


def analyse_exercise(frames: Iterable, exercise: str | ExerciseSpec, *, person: str | int = "all", **options) -> ExerciseReport:
    """Count `exercise` (a name, a spec, or "auto") over `frames`: FramePoses, or (timestamp_ms,
    poses) pairs. `options`: the counter's (min_score, tau_ms, max_gap_ms) and spec overrides
    (e.g. enter_deg=110; not with "auto")."""
    session = ExerciseSession(exercise, person=person, **options)
    for item in frames:
        if hasattr(item, "frame") and hasattr(item, "poses"):
            session.update(item.poses, item.frame.timestamp_ms)
        else:
            t, poses = item
            session.update(poses, t)
    return session.finish()
