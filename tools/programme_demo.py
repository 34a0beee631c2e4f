"""Synthetic programme histories (clearly not measurements): weeks of sessions of a programme with
a patient who improves, for the report's figures in the docs and for tools/bench_history.py.
Every session goes through the real storage code (`ProgrammeStore.save_sessions`).

    python tools/programme_demo.py --db sqlite:////tmp/demo.db --patient demo --weeks 8
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from movenet.programme import load_programme  # noqa: E402
from movenet.programme.results import DONE, NOT_DONE, STOPPED, RomCheck, SessionResult, SetResult, TestResult  # noqa: E402
from movenet.programme.store import counted_measures  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PROGRAMME = REPO / "examples" / "programmes" / "knee.toml"


def synthetic_session(programme, patient: str, started: dt.datetime, progress: float, rng: random.Random) -> SessionResult:
    """One session; `progress` 0 (first week) .. 1 (last): deeper knees, more stands, longer stances."""
    sets = []
    motivated = rng.random() < 0.85
    for step in programme.steps():
        item = step.item
        if not motivated and step.index >= len(programme.steps()) // 2:
            sets.append(SetResult(step.index, step.item_index, step.kind, item.name, item.label, step.set_no, step.side, NOT_DONE,
                                  None, None, target_reps=step.target_reps))
            continue
        if step.kind == "exercise":
            reps = max(0, min(item.reps, round(rng.gauss(item.reps * (0.75 + 0.25 * progress), 1.2))))
            partial = max(0, round(rng.gauss(2.0 * (1 - progress), 0.8)))
            rom_report, checks = {}, []
            for m in counted_measures(item.name):
                if item.name == "squat":
                    lo, hi = rng.gauss(118 - 22 * progress, 3), rng.gauss(176, 2)
                else:  # the bridge: the hip opens further
                    lo, hi = rng.gauss(112, 3), rng.gauss(150 + 14 * progress, 3)
                rom_report[m] = {"min_deg": round(lo, 1), "max_deg": round(hi, 1)}
            for target in item.targets_for(step.side):
                r = rom_report.get(target.measure)
                if r is None:
                    continue
                met = (target.at_most is None or r["min_deg"] <= target.at_most) and (target.at_least is None or r["max_deg"] >= target.at_least)
                checks.append(RomCheck(target.measure, r["min_deg"], r["max_deg"], target.at_most, target.at_least, target.range_deg, met))
            warnings = [f"{reps} of {item.reps} repetitions"] if reps < item.reps else []
            warnings += [f"range of motion: {c.describe()}" for c in checks if not c.met]
            sets.append(SetResult(step.index, step.item_index, "exercise", item.name, item.label, step.set_no, step.side,
                                  DONE if reps >= item.reps else STOPPED, 0.0, 60000.0, item.reps, reps, partial,
                                  tuple(float(rng.gauss(item.hold_s * 1000 + 400, 150)) for _ in range(reps)), tuple(checks),
                                  tuple(warnings), None, {"synthetic": True, "range_of_motion": rom_report}))
        else:
            if item.test == "30s-chair-stand":
                value, unit = float(round(rng.gauss(9 + 4 * progress, 0.8))), "stands"
            elif item.test == "single-leg-stance":
                value, unit = round(min(max(rng.gauss(8 + 14 * progress - (2 if step.side == "right" else 0), 2.5), 1.0), 30.0), 2), "s"
            elif item.test == "five-times-sit-to-stand":
                value, unit = round(rng.gauss(14 - 3 * progress, 0.8), 2), "s"
            else:
                value, unit = round(rng.gauss(0.05 - 0.02 * progress, 0.005), 4), "torso lengths"
            sets.append(SetResult(step.index, step.item_index, "test", item.name, item.label, step.set_no, step.side, DONE, 0.0, 30000.0,
                                  test=TestResult(item.test, step.side, value, unit, {"synthetic": True})))
    ended = started + dt.timedelta(minutes=25)
    planned = programme.planned()
    done = all(s.status == DONE for s in sets)
    return SessionResult(patient, programme.name, programme.digest, started.isoformat(), ended.isoformat(), "synthetic",
                         "completed" if done else "stopped", tuple(sets), planned["sets"], planned["reps"], "synthetic")


def synthetic_history(programme, patient: str, n: int, start: dt.datetime, per_week: float = 4.0, seed: int = 0) -> list[SessionResult]:
    rng = random.Random(seed)
    out, t = [], start
    gap = dt.timedelta(days=7.0 / per_week)
    for i in range(n):
        out.append(synthetic_session(programme, patient, t, i / max(n - 1, 1), rng))
        t += gap + dt.timedelta(hours=rng.uniform(-6, 6))
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True, help="database URL")
    p.add_argument("--patient", default="demo")
    p.add_argument("--weeks", type=float, default=8)
    p.add_argument("--per-week", type=float, default=4)
    p.add_argument("--programme", default=str(PROGRAMME))
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    from movenet.programme.store import ProgrammeStore
    from movenet.storage import Database

    programme = load_programme(args.programme)
    store = ProgrammeStore(Database(args.db))
    n = int(args.weeks * args.per_week)
    start = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(weeks=args.weeks)
    store.save_sessions(synthetic_history(programme, args.patient, n, start, args.per_week, args.seed), programme)
    store.assign(args.patient, programme)
    print(f"{n} synthetic sessions of {args.patient} in {store.db.safe_url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
