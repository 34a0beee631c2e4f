"""A patient's history and progress from the database: the latest sessions, and trends per
exercise and joint (range of motion, repetitions), adherence to the programme, and the standard
tests' results over time.

Trends are aggregated in SQL over buckets: days while the history spans at most `MAX_POINTS`
days (from the session, set and range tables), whole weeks beyond (from the weekly roll-up
`programme_weekly`, rebuilt for a week when a session of it is saved or deleted), so that a
series has at most `MAX_POINTS` points and a history of 10,000 sessions is read from a few
thousand rows (tools/bench_history.py).
"""

from __future__ import annotations

import datetime as dt
import math

from movenet.programme.standard_tests import TESTS
from movenet.programme.store import EPOCH, ProgrammeStore

MAX_POINTS = 120  # points per trend series at most (a chart's width)


def day_iso(day: int) -> str:
    return (EPOCH + dt.timedelta(days=int(day))).date().isoformat()


def history(store: ProgrammeStore, code: str, *, limit: int = 20, exercise: str | None = None, source: str | None = None,
            buckets: str | None = None) -> dict:
    """Everything `movenet history` and the history page show, as JSON-ready data.

    Short histories (at most `MAX_POINTS` days) are read per day from the session, set and range
    tables; longer ones per whole weeks (`bucket_days` a multiple of 7) from the weekly roll-up
    (`programme_weekly`). `buckets` "days" or "weeks" and `source` "raw" or "weekly" force them
    (the tests check that both sources agree)."""
    from sqlalchemy import func, select

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
        in_weeks = (last - first + 1) > MAX_POINTS or buckets == "weeks" or source == "weekly"
        weekly = in_weeks if source is None else source == "weekly"
        if in_weeks:
            first_week, last_week = first // 7, last // 7
            weeks = max(1, math.ceil((last_week - first_week + 1) / MAX_POINTS))
            bucket, origin = 7 * weeks, 7 * first_week
        else:
            bucket, origin = 1, first
        out["bucket_days"] = bucket
        read = _weekly if weekly else _raw
        for kind, name, key, b, n, a, bb, c, d, e in read(s, t, pid, origin, bucket, exercise):
            when = day_iso(origin + int(b) * bucket)
            if kind == "sess":
                out["adherence"].append({"day": when, "sessions": n, "adherence": round(a / n, 3), "reps": int(bb or 0)})
            elif kind == "reps":
                ex = out["exercises"].setdefault(name, {"reps": [], "rom": {}})
                ex["reps"].append({"day": when, "sets": n, "reps_per_set": round((a or 0) / n, 2),
                                   "target_per_set": round(bb / n, 2) if bb else None,
                                   "partial_per_set": round((c or 0) / n, 2), "sets_done": int(d or 0)})
            elif kind == "rom":
                ex = out["exercises"].setdefault(name, {"reps": [], "rom": {}})
                ex["rom"].setdefault(key, []).append({"day": when, "min_deg": round(a, 1), "max_deg": round(bb, 1),
                                                      "range_deg": round(c / n, 1), "met_rate": round(e / d, 3) if d else None})
            else:
                label = name if not key else f"{name} ({key})"
                spec = TESTS.get(name)
                entry = out["tests"].setdefault(label, {"test": name, "side": key or None, "unit": spec.unit if spec else "",
                                                        "better": spec.better if spec else "higher", "points": []})
                entry["points"].append({"day": when, "value": round(a / n, 2), "trials": n})
    out["exercises"] = dict(sorted(out["exercises"].items()))
    out["tests"] = dict(sorted(out["tests"].items()))
    out["sessions"] = store.sessions(code, limit=limit)
    return out


