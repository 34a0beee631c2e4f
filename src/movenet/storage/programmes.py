"""Tables of the home-exercise programmes (`movenet.programme`): patients, programmes and their
assignment, sessions, per-set results, per-joint range of motion, and keypoint tracks (only
when asked). Migrations: the `programme` branch of `storage/migrations/versions/`.

Patients are identified by a code the user chooses (`code`, e.g. "P001"); no name is stored.
Every child row is deleted with its patient or session (ON DELETE CASCADE, and `store` deletes
explicitly too): a patient's right to erasure.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from movenet.storage.base import Base

CODE_LENGTH = 64  # a patient's code: the user's own ID, at most this long

class Patient(Base):
    __tablename__ = "programme_patients"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

class ProgrammeRow(Base):
    __tablename__ = "programme_programmes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)  # Programme.digest
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    content: Mapped[dict] = mapped_column(JSON, nullable=False)  # Programme.to_dict()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

class Assignment(Base):
    """A programme given to a patient; the newest is the patient's current programme."""

    __tablename__ = "programme_assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("programme_patients.id", ondelete="CASCADE"), nullable=False, index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme_programmes.id", ondelete="CASCADE"), nullable=False)
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

class SessionRow(Base):
    __tablename__ = "programme_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("programme_patients.id", ondelete="CASCADE"), nullable=False)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme_programmes.id", ondelete="CASCADE"), nullable=False)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    day: Mapped[int] = mapped_column(Integer, nullable=False)  # days since 1970-01-01 (UTC) of started_at
    source: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    model: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    planned_sets: Mapped[int] = mapped_column(Integer, nullable=False)
    planned_reps: Mapped[int] = mapped_column(Integer, nullable=False)
    sets_done: Mapped[int] = mapped_column(Integer, nullable=False)
    reps_done: Mapped[int] = mapped_column(Integer, nullable=False)
    adherence: Mapped[float] = mapped_column(Float, nullable=False)
    __table_args__ = (Index("ix_programme_sessions_patient_started", "patient_id", "started_at"),
                      Index("ix_programme_sessions_patient_day", "patient_id", "day"))

class SetRow(Base):
    __tablename__ = "programme_sets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("programme_sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    step: Mapped[int] = mapped_column(Integer, nullable=False)
    item: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    set_no: Mapped[int] = mapped_column(Integer, nullable=False)
    side: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    target_reps: Mapped[int | None] = mapped_column(Integer)
    reps: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    partial_reps: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    test_value: Mapped[float | None] = mapped_column(Float)
    test_unit: Mapped[str | None] = mapped_column(String(20))
    rom_met: Mapped[bool | None] = mapped_column(Boolean)
    detail: Mapped[dict] = mapped_column(JSON, nullable=False)  # SetResult.to_dict(): warnings, holds, ROM, report

class RomRow(Base):
    """Range of motion of one joint measure in one set (the targeted joints and those the
    exercise counts on): the history's trends read only this table."""

    __tablename__ = "programme_rom"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("programme_sets.id", ondelete="CASCADE"), nullable=False, index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("programme_patients.id", ondelete="CASCADE"), nullable=False)
    day: Mapped[int] = mapped_column(Integer, nullable=False)
    exercise: Mapped[str] = mapped_column(String(64), nullable=False)
    measure: Mapped[str] = mapped_column(String(32), nullable=False)
    min_deg: Mapped[float] = mapped_column(Float, nullable=False)
    max_deg: Mapped[float] = mapped_column(Float, nullable=False)
    met: Mapped[bool | None] = mapped_column(Boolean)  # None: no target for this joint
    __table_args__ = (Index("ix_programme_rom_patient_exercise", "patient_id", "exercise", "measure", "day"),
                      Index("ix_programme_rom_patient_day", "patient_id", "day"))

class TrackRow(Base):
    """Keypoints of every frame of a set, zlib-compressed JSON: stored only when asked (privacy)."""

    __tablename__ = "programme_tracks"
    set_id: Mapped[int] = mapped_column(ForeignKey("programme_sets.id", ondelete="CASCADE"), primary_key=True)
    frames: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class CareLink(Base):
    """A therapist's account (by name, `movenet users`) linked to a patient: the therapist sees
    that patient's programme and history in the web app."""

    __tablename__ = "programme_care"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("programme_patients.id", ondelete="CASCADE"), nullable=False, index=True)
    therapist: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    __table_args__ = (Index("uq_programme_care_patient_therapist", "patient_id", "therapist", unique=True),)


class WeeklyRow(Base):
    """The trends' weekly roll-up, one row per patient, week (day // 7) and series, rebuilt for a
    week whenever a session of it is saved or deleted (`store.ROLLUP_SQL`): a long history's
    trends read thousands of these instead of hundreds of thousands of set rows.

    kind "sess": n sessions, a = sum of adherence, b = repetitions done
    kind "reps" (name = exercise): n sets, a = reps, b = target reps, c = partial reps, d = sets done
    kind "rom" (name = exercise, key = measure): n sets, a = smallest angle, b = largest, c = sum of
         ranges, d = sets with a target, e = sets that met it
    kind "test" (name = test, key = side or ""): n trials, a = sum of values
    """

    __tablename__ = "programme_weekly"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("programme_patients.id", ondelete="CASCADE"), nullable=False)
    week: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    key: Mapped[str] = mapped_column(String(32), nullable=False)
    n: Mapped[int] = mapped_column(Integer, nullable=False)
    a: Mapped[float] = mapped_column(Float, nullable=False)
    b: Mapped[float] = mapped_column(Float, nullable=False)
    c: Mapped[float] = mapped_column(Float, nullable=False)
    d: Mapped[float] = mapped_column(Float, nullable=False)
    e: Mapped[float] = mapped_column(Float, nullable=False)
    __table_args__ = (Index("uq_programme_weekly", "patient_id", "kind", "name", "key", "week", unique=True),)
