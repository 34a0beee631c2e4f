"""A home-exercise programme, as a therapist prescribes it: frozen types, built by `load`.

    Programme(name, notes, author, items)
      ExerciseItem: a counted exercise of the registry (`movenet.exercise`), sets x reps (or a
                    timed set), rest, tempo, hold, side, target range of motion per joint, notes
      TestItem:     a standard test (`standard_tests.TESTS`), per side where it has sides
    Programme.steps(): the programme set by set (`Step`), as the session runner walks it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

SIDES = ("both", "left", "right", "each")  # each: every set once per side, left first


@dataclass(frozen=True)
class Tempo:
    """Seconds going down (to the far end), held there, and coming back: "3-1-2"."""

    down_s: float
    hold_s: float
    up_s: float

    @property
    def total_s(self) -> float:
        return self.down_s + self.hold_s + self.up_s

    def __str__(self) -> str:
        return "-".join(f"{v:g}" for v in (self.down_s, self.hold_s, self.up_s))


@dataclass(frozen=True)
class RomTarget:
    """The angle a joint measure (`movenet.exercise.MEASURES`: left_knee, trunk, ...) should
    reach in a set: at most / at least a number of degrees (the interior angle: 180 straight),
    and/or move through at least `range_deg`."""

    measure: str
    at_most: float | None = None
    at_least: float | None = None
    range_deg: float | None = None

    @property
    def side(self) -> str | None:
        return self.measure.split("_", 1)[0] if self.measure.startswith(("left_", "right_")) else None

    def describe(self) -> str:
        parts = []
        if self.at_most is not None:
            parts.append(f"<= {self.at_most:g} deg")
        if self.at_least is not None:
            parts.append(f">= {self.at_least:g} deg")
        if self.range_deg is not None:
            parts.append(f"range >= {self.range_deg:g} deg")
        return f"{self.measure} " + ", ".join(parts)

    def to_dict(self) -> dict:
        return {k: v for k, v in (("at_most", self.at_most), ("at_least", self.at_least), ("range_deg", self.range_deg)) if v is not None}


@dataclass(frozen=True)
class ExerciseItem:
    exercise: str  # a registry name (movenet.exercise.list_exercises())
    label: str
    sets: int
    reps: int | None  # None: a timed set (time_s)
    time_s: float | None
    rest_s: float
    tempo: Tempo | None
    hold_s: float
    side: str
    target_rom: tuple[RomTarget, ...]
    options: dict = field(default_factory=dict, hash=False)  # spec overrides (enter_deg=110, ...)
    notes: str = ""
    kind: str = "exercise"

    @property
    def name(self) -> str:
        return self.exercise

    def targets_for(self, side: str | None) -> tuple[RomTarget, ...]:
        return tuple(t for t in self.target_rom if side is None or t.side in (None, side))

    def session_options(self) -> dict:
        """What `ExerciseSession(exercise, **options)` is given: the spec overrides and the hold."""
        opts = dict(self.options)
        if self.hold_s > 0:
            opts["min_hold_ms"] = self.hold_s * 1000.0
        return opts

    def to_dict(self) -> dict:
        out = {"exercise": self.exercise, "label": self.label, "sets": self.sets, "reps": self.reps,
               "time_s": self.time_s, "rest_s": self.rest_s, "tempo": None if self.tempo is None else str(self.tempo),
               "hold_s": self.hold_s, "side": self.side, "target_rom": {t.measure: t.to_dict() for t in self.target_rom},
               "options": dict(self.options), "notes": self.notes}
        return {k: v for k, v in out.items() if v not in (None, {}, "")}


@dataclass(frozen=True)
class TestItem:
    __test__ = False  # not a pytest class
    test: str  # a standard test (standard_tests.TESTS)
    label: str
    side: str
    trials: int
    rest_s: float
    time_s: float | None  # single-leg stance: stop at; sway: the window
    notes: str = ""
    kind: str = "test"
    sets = 1

    @property
    def name(self) -> str:
        return self.test

    def to_dict(self) -> dict:
        out = {"test": self.test, "label": self.label, "side": self.side, "trials": self.trials,
               "rest_s": self.rest_s, "time_s": self.time_s, "notes": self.notes}
        return {k: v for k, v in out.items() if v not in (None, "")}


Item = ExerciseItem | TestItem


@dataclass(frozen=True)
class Step:
    """One set (or one trial of a test) of the programme, as the runner walks it."""

    index: int  # 0-based, in the programme's order
    item_index: int
    item: Item
    set_no: int  # 1-based set (or trial) number
    sets: int
    side: str | None  # left / right for a one-sided step, None for both sides
    rest_after_s: float  # 0 after the last step

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def target_reps(self) -> int | None:
        return self.item.reps if isinstance(self.item, ExerciseItem) else None

    def title(self) -> str:
        side = f" ({self.side})" if self.side else ""
        what = "set" if self.kind == "exercise" else "trial"
        of = f", {what} {self.set_no}/{self.sets}" if self.sets > 1 else ""
        return f"{self.item.label}{side}{of}"


@dataclass(frozen=True)
class Programme:
    name: str
    items: tuple[Item, ...]
    notes: str = ""
    author: str = ""
    source: str = ""  # the file it was read from (not part of its identity)

    def steps(self) -> tuple[Step, ...]:
        raw = []
        for i, item in enumerate(self.items):
            reps = item.sets if isinstance(item, ExerciseItem) else item.trials
            sides = ["left", "right"] if item.side == "each" else [None if item.side == "both" else item.side]
            for n in range(1, reps + 1):
                for side in sides:
                    raw.append((i, item, n, reps, side))
        steps = []
        for k, (i, item, n, reps, side) in enumerate(raw):
            rest = item.rest_s if k < len(raw) - 1 else 0.0
            steps.append(Step(k, i, item, n, reps, side, rest))
        return tuple(steps)

    def to_dict(self) -> dict:
        out = {"name": self.name, "notes": self.notes, "author": self.author}
        return {"programme": {k: v for k, v in out.items() if v}, "item": [item.to_dict() for item in self.items]}

    @property
    def digest(self) -> str:
        """A short hash of the prescription (the same programme, the same digest)."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def planned(self) -> dict[str, int]:
        """Steps and repetitions planned (the adherence's denominators)."""
        steps = self.steps()
        return {"sets": sum(1 for s in steps if s.kind == "exercise"), "tests": sum(1 for s in steps if s.kind == "test"),
                "reps": sum(s.target_reps or 0 for s in steps)}
