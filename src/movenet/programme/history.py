"""A patient's history and progress from the database: the latest sessions, and trends per
exercise and joint (range of motion, repetitions), adherence to the programme, and the standard
tests' results over time.

Trends are aggregated in SQL over buckets of days (one day, or more when the history is long: at
most `MAX_POINTS` points per series), from the narrow tables (`programme_sessions`,
`programme_sets`, `programme_rom`) with their indexes, so that a history of 10,000 sessions
answers in milliseconds (tools/bench_history.py).
"""

from __future__ import annotations

import datetime as dt
import math

from movenet.programme.standard_tests import TESTS
from movenet.programme.store import EPOCH, ProgrammeStore

MAX_POINTS = 120  # points per trend series at most (a chart's width)


def day_iso(day: int) -> str:
    return (EPOCH + dt.timedelta(days=int(day))).date().isoformat()


def history(store: ProgrammeStore, code: str, *, limit: int = 20, exercise: str | None = None) -> dict:
    """Everything `movenet history` and the history page show, as JSON-ready data."""
    from sqlalchemy import case, func, select

    t = store.t
    with store.db.session() as s:
        patient = store._patient(s, code)
        pid = patient.id
        total, first, last, mean_adh = s.execute(
            select(func.count(t.SessionRow.id), func.min(t.SessionRow.day), func.max(t.SessionRow.day), func.avg(t.SessionRow.adherence))
            .where(t.SessionRow.patient_id == pid)).one()
        out = {"patient": patient.code, "sessions_total": total, "first_day": None if first is None else day_iso(first),
               "last_day": None if last is None else day_iso(last), "adherence_mean": None if mean_adh is None else round(mean_adh, 3),
               "bucket_days": 1, "sessions": [], "adherence": [], "exercises": {}, "tests": {}}
        if not total:
            return out
        bucket = max(1, math.ceil((last - first + 1) / MAX_POINTS))
        out["bucket_days"] = bucket
        b_sess = ((t.SessionRow.day - first) // bucket).label("b")

        def when(b) -> str:
            return day_iso(first + int(b) * bucket)

        rows = s.execute(select(b_sess, func.count(t.SessionRow.id), func.avg(t.SessionRow.adherence), func.sum(t.SessionRow.reps_done))
                         .where(t.SessionRow.patient_id == pid).group_by(b_sess).order_by(b_sess)).all()
        out["adherence"] = [{"day": when(b), "sessions": n, "adherence": round(a, 3), "reps": int(r or 0)} for b, n, a, r in rows]

        # repetitions per exercise: sets joined to their sessions
        b_set = ((t.SessionRow.day - first) // bucket).label("b")
        q = (select(t.SetRow.name, b_set, func.count(t.SetRow.id), func.sum(t.SetRow.reps), func.sum(t.SetRow.target_reps),
                    func.sum(t.SetRow.partial_reps), func.sum(case((t.SetRow.status == "done", 1), else_=0)))
             .join(t.SessionRow, t.SessionRow.id == t.SetRow.session_id)
             .where(t.SessionRow.patient_id == pid, t.SetRow.kind == "exercise", t.SetRow.status != "not done"))
        if exercise:
            q = q.where(t.SetRow.name == exercise)
        for name, b, sets, reps, target, partial, done in s.execute(q.group_by(t.SetRow.name, b_set).order_by(t.SetRow.name, b_set)).all():
            ex = out["exercises"].setdefault(name, {"reps": [], "rom": {}})
            ex["reps"].append({"day": when(b), "sets": sets, "reps_per_set": round((reps or 0) / sets, 2),
                               "target_per_set": round((target or 0) / sets, 2) if target else None,
                               "partial_per_set": round((partial or 0) / sets, 2), "sets_done": int(done or 0)})

        # range of motion per exercise and joint
        b_rom = ((t.RomRow.day - first) // bucket).label("b")
        q = (select(t.RomRow.exercise, t.RomRow.measure, b_rom, func.min(t.RomRow.min_deg), func.max(t.RomRow.max_deg),
                    func.avg(t.RomRow.max_deg - t.RomRow.min_deg), func.count(t.RomRow.met),
                    func.sum(case((t.RomRow.met.is_(True), 1), else_=0)))
             .where(t.RomRow.patient_id == pid))
        if exercise:
            q = q.where(t.RomRow.exercise == exercise)
        q = q.group_by(t.RomRow.exercise, t.RomRow.measure, b_rom).order_by(t.RomRow.exercise, t.RomRow.measure, b_rom)
        for name, measure, b, lo, hi, rng, targeted, met in s.execute(q).all():
            ex = out["exercises"].setdefault(name, {"reps": [], "rom": {}})
            ex["rom"].setdefault(measure, []).append({
                "day": when(b), "min_deg": round(lo, 1), "max_deg": round(hi, 1), "range_deg": round(rng, 1),
                "met_rate": round(met / targeted, 3) if targeted else None})

        # standard tests: the mean per bucket of each test and side
        b_test = ((t.SessionRow.day - first) // bucket).label("b")
        q = (select(t.SetRow.name, t.SetRow.side, b_test, func.avg(t.SetRow.test_value), func.count(t.SetRow.test_value))
             .join(t.SessionRow, t.SessionRow.id == t.SetRow.session_id)
             .where(t.SessionRow.patient_id == pid, t.SetRow.kind == "test", t.SetRow.test_value.is_not(None))
             .group_by(t.SetRow.name, t.SetRow.side, b_test).order_by(t.SetRow.name, t.SetRow.side, b_test))
        for name, side, b, value, n in s.execute(q).all():
            key = name if not side else f"{name} ({side})"
            spec = TESTS.get(name)
            entry = out["tests"].setdefault(key, {"test": name, "side": side, "unit": spec.unit if spec else "",
                                                  "better": spec.better if spec else "higher", "points": []})
            entry["points"].append({"day": when(b), "value": round(value, 2), "trials": n})
    out["sessions"] = store.sessions(code, limit=limit)
    return out


def trend_lines(h: dict) -> list[str]:
    """Plain-text trends: each series' first and last point, for the terminal."""
    lines = []
    if h["adherence"]:
        a = h["adherence"]
        lines.append(f"adherence: {a[0]['adherence'] * 100:.0f} % ({a[0]['day']}) -> {a[-1]['adherence'] * 100:.0f} % ({a[-1]['day']}); "
                     f"mean {h['adherence_mean'] * 100:.0f} % over {h['sessions_total']} sessions")
    for name, ex in h["exercises"].items():
        if ex["reps"]:
            r = ex["reps"]
            lines.append(f"{name}: repetitions per set {r[0]['reps_per_set']:g} -> {r[-1]['reps_per_set']:g}"
                         + (f" (target {r[-1]['target_per_set']:g})" if r[-1]["target_per_set"] else ""))
        for measure, pts in ex["rom"].items():
            met = pts[-1]["met_rate"]
            lines.append(f"  {measure}: {pts[0]['min_deg']:.0f}-{pts[0]['max_deg']:.0f} deg -> {pts[-1]['min_deg']:.0f}-{pts[-1]['max_deg']:.0f} deg"
                         + (f"; target met in {met * 100:.0f} % of the last sets" if met is not None else ""))
    for key, test in h["tests"].items():
        p = test["points"]
        lines.append(f"{key}: {p[0]['value']:g} -> {p[-1]['value']:g} {test['unit']} ({test['better']} is better)")
    return lines
