"""Sessions in the database (`movenet.storage`): save, list, read back, delete.

    store = ProgrammeStore(Database(url))        # migrates the schema on first use
    store.assign("P001", programme)              # the patient's current programme
    session_id = store.save_session(result, programme)
    store.sessions("P001"), store.session(session_id), store.delete_session(session_id)
    store.delete_patient("P001")                 # erasure: every row of theirs, then VACUUM

Patient codes are the user's own IDs: 1-64 characters of letters, digits, '.', '_' and '-'.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zlib

from movenet.errors import InvalidOptionError, MovenetError
from movenet.programme.model import Programme
from movenet.programme.results import SessionResult

# The newest revision of the `programme` Alembic branch: a database already there is not migrated
# again (Alembic's upgrade loads every migration script: ~0.1 s a command).
PROGRAMME_HEAD = "programme_0004"

# The weekly roll-up of the trends (`storage.programmes.WeeklyRow`), rebuilt for a patient's weeks
# :w0..:w1 from the session, set and range tables (portable SQL: integer division of INTEGER
# columns on both SQLite and PostgreSQL). The migration programme_0004 keeps its own copy.
ROLLUP_SQL = (
    "INSERT INTO programme_weekly (patient_id, week, kind, name, key, n, a, b, c, d, e) "
    "SELECT patient_id, day / 7, 'sess', '', '', count(*), sum(adherence), sum(reps_done), 0, 0, 0 "
    "FROM programme_sessions WHERE patient_id = :p AND day BETWEEN :w0 * 7 AND :w1 * 7 + 6 GROUP BY patient_id, day / 7",
    "INSERT INTO programme_weekly (patient_id, week, kind, name, key, n, a, b, c, d, e) "
    "SELECT s.patient_id, s.day / 7, 'reps', st.name, '', count(*), sum(st.reps), coalesce(sum(st.target_reps), 0), "
    "sum(st.partial_reps), sum(CASE WHEN st.status = 'done' THEN 1 ELSE 0 END), 0 "
    "FROM programme_sets st JOIN programme_sessions s ON s.id = st.session_id "
    "WHERE s.patient_id = :p AND s.day BETWEEN :w0 * 7 AND :w1 * 7 + 6 AND st.kind = 'exercise' AND st.status != 'not done' "
    "GROUP BY s.patient_id, s.day / 7, st.name",
    "INSERT INTO programme_weekly (patient_id, week, kind, name, key, n, a, b, c, d, e) "
    "SELECT patient_id, day / 7, 'rom', exercise, measure, count(*), min(min_deg), max(max_deg), sum(max_deg - min_deg), "
    "count(met), sum(CASE WHEN met THEN 1 ELSE 0 END) "
    "FROM programme_rom WHERE patient_id = :p AND day BETWEEN :w0 * 7 AND :w1 * 7 + 6 GROUP BY patient_id, day / 7, exercise, measure",
    "INSERT INTO programme_weekly (patient_id, week, kind, name, key, n, a, b, c, d, e) "
    "SELECT s.patient_id, s.day / 7, 'test', st.name, coalesce(st.side, ''), count(*), sum(st.test_value), 0, 0, 0, 0 "
    "FROM programme_sets st JOIN programme_sessions s ON s.id = st.session_id "
    "WHERE s.patient_id = :p AND s.day BETWEEN :w0 * 7 AND :w1 * 7 + 6 AND st.kind = 'test' AND st.test_value IS NOT NULL "
    "GROUP BY s.patient_id, s.day / 7, st.name, coalesce(st.side, '')",
)


def rebuild_weeks(s, patient_id: int, w0: int, w1: int) -> None:
    """Recompute the weekly roll-up of weeks w0..w1 of a patient (in the session `s`)."""
    from sqlalchemy import text

    params = {"p": patient_id, "w0": int(w0), "w1": int(w1)}
    s.execute(text("DELETE FROM programme_weekly WHERE patient_id = :p AND week BETWEEN :w0 AND :w1"), params)
    for statement in ROLLUP_SQL:
        s.execute(text(statement), params)
PATIENT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class NotFoundError(MovenetError, LookupError):
    """No such patient or session."""


def _revisions(database) -> set[str]:
    """The Alembic revisions the database is at, read from its alembic_version table with one query
    (importing Alembic takes ~0.1 s); empty when the table is not there or the server is not reached
    (then `upgrade()` creates it or says why, the URL redacted)."""
    from sqlalchemy import text

    try:
        with database.engine.connect() as c:
            return set(c.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except Exception:  # noqa: BLE001
        return set()


def check_patient_code(code: str) -> str:
    code = str(code).strip()
    if not PATIENT_CODE.match(code):
        raise InvalidOptionError(f"patient ID {code[:80]!r}: use 1-64 letters, digits, '.', '_' or '-' (no names needed)")
    return code


def utc(value: dt.datetime | str) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def day_of(value: dt.datetime | str) -> int:
    return (utc(value) - EPOCH).days


def counted_measures(exercise: str) -> tuple[str, ...]:
    """The joint measures an exercise counts on (both sides): squat -> left_knee, right_knee."""
    from movenet.exercise import get_exercise

    label = get_exercise(exercise).signal.label
    joints = [j for j in ("elbow", "shoulder", "hip", "knee") if j in label]
    return tuple(f"{side}_{j}" for j in joints for side in ("left", "right")) or ("trunk",)


class ProgrammeStore:
    def __init__(self, database, *, migrate: bool = True) -> None:
        from movenet.storage import programmes as tables

        self.db = database
        self.t = tables
        if migrate:
            current = _revisions(database)
            if PROGRAMME_HEAD not in current:
                database.upgrade()

    # --- patients and programmes --------------------------------------------------------------
    def _patient(self, s, code: str, create: bool = False):
        from sqlalchemy import select

        code = check_patient_code(code)
        row = s.execute(select(self.t.Patient).where(self.t.Patient.code == code)).scalar_one_or_none()
        if row is None and create:
            row = self.t.Patient(code=code, created_at=dt.datetime.now(dt.timezone.utc))
            s.add(row)
            s.flush()
        if row is None:
            raise NotFoundError(f"no patient {code!r} in {self.db.safe_url}")
        return row

    def _programme(self, s, programme: Programme):
        from sqlalchemy import select

        row = s.execute(select(self.t.ProgrammeRow).where(self.t.ProgrammeRow.digest == programme.digest)).scalar_one_or_none()
        if row is None:
            row = self.t.ProgrammeRow(digest=programme.digest, name=programme.name[:200], content=programme.to_dict(),
                                      created_at=dt.datetime.now(dt.timezone.utc))
            s.add(row)
            s.flush()
        return row

    def assign(self, code: str, programme: Programme) -> None:
        """Make `programme` the patient's current one (the patient is created if new)."""
        from sqlalchemy import select

        with self.db.session() as s:
            patient = self._patient(s, code, create=True)
            row = self._programme(s, programme)
            current = s.execute(select(self.t.Assignment.programme_id).where(self.t.Assignment.patient_id == patient.id)
                                .order_by(self.t.Assignment.id.desc()).limit(1)).scalar_one_or_none()
            if current != row.id:
                s.add(self.t.Assignment(patient_id=patient.id, programme_id=row.id, assigned_at=dt.datetime.now(dt.timezone.utc)))

    def current_programme(self, code: str) -> Programme | None:
        from sqlalchemy import select

        from movenet.programme.load import parse_programme

        with self.db.session() as s:
            patient = self._patient(s, code)
            content = s.execute(select(self.t.ProgrammeRow.content).join(self.t.Assignment, self.t.Assignment.programme_id == self.t.ProgrammeRow.id)
                                .where(self.t.Assignment.patient_id == patient.id).order_by(self.t.Assignment.id.desc()).limit(1)).scalar_one_or_none()
        return None if content is None else parse_programme(json.dumps(content), f"programme of {code}", "json")

    # --- therapists --------------------------------------------------------------------------
    def link_therapist(self, code: str, therapist: str) -> None:
        """Let the therapist account `therapist` see patient `code` (the patient is created if new)."""
        from sqlalchemy import select

        with self.db.session() as s:
            patient = self._patient(s, code, create=True)
            exists = s.execute(select(self.t.CareLink.id).where(self.t.CareLink.patient_id == patient.id,
                                                                self.t.CareLink.therapist == therapist)).first()
            if not exists:
                s.add(self.t.CareLink(patient_id=patient.id, therapist=str(therapist)[:64]))

    def unlink_therapist(self, code: str, therapist: str) -> None:
        from sqlalchemy import delete

        with self.db.session() as s:
            patient = self._patient(s, code)
            s.execute(delete(self.t.CareLink).where(self.t.CareLink.patient_id == patient.id, self.t.CareLink.therapist == therapist))

    def therapist_patients(self, therapist: str) -> list[str]:
        from sqlalchemy import select

        t = self.t
        with self.db.session() as s:
            return list(s.execute(select(t.Patient.code).join(t.CareLink, t.CareLink.patient_id == t.Patient.id)
                                  .where(t.CareLink.therapist == therapist).order_by(t.Patient.code)).scalars())

    def is_therapist_of(self, therapist: str, code: str) -> bool:
        return code in self.therapist_patients(therapist)

    def patients(self) -> list[dict]:
        from sqlalchemy import func, select

        t = self.t
        with self.db.session() as s:
            rows = s.execute(select(t.Patient.code, t.Patient.created_at, func.count(t.SessionRow.id), func.max(t.SessionRow.started_at))
                             .outerjoin(t.SessionRow, t.SessionRow.patient_id == t.Patient.id).group_by(t.Patient.id)
                             .order_by(t.Patient.code)).all()
        return [{"patient": c, "created_at": utc(a).isoformat(), "sessions": n, "last_session": utc(last).isoformat() if last else None}
                for c, a, n, last in rows]

    # --- sessions -----------------------------------------------------------------------------
    def save_session(self, result: SessionResult, programme: Programme, *, tracks: bool = False) -> int:
        """Store a finished session; keypoint tracks only when `tracks` (and the runner kept them)."""
        with self.db.session() as s:
            return self._save(s, result, programme, tracks)

    def save_sessions(self, results, programme: Programme) -> list[int]:
        """Many sessions in one transaction (imports, benchmarks)."""
        with self.db.session() as s:
            ids = [self._save(s, r, programme, False, rollup=False) for r in results]
            for code in {r.patient for r in results}:
                self._rebuild_all(s, self._patient(s, code).id)
            return ids

    def _rebuild_all(self, s, patient_id: int) -> None:
        from sqlalchemy import func, select

        lo, hi = s.execute(select(func.min(self.t.SessionRow.day), func.max(self.t.SessionRow.day))
                           .where(self.t.SessionRow.patient_id == patient_id)).one()
        if lo is not None:
            rebuild_weeks(s, patient_id, lo // 7, hi // 7)

    def _save(self, s, result: SessionResult, programme: Programme, tracks: bool, rollup: bool = True) -> int:
        t = self.t
        started, ended = utc(result.started_at), utc(result.ended_at)
        day = day_of(started)
        patient = self._patient(s, result.patient, create=True)
        prog = self._programme(s, programme)
        row = t.SessionRow(patient_id=patient.id, programme_id=prog.id, started_at=started, ended_at=ended, day=day,
                           source=result.source[:200], status=result.status, model=result.model[:32],
                           planned_sets=result.planned_sets, planned_reps=result.planned_reps, sets_done=result.sets_done,
                           reps_done=result.reps_done, adherence=result.adherence)
        s.add(row)
        s.flush()
        for r in result.sets:
            detail = r.to_dict()
            measures = counted_measures(r.name) if r.kind == "exercise" else ()
            detail["counted_measures"] = list(measures)
            set_row = t.SetRow(session_id=row.id, step=r.step_index, item=r.item_index, kind=r.kind, name=r.name, label=r.label[:200],
                               set_no=r.set_no, side=r.side, status=r.status, target_reps=r.target_reps, reps=r.reps,
                               partial_reps=r.partial_reps, test_value=r.test.value if r.test else None,
                               test_unit=r.test.unit if r.test else None, rom_met=r.rom_met, detail=detail)
            s.add(set_row)
            s.flush()
            targeted = {c.measure for c in r.rom_checks}
            for c in r.rom_checks:
                if c.min_deg is not None:
                    s.add(t.RomRow(set_id=set_row.id, patient_id=patient.id, day=day, exercise=r.name, measure=c.measure,
                                   min_deg=c.min_deg, max_deg=c.max_deg, met=c.met))
            rom = ((r.report or {}).get("range_of_motion") or {})
            for m in measures:
                if m not in targeted and m in rom:
                    s.add(t.RomRow(set_id=set_row.id, patient_id=patient.id, day=day, exercise=r.name, measure=m,
                                   min_deg=rom[m]["min_deg"], max_deg=rom[m]["max_deg"], met=None))
            if tracks and r.tracks is not None:
                blob = zlib.compress(json.dumps(r.tracks, separators=(",", ":")).encode(), 6)
                s.add(t.TrackRow(set_id=set_row.id, frames=len(r.tracks), data=blob))
        s.flush()
        if rollup:
            rebuild_weeks(s, patient.id, day // 7, day // 7)
        return row.id

    def sessions(self, code: str, *, limit: int | None = 50, offset: int = 0) -> list[dict]:
        """The patient's sessions, newest first."""
        from sqlalchemy import select

        t = self.t
        with self.db.session() as s:
            patient = self._patient(s, code)
            q = (select(t.SessionRow.id, t.SessionRow.started_at, t.SessionRow.ended_at, t.SessionRow.status, t.SessionRow.source,
                        t.SessionRow.sets_done, t.SessionRow.planned_sets, t.SessionRow.reps_done, t.SessionRow.planned_reps,
                        t.SessionRow.adherence, t.ProgrammeRow.name)
                 .join(t.ProgrammeRow, t.ProgrammeRow.id == t.SessionRow.programme_id)
                 .where(t.SessionRow.patient_id == patient.id).order_by(t.SessionRow.started_at.desc(), t.SessionRow.id.desc())
                 .offset(offset))
            if limit is not None:
                q = q.limit(limit)
            rows = s.execute(q).all()
        return [{"id": r[0], "started_at": utc(r[1]).isoformat(), "ended_at": utc(r[2]).isoformat(), "status": r[3], "source": r[4],
                 "sets_done": r[5], "planned_sets": r[6], "reps_done": r[7], "planned_reps": r[8], "adherence": round(r[9], 3),
                 "programme": r[10]} for r in rows]

    def session(self, session_id: int, *, tracks: bool = False) -> dict:
        """One session with every set's stored results (and keypoint tracks when asked and kept)."""
        from sqlalchemy import select

        t = self.t
        with self.db.session() as s:
            row = s.get(t.SessionRow, int(session_id))
            if row is None:
                raise NotFoundError(f"no session {session_id} in {self.db.safe_url}")
            code = s.get(t.Patient, row.patient_id).code
            prog = s.get(t.ProgrammeRow, row.programme_id)
            sets = s.execute(select(t.SetRow).where(t.SetRow.session_id == row.id).order_by(t.SetRow.step)).scalars().all()
            out_sets = []
            for r in sets:
                d = dict(r.detail)
                if tracks:
                    track = s.get(t.TrackRow, r.id)
                    d["tracks"] = None if track is None else json.loads(zlib.decompress(track.data))
                out_sets.append(d)
        return {"id": row.id, "patient": code, "programme": prog.name, "programme_digest": prog.digest,
                "started_at": utc(row.started_at).isoformat(), "ended_at": utc(row.ended_at).isoformat(), "source": row.source,
                "status": row.status, "model": row.model, "planned_sets": row.planned_sets, "planned_reps": row.planned_reps,
                "sets_done": row.sets_done, "reps_done": row.reps_done, "adherence": round(row.adherence, 3), "sets": out_sets}

    def session_patient(self, session_id: int) -> str:
        with self.db.session() as s:
            row = s.get(self.t.SessionRow, int(session_id))
            if row is None:
                raise NotFoundError(f"no session {session_id}")
            return s.get(self.t.Patient, row.patient_id).code

    def delete_session(self, session_id: int) -> None:
        with self.db.session() as s:
            row = s.get(self.t.SessionRow, int(session_id))
            if row is None:
                raise NotFoundError(f"no session {session_id} in {self.db.safe_url}")
            patient_id, week = row.patient_id, row.day // 7
            self._delete_sessions(s, [row.id])
            s.flush()
            rebuild_weeks(s, patient_id, week, week)
        self._vacuum()

    def delete_patient(self, code: str) -> dict:
        """Erase a patient: their sessions, sets, ranges, tracks, assignments and the patient row
        (programmes no other patient uses go too), then VACUUM so the rows leave the file."""
        from sqlalchemy import delete, select

        t = self.t
        with self.db.session() as s:
            patient = self._patient(s, code)
            ids = s.execute(select(t.SessionRow.id).where(t.SessionRow.patient_id == patient.id)).scalars().all()
            self._delete_sessions(s, ids)
            progs = set(s.execute(select(t.Assignment.programme_id).where(t.Assignment.patient_id == patient.id)).scalars())
            s.execute(delete(t.Assignment).where(t.Assignment.patient_id == patient.id))
            s.execute(delete(t.CareLink).where(t.CareLink.patient_id == patient.id))
            s.execute(delete(t.WeeklyRow).where(t.WeeklyRow.patient_id == patient.id))
            s.execute(delete(t.RomRow).where(t.RomRow.patient_id == patient.id))
            s.delete(patient)
            s.flush()
            for pid in progs:
                used = s.execute(select(t.Assignment.id).where(t.Assignment.programme_id == pid).limit(1)).first() or \
                    s.execute(select(t.SessionRow.id).where(t.SessionRow.programme_id == pid).limit(1)).first()
                if not used:
                    s.execute(delete(t.ProgrammeRow).where(t.ProgrammeRow.id == pid))
        self._vacuum()
        return {"patient": code, "sessions": len(ids)}

    def _delete_sessions(self, s, ids) -> None:
        from sqlalchemy import delete, select

        t = self.t
        for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
            set_ids = select(t.SetRow.id).where(t.SetRow.session_id.in_(chunk))
            s.execute(delete(t.TrackRow).where(t.TrackRow.set_id.in_(set_ids)))
            s.execute(delete(t.RomRow).where(t.RomRow.set_id.in_(set_ids)))
            s.execute(delete(t.SetRow).where(t.SetRow.session_id.in_(chunk)))
            s.execute(delete(t.SessionRow).where(t.SessionRow.id.in_(chunk)))

    def _vacuum(self) -> None:
        """Deleted rows stay in the database file's free pages until VACUUM rewrites it."""
        from sqlalchemy import text

        with self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            if self.db.backend == "sqlite":
                c.execute(text("VACUUM"))
            else:
                for table in ("programme_weekly", "programme_care", "programme_tracks", "programme_rom", "programme_sets", "programme_sessions",
                              "programme_assignments", "programme_patients", "programme_programmes"):
                    c.execute(text(f"VACUUM {table}"))
