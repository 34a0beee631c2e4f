"""Sessions in a real database, SQLite and PostgreSQL alike: stored and read back, listed, the
history's trends (hand-computed), deletion and a patient's erasure, and the programme branch's
migrations (from empty, and from the first schema with its data)."""

import datetime as dt

import pytest

sqlalchemy = pytest.importorskip("sqlalchemy", reason="the database tests need the db extra")

from programme_helpers import squats  # noqa: E402

from movenet.programme import SessionRunner, parse_programme  # noqa: E402
from movenet.programme.history import history  # noqa: E402
from movenet.programme.results import DONE, SessionResult, SetResult, TestResult  # noqa: E402
from movenet.programme.store import PROGRAMME_HEAD, NotFoundError, ProgrammeStore  # noqa: E402
from movenet.storage import Database  # noqa: E402

PROGRAMME = parse_programme("""
[programme]
name = "Squats and a test"
[[item]]
exercise = "squat"
sets = 2
reps = 3
target_rom = { knee = { at_most = 100 } }
[[item]]
test = "30s-chair-stand"
""", "p.toml")


def real_session(patient="P1", keep_tracks=False):
    """A session run on synthetic squat poses: set 1 on one stream, set 2 on another."""
    runner = SessionRunner(PROGRAMME, patient=patient, keep_tracks=keep_tracks, advance="stream", source="synthetic")
    for bottoms in ([90.0, 95.0, 92.0], [100.0, 130.0]):
        frames, _ = squats(len(bottoms), bottom=bottoms)
        for t, poses in frames:
            runner.update(poses, t)
        runner.next()
        runner.next()
    return runner.finish()


def made_session(patient, started, reps, knee_min, stands):
    """A session with chosen numbers (for the trends' arithmetic)."""
    rom = {"left_knee": {"min_deg": knee_min, "max_deg": 178.0}, "right_knee": {"min_deg": knee_min + 4, "max_deg": 176.0}}
    from movenet.programme.results import RomCheck

    def checks():
        return tuple(RomCheck(m, r["min_deg"], r["max_deg"], 100.0, None, None, r["min_deg"] <= 100.0) for m, r in rom.items())

    sets = tuple(SetResult(i, 0, "exercise", "squat", "Squat", i + 1, None, DONE if n >= 3 else "stopped", 0.0, 1.0, 3, n, 0,
                           rom_checks=checks(), report={"range_of_motion": rom}) for i, n in enumerate(reps))
    sets += (SetResult(2, 1, "test", "30s-chair-stand", "Chair stand", 1, None, DONE, 0.0, 1.0,
                       test=TestResult("30s-chair-stand", None, stands, "stands")),)
    return SessionResult(patient, PROGRAMME.name, PROGRAMME.digest, started.isoformat(), (started + dt.timedelta(minutes=20)).isoformat(),
                         "made", "completed", sets, 2, 6)