def _raw(s, t, pid: int, origin: int, bucket: int, exercise: str | None):
    """(kind, name, key, bucket, n, a, b, c, d, e) rows from the session, set and range tables,
    the sums of `WeeklyRow`'s columns per bucket."""
    from sqlalchemy import case, func, literal, select

    b_sess = ((t.SessionRow.day - origin) // bucket).label("b")
    yield from (("sess", "", "", b, n, a, r, 0, 0, 0) for b, n, a, r in s.execute(
        select(b_sess, func.count(t.SessionRow.id), func.sum(t.SessionRow.adherence), func.sum(t.SessionRow.reps_done))
        .where(t.SessionRow.patient_id == pid).group_by(b_sess).order_by(b_sess)))
    q = (select(t.SetRow.name, b_sess, func.count(t.SetRow.id), func.sum(t.SetRow.reps), func.sum(t.SetRow.target_reps),
                func.sum(t.SetRow.partial_reps), func.sum(case((t.SetRow.status == "done", 1), else_=0)))
         .join(t.SessionRow, t.SessionRow.id == t.SetRow.session_id)
         .where(t.SessionRow.patient_id == pid, t.SetRow.kind == "exercise", t.SetRow.status != "not done"))
    if exercise:
        q = q.where(t.SetRow.name == exercise)
    yield from (("reps", name, "", b, n, r, tg, p, d, 0) for name, b, n, r, tg, p, d in
                s.execute(q.group_by(t.SetRow.name, b_sess).order_by(t.SetRow.name, b_sess)))
    b_rom = ((t.RomRow.day - origin) // bucket).label("b")
    q = (select(t.RomRow.exercise, t.RomRow.measure, b_rom, func.count(t.RomRow.id), func.min(t.RomRow.min_deg), func.max(t.RomRow.max_deg),
                func.sum(t.RomRow.max_deg - t.RomRow.min_deg), func.count(t.RomRow.met), func.sum(case((t.RomRow.met.is_(True), 1), else_=0)))
         .where(t.RomRow.patient_id == pid))
    if exercise:
        q = q.where(t.RomRow.exercise == exercise)
    q = q.group_by(t.RomRow.exercise, t.RomRow.measure, b_rom).order_by(t.RomRow.exercise, t.RomRow.measure, b_rom)
    yield from (("rom", name, m, b, n, lo, hi, rng, tg, met) for name, m, b, n, lo, hi, rng, tg, met in s.execute(q))
    side = func.coalesce(t.SetRow.side, literal(""))
    q = (select(t.SetRow.name, side, b_sess, func.count(t.SetRow.id), func.sum(t.SetRow.test_value))
         .join(t.SessionRow, t.SessionRow.id == t.SetRow.session_id)
         .where(t.SessionRow.patient_id == pid, t.SetRow.kind == "test", t.SetRow.test_value.is_not(None))
         .group_by(t.SetRow.name, side, b_sess).order_by(t.SetRow.name, side, b_sess))
    yield from (("test", name, sd, b, n, v, 0, 0, 0, 0) for name, sd, b, n, v in s.execute(q))


def _weekly(s, t, pid: int, origin: int, bucket: int, exercise: str | None):
    """The same rows from the weekly roll-up (`origin` and `bucket` whole weeks)."""
    from sqlalchemy import func, select

    w = t.WeeklyRow
    b = ((w.week - origin // 7) // (bucket // 7)).label("b")
    q = (select(w.kind, w.name, w.key, b, func.sum(w.n), func.sum(w.a), func.sum(w.b), func.sum(w.c), func.sum(w.d), func.sum(w.e),
                func.min(w.a), func.max(w.b))
         .where(w.patient_id == pid).group_by(w.kind, w.name, w.key, b).order_by(w.kind, w.name, w.key, b))
    if exercise:
        q = q.where((w.kind.in_(("sess", "test"))) | (w.name == exercise))
    rows = s.execute(q).all()
    order = {"sess": 0, "reps": 1, "rom": 2, "test": 3}
    for kind, name, key, bb, n, a, b2, c, d, e, lo, hi in sorted(rows, key=lambda r: order[r[0]]):
        if kind == "rom":  # the extremes are min and max, not sums
            yield kind, name, key, bb, n, lo, hi, c, d, e
        else:
            yield kind, name, key, bb, n, a, b2, c, d, e


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
