"""The event store's tables (Alembic branch "events", storage/migrations/versions/events_*.py).
Times are Unix seconds (float), the same on SQLite and PostgreSQL.

- `events`: one row per alert (a fall seen by several cameras of a room is one row, `cameras`
  lists them); never deleted with its evidence.
- `event_acks`: who acknowledged an event, when, with a note.
- `evidence_files`: clip, snapshot and keypoints files of an event; retention deletes the file and
  marks the row (`deleted_at`), the event stays.
- `camera_health`: per-camera samples (state, fps, frames, drops, reconnects, CPU) over time.
- `outbox`: one row per event and destination (mqtt, apprise, command, post), written in the same
  transaction as the event, marked delivered only once the destination took it: at-least-once
  delivery across broker outages and restarts.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from movenet.storage.base import Base


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)  # idempotency: camera/kind/track/confirmed
    camera: Mapped[str] = mapped_column(String(64), index=True)  # the first camera that saw it
    cameras: Mapped[str] = mapped_column(Text)  # JSON list: every camera of the room that saw it
    room: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)  # fall, long_lie, recovered, ...
    track_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    started_at: Mapped[float] = mapped_column(Float)
    confirmed_at: Mapped[float] = mapped_column(Float, index=True)
    stream_ms: Mapped[float] = mapped_column(Float)  # on the camera's stream timeline
    confidence: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)  # JSON
    created_at: Mapped[float] = mapped_column(Float)


class EventAck(Base):
    __tablename__ = "event_acks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")


class EvidenceFile(Base):
    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # clip, snapshot, keypoints
    path: Mapped[str] = mapped_column(Text)  # absolute
    media_type: Mapped[str] = mapped_column(String(64))
    bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[float] = mapped_column(Float, index=True)
    deleted_at: Mapped[float | None] = mapped_column(Float, nullable=True)  # retention removed the file


class CameraHealth(Base):
    __tablename__ = "camera_health"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    camera: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[float] = mapped_column(Float, index=True)
    state: Mapped[str] = mapped_column(String(16))
    connected: Mapped[bool] = mapped_column(Boolean)
    fps: Mapped[float] = mapped_column(Float)  # frames read per second (last 5 s)
    analysed_fps: Mapped[float] = mapped_column(Float)
    frames: Mapped[int] = mapped_column(Integer)
    dropped: Mapped[int] = mapped_column(Integer)  # stale frames skipped (analysis behind the camera)
    reconnects: Mapped[int] = mapped_column(Integer)
    cpu_percent: Mapped[float] = mapped_column(Float)  # of one core, this camera's threads
    last_frame_age_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)  # redacted
    url: Mapped[str] = mapped_column(Text)  # redacted


class Outbox(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)  # JSON
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[float] = mapped_column(Float, index=True)
    delivered_at: Mapped[float | None] = mapped_column(Float, nullable=True, index=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