def same(a, b, path="") -> None:
    """Equal, floats within one unit of the last rounded digit (sums of floats in another order can round apart)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), path
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, abs=0.101), path
    else:
        assert a == b, path


def count(db, table):
    with db.engine.connect() as c:
        return c.execute(sqlalchemy.text(f"SELECT COUNT(*) FROM {table}")).scalar()


def test_a_session_is_stored_and_read_back_as_run(database_url):
    store = ProgrammeStore(Database(database_url))
    result = real_session()
    sid = store.save_session(result, PROGRAMME)
    back = store.session(sid)
    assert back["patient"] == "P1" and back["programme"] == "Squats and a test" and back["status"] == "stopped"
    assert back["reps_done"] == 4 and back["planned_reps"] == 6 and back["adherence"] == pytest.approx(4 / 6, abs=1e-3)
    for stored, ran in zip(back["sets"], result.sets):
        expected = ran.to_dict()
        expected["counted_measures"] = ["left_knee", "right_knee"] if ran.kind == "exercise" else []
        assert stored == expected  # every number, the exercise report included
    assert [s["reps"] for s in back["sets"]] == [3, 1, 0] and back["sets"][1]["partial_reps"] == 1
    listed = store.sessions("P1")
    assert [s["id"] for s in listed] == [sid] and listed[0]["reps_done"] == 4
    assert count(store.db, "programme_tracks") == 0  # no keypoints unless asked
    with pytest.raises(NotFoundError, match="no patient 'P2'"):
        store.sessions("P2")


def test_keypoint_tracks_only_when_asked(database_url):
    store = ProgrammeStore(Database(database_url))
    result = real_session(keep_tracks=True)
    plain = store.save_session(result, PROGRAMME)
    kept = store.save_session(result, PROGRAMME, tracks=True)
    assert all(s.get("tracks") is None for s in store.session(plain, tracks=True)["sets"])
    sets = store.session(kept, tracks=True)["sets"]
    assert len(sets[0]["tracks"]) == len(result.sets[0].tracks) and sets[0]["tracks"][0]["poses"][0]["keypoints"]
    assert "tracks" not in store.session(kept)["sets"][0]


def test_history_trends_are_the_stored_numbers(database_url):
    store = ProgrammeStore(Database(database_url))
    day0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.timezone.utc)
    store.save_sessions([
        made_session("P1", day0, (3, 1), 110.0, 9.0),
        made_session("P1", day0 + dt.timedelta(hours=5), (3, 3), 104.0, 11.0),  # same day
        made_session("P1", day0 + dt.timedelta(days=2), (3, 3), 96.0, 12.0),
    ], PROGRAMME)
    store.save_session(made_session("OTHER", day0, (0, 0), 150.0, 3.0), PROGRAMME)
    h = history(store, "P1")
    assert h["sessions_total"] == 3 and h["first_day"] == "2025-03-03" and h["last_day"] == "2025-03-05" and h["bucket_days"] == 1
    assert [(p["day"], p["sessions"], p["adherence"], p["reps"]) for p in h["adherence"]] == [
        ("2025-03-03", 2, round((4 / 6 + 1) / 2, 3), 10), ("2025-03-05", 1, 1.0, 6)]
    reps = h["exercises"]["squat"]["reps"]
    assert [(p["day"], p["sets"], p["reps_per_set"], p["target_per_set"], p["sets_done"]) for p in reps] == [
        ("2025-03-03", 4, 2.5, 3.0, 3), ("2025-03-05", 2, 3.0, 3.0, 2)]
    left = h["exercises"]["squat"]["rom"]["left_knee"]
    assert [(p["min_deg"], p["max_deg"], p["met_rate"]) for p in left] == [(104.0, 178.0, 0.0), (96.0, 178.0, 1.0)]
    right = h["exercises"]["squat"]["rom"]["right_knee"]
    assert right[-1]["min_deg"] == 100.0 and right[-1]["met_rate"] == 1.0  # 100 <= 100
    chair = h["tests"]["30s-chair-stand"]
    assert [(p["day"], p["value"], p["trials"]) for p in chair["points"]] == [("2025-03-03", 10.0, 2), ("2025-03-05", 12.0, 1)]
    assert chair["unit"] == "stands" and chair["better"] == "higher"
    assert [s["started_at"][:10] for s in h["sessions"]] == ["2025-03-05", "2025-03-03", "2025-03-03"]


def test_long_histories_are_bucketed(database_url):
    store = ProgrammeStore(Database(database_url))
    day0 = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    store.save_sessions([made_session("P1", day0 + dt.timedelta(days=d), (3, 3), 100.0 - d / 100, 10.0) for d in range(0, 600, 3)], PROGRAMME)
    h = history(store, "P1")
    assert h["bucket_days"] == 7 and len(h["adherence"]) <= 120  # 598 days > 120: whole weeks
    assert sum(p["sessions"] for p in h["adherence"]) == 200
    # read from the weekly roll-up (the default beyond 120 days) = read from the set tables
    same(h, history(store, "P1", source="raw"))
    store.delete_session(store.sessions("P1", limit=1)[0]["id"])  # the roll-up follows deletions
    same(history(store, "P1"), history(store, "P1", source="raw"))
    assert sum(p["sessions"] for p in history(store, "P1")["adherence"]) == 199


def test_weekly_rollup_equals_the_set_tables_on_a_programme_history(database_url):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    from programme_demo import PROGRAMME, synthetic_history

    from movenet.programme import load_programme

    store = ProgrammeStore(Database(database_url))
    programme = load_programme(PROGRAMME)
    results = synthetic_history(programme, "P9", 300, dt.datetime(2015, 2, 3, tzinfo=dt.timezone.utc), per_week=1.0, seed=3)
    store.save_sessions(results[:150], programme)
    for r in results[150:160]:  # one at a time: the roll-up of their weeks is rebuilt on each save
        store.save_session(r, programme)
    store.save_sessions(results[160:], programme)
    weekly = history(store, "P9", source="weekly")
    same(weekly, history(store, "P9", source="raw"))
    assert weekly["bucket_days"] == 21  # 300 weeks: buckets of 3 weeks
    assert set(weekly["exercises"]) == {"glute_bridge", "squat"} and len(weekly["tests"]) == 3
    assert sum(p["sessions"] for p in weekly["adherence"]) == 300


def test_deleting_a_session_and_erasing_a_patient(database_url):
    store = ProgrammeStore(Database(database_url))
    first = store.save_session(real_session("P1", keep_tracks=True), PROGRAMME, tracks=True)
    second = store.save_session(real_session("P1"), PROGRAMME)
    other = store.save_session(real_session("P2"), PROGRAMME)
    store.assign("P1", PROGRAMME)
    db = store.db
    assert count(db, "programme_rom") > 0 and count(db, "programme_tracks") == 3
    store.delete_session(first)
    assert [s["id"] for s in store.sessions("P1")] == [second] and count(db, "programme_tracks") == 0
    with pytest.raises(NotFoundError):
        store.session(first)
    gone = store.delete_patient("P1")
    assert gone == {"patient": "P1", "sessions": 1}
    with db.engine.connect() as c:
        for table in ("programme_sessions", "programme_sets", "programme_rom", "programme_assignments"):
            # nothing of P1's is left: what is left is P2's
            left = c.execute(sqlalchemy.text(f"SELECT COUNT(*) FROM {table}")).scalar()
            assert left == (0 if table == "programme_assignments" else {"programme_sessions": 1}.get(table, left))
        codes = c.execute(sqlalchemy.text("SELECT code FROM programme_patients")).scalars().all()
    assert codes == ["P2"] and store.session(other)["patient"] == "P2"
    assert [p["patient"] for p in store.patients()] == ["P2"]
    with pytest.raises(NotFoundError):
        store.delete_patient("P1")


def test_current_programme_and_patient_codes(database_url):
    store = ProgrammeStore(Database(database_url))
    store.assign("P-1.a", PROGRAMME)
    assert store.current_programme("P-1.a").digest == PROGRAMME.digest
    from movenet.errors import InvalidOptionError

    for bad in ("", "a b", "x" * 65, "../etc", "<script>"):
        with pytest.raises(InvalidOptionError, match="patient ID"):
            store.assign(bad, PROGRAMME)


def test_migrations_from_empty_and_from_the_first_schema(database_url):
    db = Database(database_url)
    db.upgrade("programme@programme_0001")
    assert "programme_0001" in db.revision()
    started = dt.datetime(2025, 5, 6, 7, 8, tzinfo=dt.timezone.utc)
    detail = {"rom": [{"measure": "left_knee", "min_deg": 95.0, "max_deg": 178.0, "met": True}],
              "report": {"range_of_motion": {"left_knee": {"min_deg": 95.0, "max_deg": 178.0}, "right_knee": {"min_deg": 99.0, "max_deg": 177.0}}},
              "counted_measures": ["left_knee", "right_knee"]}
    import json

    with db.engine.begin() as c:  # rows as the first schema's code wrote them
        c.execute(sqlalchemy.text("INSERT INTO programme_patients (id, code, created_at) VALUES (1, 'OLD', :t)"), {"t": started})
        c.execute(sqlalchemy.text("INSERT INTO programme_programmes (id, digest, name, content, created_at) VALUES (1, 'd', 'n', :c, :t)"),
                  {"c": json.dumps({"programme": {"name": "n"}}), "t": started})
        c.execute(sqlalchemy.text(
            "INSERT INTO programme_sessions (id, patient_id, programme_id, started_at, ended_at, source, status, model, planned_sets, "
            "planned_reps, sets_done, reps_done, adherence) VALUES (1, 1, 1, :t, :t, 'video', 'completed', 'lightning', 1, 3, 1, 3, 1.0)"),
            {"t": started})
        c.execute(sqlalchemy.text(
            "INSERT INTO programme_sets (id, session_id, step, item, kind, name, label, set_no, status, reps, partial_reps, detail) "
            "VALUES (1, 1, 0, 0, 'exercise', 'squat', 'Squat', 1, 'done', 3, 0, :d)"), {"d": json.dumps(detail)})
    db.upgrade("programme@programme_0002")
    assert "programme_0002" in db.revision()
    with db.engine.connect() as c:
        assert c.execute(sqlalchemy.text("SELECT day FROM programme_sessions")).scalar() == (started.date() - dt.date(1970, 1, 1)).days
        rows = c.execute(sqlalchemy.text("SELECT measure, min_deg, max_deg, met FROM programme_rom ORDER BY measure")).all()
    assert [(m, lo, hi, None if met is None else bool(met)) for m, lo, hi, met in rows] == [
        ("left_knee", 95.0, 178.0, True), ("right_knee", 99.0, 177.0, None)]
    store = ProgrammeStore(db)  # to the newest revision; the migrated data reads as new data
    assert PROGRAMME_HEAD in db.revision()
    assert store.sessions("OLD")[0]["reps_done"] == 3
    assert history(store, "OLD")["exercises"]["squat"]["rom"]["left_knee"][0]["min_deg"] == 95.0
    # programme_0004 filled the weekly roll-up from the rows there: the same trends from it
    assert count(db, "programme_weekly") == 4  # sessions, reps, and the two knees of that week
    same(history(store, "OLD", source="weekly"), history(store, "OLD", source="raw", buckets="weeks"))
    db.downgrade("programme@programme_0001")  # keeps the sessions and sets (no cascade)
    assert "programme_0001" in db.revision() and count(db, "programme_sets") == 1
    db.upgrade("programme@programme_0002")
    assert "programme_0002" in db.revision() and count(db, "programme_rom") == 2
    db.upgrade()
    assert PROGRAMME_HEAD in db.revision() and count(db, "programme_weekly") == 4
    fresh = Database(database_url.replace("movenet.db", "fresh.db")) if database_url.startswith("sqlite") else None
    if fresh is not None:
        fresh.upgrade()
        assert PROGRAMME_HEAD in fresh.revision()


def test_the_store_knows_the_newest_revision():
    from pathlib import Path

    from movenet.programme.store import PROGRAMME_HEAD

    versions = Path(__file__).resolve().parents[2] / "src" / "movenet" / "storage" / "migrations" / "versions"
    newest = sorted(p.stem for p in versions.glob("programme_*.py"))[-1]
    assert newest.startswith(PROGRAMME_HEAD + "_")  # a new revision must move PROGRAMME_HEAD too
