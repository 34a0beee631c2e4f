"""The standard tests a programme may prescribe: a registry of `TestSpec`s, and for each a small
stateful runner over `movenet.exercise.chair` / `balance` (`update(pose, t)`, `done(t)`,
`result()`) that the session runner drives trial by trial.

| test | what | headline | source |
|---|---|---|---|
| 30s-chair-stand | full stands in 30 s from the first rise | stands | Jones, Rikli & Beam 1999 |
| five-times-sit-to-stand | seconds to the fifth full stand | s | Csuka & McCarty 1985; SPPB timing |
| single-leg-stance | longest stance on the prescribed leg, up to time_s (default 30) | s | Springer et al. 2007 |
| sway | hip-centre sway (RMS, torso lengths) over time_s (default 30) standing still | torso lengths | Prieto et al. 1996 |
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from movenet.exercise.balance import SingleLegStance, SwayMeter
from movenet.exercise.chair import CST_SECONDS, FIVE, ChairStands
from movenet.programme.results import TestResult

# A trial that never starts (nobody rises, no foot is lifted) is given up after this long (live
# sessions: the patient can also press next). Two minutes: far longer than any of these tests.
GIVE_UP_S = 120.0


@dataclass(frozen=True)
class TestSpec:
    __test__ = False  # not a pytest class
    name: str
    description: str
    unit: str
    sides: tuple[str, ...]  # sides a programme may ask for; the first is the default
    time_s: tuple[float, float, float] | None  # (default, min, max) of the item's time_s, None: none
    better: str  # "higher" or "lower": which way is progress
    instructions: str  # shown to the patient before the trial


TESTS: dict[str, TestSpec] = {
    s.name: s
    for s in (
        TestSpec("30s-chair-stand", "30-second chair stand: full stands in 30 s", "stands", ("both",), None, "higher",
                 "Sit in the middle of a chair, arms crossed on your chest, side on to the camera. Stand up fully and sit "
                 "down as many times as you can in 30 seconds; the clock starts when you first rise."),
        TestSpec("five-times-sit-to-stand", "five-times sit-to-stand: seconds for five stands", "s", ("both",), None, "lower",
                 "Sit with your arms crossed, side on to the camera. Stand up fully and sit down five times as quickly as "
                 "you safely can; the clock starts when you first rise."),
        TestSpec("single-leg-stance", "single-leg stance: seconds on one leg", "s", ("each", "left", "right"), (30.0, 5.0, 120.0), "higher",
                 "Stand facing the camera, near a wall or a chair for safety. Lift the other foot and stand on the "
                 "named leg as long as you can."),
        TestSpec("sway", "standing sway: hip-centre RMS over the window", "torso lengths", ("both",), (30.0, 5.0, 120.0), "lower",
                 "Stand still, feet together, arms by your sides, facing the camera."),
    )
}
ALIASES = {"chair-stand": "30s-chair-stand", "30-second-chair-stand": "30s-chair-stand", "5xsts": "five-times-sit-to-stand",
           "5-times-sit-to-stand": "five-times-sit-to-stand", "unipedal-stance": "single-leg-stance"}


def canonical_test(name: str) -> str | None:
    key = str(name).strip().lower().replace("_", "-").replace(" ", "-")
    key = ALIASES.get(key, key)
    return key if key in TESTS else None


class ChairStandTrial:
    def __init__(self, five: bool) -> None:
        self.five = five
        self.test = ChairStands()
        self.name = "five-times-sit-to-stand" if five else "30s-chair-stand"

    def update(self, pose, t: float) -> str:
        self.test.update(pose, t)
        clock = self.test.clock_ms
        count = self.test.counter.count
        if clock is None:
            return "waiting for the first rise"
        if self.five:
            return f"stands: {count}/{FIVE}, {(t - clock) / 1000:.1f} s"
        return f"stands: {count}, {max(CST_SECONDS - (t - clock) / 1000, 0):.0f} s left"

    def done(self, t: float) -> bool:
        clock = self.test.clock_ms
        if clock is None:
            return False
        if self.five:
            return sum(1 for r in self.test.counter.repetitions if r.end_ms >= clock) >= FIVE
        return t > clock + CST_SECONDS * 1000.0

    def result(self, side: str | None) -> TestResult:
        report = self.test.five_times() if self.five else self.test.thirty_second()
        if self.five:
            return TestResult(self.name, None, report.time_s, "s", report.to_dict(), report.note)
        started = report.start_ms is not None
        return TestResult(self.name, None, float(report.count) if started else None, "stands", report.to_dict(), report.note)


class StanceTrial:
    name = "single-leg-stance"

    def __init__(self, max_time_s: float) -> None:
        self.test = SingleLegStance(max_time_s=max_time_s)
        self.max_time_s = max_time_s

    def update(self, pose, t: float) -> str:
        self.test.update(pose, t)
        since = self.test.stance_start_ms
        return f"on one leg: {(t - since) / 1000:.1f} s" if since is not None else "both feet down"

    def done(self, t: float) -> bool:
        return bool(self.test.stances) and self.test.stance_start_ms is None

    def result(self, side: str | None) -> TestResult:
        self.test.finish()
        stances = [s for s in self.test.stances if side is None or s.leg == side]
        best = max(stances, key=lambda s: s.duration_ms, default=None)
        other = [s for s in self.test.stances if s not in stances]
        note = ""
        if best is None and other:
            note = f"stood on the {other[0].leg} leg, the programme asks the {side}"
        elif best is None:
            note = "no stance on one leg of at least 1 s was seen"
        detail = {"best": best.to_dict() if best else None, "stances": [s.to_dict() for s in self.test.stances],
                  "max_time_s": self.max_time_s}
        return TestResult(self.name, side, best.duration_ms / 1000.0 if best else None, "s", detail, note)


class SwayTrial:
    name = "sway"

    def __init__(self, time_s: float) -> None:
        self.time_s = time_s
        self.meter: SwayMeter | None = None

    def update(self, pose, t: float) -> str:
        if self.meter is None and pose is not None:
            self.meter = SwayMeter(t, t + self.time_s * 1000.0)
        if self.meter is None:
            return "step into view"
        self.meter.update(pose, t)
        return f"stand still: {max(self.time_s - (t - self.meter.start_ms) / 1000, 0):.0f} s left"

    def done(self, t: float) -> bool:
        return self.meter is not None and t >= self.meter.end_ms

    def result(self, side: str | None) -> TestResult:
        sway = self.meter.result() if self.meter else None
        if sway is None:
            return TestResult(self.name, None, None, "torso lengths", {}, "the hip centre was not seen in 2 frames")
        note = "" if sway.duration_ms >= self.time_s * 1000.0 * 0.95 else f"only {sway.duration_ms / 1000:.1f} s of the {self.time_s:g} s were seen"
        return TestResult(self.name, None, sway.rms_torso, "torso lengths", sway.to_dict(), note)


def make_trial(name: str, time_s: float | None):
    if name == "30s-chair-stand":
        return ChairStandTrial(five=False)
    if name == "five-times-sit-to-stand":
        return ChairStandTrial(five=True)
    if name == "single-leg-stance":
        return StanceTrial(time_s or TESTS[name].time_s[0])
    if name == "sway":
        return SwayTrial(time_s or TESTS[name].time_s[0])
    raise KeyError(name)


def is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
