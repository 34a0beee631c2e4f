"""What a session leaves: per set (or test trial) a `SetResult`, per session a `SessionResult`.
Frozen, with `to_dict()` (the JSON the database keeps and `movenet session run --json` writes)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

DONE, STOPPED, SKIPPED, NOT_DONE = "done", "stopped", "skipped", "not done"


def _r(x: float | None, digits: int = 1) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), digits)


@dataclass(frozen=True)
class RomCheck:
    """A joint's range in a set against the programme's target for it."""

    measure: str
    min_deg: float | None  # None: the joint was never seen
    max_deg: float | None
    at_most: float | None
    at_least: float | None
    range_target: float | None
    met: bool

    @property
    def range_deg(self) -> float | None:
        return None if self.min_deg is None else self.max_deg - self.min_deg

    def describe(self) -> str:
        if self.min_deg is None:
            return f"{self.measure}: not seen"
        parts = []
        if self.at_most is not None:
            parts.append(f"reached {self.min_deg:.0f} deg, target <= {self.at_most:g}")
        if self.at_least is not None:
            parts.append(f"reached {self.max_deg:.0f} deg, target >= {self.at_least:g}")
        if self.range_target is not None:
            parts.append(f"moved {self.range_deg:.0f} deg, target >= {self.range_target:g}")
        return f"{self.measure}: " + "; ".join(parts)

    def to_dict(self) -> dict:
        return {"measure": self.measure, "min_deg": _r(self.min_deg), "max_deg": _r(self.max_deg),
                "range_deg": _r(self.range_deg), "at_most": self.at_most, "at_least": self.at_least,
                "range_target": self.range_target, "met": self.met}


@dataclass(frozen=True)
class TestResult:
    __test__ = False  # not a pytest class
    """A standard test's outcome: its headline number (`value`, `unit`) and the details."""

    test: str
    side: str | None
    value: float | None  # None: not completed (e.g. fewer than five stands)
    unit: str
    detail: dict = field(default_factory=dict, hash=False)
    note: str = ""

    def to_dict(self) -> dict:
        return {"test": self.test, "side": self.side, "value": _r(self.value, 2), "unit": self.unit,
                "detail": self.detail, "note": self.note}


@dataclass(frozen=True)
class SetResult:
    step_index: int
    item_index: int
    kind: str  # exercise / test
    name: str  # the exercise or test
    label: str
    set_no: int
    side: str | None
    status: str  # done, stopped (ended early), skipped, not done
    start_ms: float | None
    end_ms: float | None
    target_reps: int | None = None
    reps: int = 0
    partial_reps: int = 0
    holds_ms: tuple[float, ...] = ()  # per counted repetition, the time past `enter`
    rom_checks: tuple[RomCheck, ...] = ()
    warnings: tuple[str, ...] = ()
    test: TestResult | None = None
    report: dict | None = field(default=None, hash=False)  # the exercise's report: `movenet exercise --json`
    tracks: list | None = field(default=None, hash=False, repr=False)  # keypoints per frame, only when asked

    @property
    def rom_met(self) -> bool | None:
        return None if not self.rom_checks else all(c.met for c in self.rom_checks)

    def to_dict(self, tracks: bool = False) -> dict:
        out = {
            "step": self.step_index, "item": self.item_index, "kind": self.kind, "name": self.name, "label": self.label,
            "set": self.set_no, "side": self.side, "status": self.status,
            "start_ms": _r(self.start_ms), "end_ms": _r(self.end_ms), "target_reps": self.target_reps,
            "reps": self.reps, "partial_reps": self.partial_reps, "holds_ms": [_r(h) for h in self.holds_ms],
            "rom": [c.to_dict() for c in self.rom_checks], "warnings": list(self.warnings),
            "test": self.test.to_dict() if self.test else None, "report": self.report,
        }
        if tracks and self.tracks is not None:
            out["tracks"] = self.tracks
        return out


@dataclass(frozen=True)
class SessionResult:
    patient: str
    programme_name: str
    programme_digest: str
    started_at: str  # ISO 8601, UTC
    ended_at: str
    source: str  # "camera 0", "video squats.mp4", "browser"
    status: str  # completed / stopped
    sets: tuple[SetResult, ...]
    planned_sets: int
    planned_reps: int
    model: str = ""

    @property
    def sets_done(self) -> int:
        return sum(1 for s in self.sets if s.kind == "exercise" and s.status == DONE)

    @property
    def reps_done(self) -> int:
        return sum(s.reps for s in self.sets if s.kind == "exercise")

    @property
    def adherence(self) -> float:
        """Repetitions done of those prescribed (capped at 1 per set), 0..1; sets for timed sets."""
        if not self.planned_reps:
            return self.sets_done / self.planned_sets if self.planned_sets else 1.0
        done = sum(min(s.reps, s.target_reps or 0) for s in self.sets if s.kind == "exercise")
        return done / self.planned_reps

    def to_dict(self, tracks: bool = False) -> dict:
        return {
            "patient": self.patient, "programme": self.programme_name, "programme_digest": self.programme_digest,
            "started_at": self.started_at, "ended_at": self.ended_at, "source": self.source, "status": self.status,
            "model": self.model, "planned_sets": self.planned_sets, "planned_reps": self.planned_reps,
            "sets_done": self.sets_done, "reps_done": self.reps_done, "adherence": round(self.adherence, 3),
            "sets": [s.to_dict(tracks) for s in self.sets],
        }
