"""`EventStore`: the events of the cameras, their acknowledgements, evidence, health history and
the delivery outbox, in the one database (`movenet.storage.Database`).

    store = EventStore(Database())          # db.upgrade() first (the watcher does it)
    event_id = store.add_event(record, targets=["mqtt", "apprise"])   # + its outbox rows, atomically
    store.merge_camera(event_id, "hall")    # another camera of the room saw the same fall
    store.list_events(camera="hall"); store.ack(event_id, by="ana")

Delivery is at-least-once: `add_event` writes the event and one outbox row per destination in one
transaction before anything is sent; `due()` gives the rows to send, `delivered()` marks one done,
`failed()` schedules the next try. A process killed in between sends the row again after its
restart (a duplicate at worst, never a loss).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from movenet.errors import MovenetError

# Retries: 1 s, 2 s, 4 s ... up to 60 s between tries, forever (an alert is never dropped).
RETRY_FIRST_S = 1.0
RETRY_MAX_S = 60.0


class EventNotFound(MovenetError, LookupError):
    pass


@dataclass(frozen=True)
class EventRecord:
    """An event as the watcher hands it to the store (wall-clock seconds)."""

    camera: str
    kind: str
    confirmed_at: float
    started_at: float
    stream_ms: float
    confidence: float
    track_id: int | None = None
    room: str | None = None
    method: str = "default"
    reason: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        track = "-" if self.track_id is None else str(self.track_id)
        return f"{self.camera}/{self.kind}/{track}/{self.confirmed_at:.3f}"


def _t():
    from movenet.events import tables

    return tables


def event_dict(event, acks=(), evidence=()) -> dict:
    return {
        "id": event.id, "event": event.kind, "event_type": event.kind, "camera": event.camera,
        "cameras": json.loads(event.cameras), "room": event.room, "track_id": event.track_id,
        "started_at": event.started_at, "confirmed_at": event.confirmed_at,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(event.confirmed_at)),
        "stream_ms": round(event.stream_ms, 3), "confidence": round(event.confidence, 4), "method": event.method,
        "reason": json.loads(event.reason),
        "acknowledged": bool(acks), "acks": [{"by": a.by, "at": a.at, "note": a.note} for a in acks],
        "evidence": [{"id": f.id, "kind": f.kind, "media_type": f.media_type, "bytes": f.bytes,
                      "deleted": f.deleted_at is not None} for f in evidence],
    }


class EventStore:
    def __init__(self, database) -> None:
        self.db = database

    # -- events --------------------------------------------------------------------------------
    def add_event(self, record: EventRecord, targets=(), evidence=()) -> tuple[int, bool]:
        """(event id, created): the event, its `evidence` files ((kind, path, media type), e.g.
        the snapshot written just before) and one outbox row per target, in one transaction; an
        event with the same key (a restarted watcher replaying it) returns the existing id."""
        from sqlalchemy import select

        t = _t()
        now = time.time()
        with self.db.session() as s:
            existing = s.scalar(select(t.Event.id).where(t.Event.key == record.key))
            if existing is not None:
                return existing, False
            event = t.Event(key=record.key, camera=record.camera, cameras=json.dumps([record.camera]), room=record.room,
                            kind=record.kind, track_id=record.track_id, started_at=record.started_at,
                            confirmed_at=record.confirmed_at, stream_ms=record.stream_ms, confidence=record.confidence,
                            method=record.method, reason=json.dumps(record.reason), created_at=now)
            s.add(event)
            s.flush()
            files = []
            for kind, path, media_type in evidence:
                path = Path(path)
                files.append(t.EvidenceFile(event_id=event.id, kind=kind, path=str(path.resolve()), media_type=media_type,
                                            bytes=path.stat().st_size if path.exists() else 0, created_at=now))
            s.add_all(files)
            s.flush()
            payload = json.dumps(event_dict(event, (), files))
            for target in targets:
                s.add(t.Outbox(event_id=event.id, target=target, payload=payload, attempts=0, next_attempt_at=now,
                               created_at=now))
            return event.id, True

    def merge_camera(self, event_id: int, camera: str) -> None:
        """Another camera of the room saw the same event: listed on it, no new alert."""
        t = _t()
        with self.db.session() as s:
            event = s.get(t.Event, event_id)
            if event is None:
                raise EventNotFound(f"no event {event_id}")
            cameras = json.loads(event.cameras)
            if camera not in cameras:
                event.cameras = json.dumps([*cameras, camera])

    def get(self, event_id: int) -> dict:
        from sqlalchemy import select

        t = _t()
        with self.db.session() as s:
            event = s.get(t.Event, event_id)
            if event is None:
                raise EventNotFound(f"no event {event_id} (movenet events list shows them)")
            acks = s.scalars(select(t.EventAck).where(t.EventAck.event_id == event_id).order_by(t.EventAck.at)).all()
            files = s.scalars(select(t.EvidenceFile).where(t.EvidenceFile.event_id == event_id).order_by(t.EvidenceFile.id)).all()
            return event_dict(event, acks, files)

    def list_events(self, *, camera: str | None = None, room: str | None = None, kind: str | None = None,
                    since: float | None = None, until: float | None = None, unacknowledged: bool = False,
                    limit: int | None = 100, offset: int = 0) -> list[dict]:
        """Newest first."""
        from sqlalchemy import select

        t = _t()
        query = select(t.Event)
        if camera:
            query = query.where(t.Event.cameras.contains(json.dumps(camera)))
        if room:
            query = query.where(t.Event.room == room)
        if kind:
            query = query.where(t.Event.kind == kind)
        if since is not None:
            query = query.where(t.Event.confirmed_at >= since)
        if until is not None:
            query = query.where(t.Event.confirmed_at < until)
        if unacknowledged:
            query = query.where(~t.Event.id.in_(select(t.EventAck.event_id)))
        query = query.order_by(t.Event.confirmed_at.desc(), t.Event.id.desc()).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.db.session() as s:
            events = s.scalars(query).all()
            ids = [e.id for e in events]
            acks: dict[int, list] = {}
            files: dict[int, list] = {}
            if ids:
                for a in s.scalars(select(t.EventAck).where(t.EventAck.event_id.in_(ids)).order_by(t.EventAck.at)):
                    acks.setdefault(a.event_id, []).append(a)
                for f in s.scalars(select(t.EvidenceFile).where(t.EvidenceFile.event_id.in_(ids)).order_by(t.EvidenceFile.id)):
                    files.setdefault(f.event_id, []).append(f)
            return [event_dict(e, acks.get(e.id, ()), files.get(e.id, ())) for e in events]

    def cameras(self) -> list[str]:
        from sqlalchemy import select

        t = _t()
        with self.db.session() as s:
            names = set(s.scalars(select(t.Event.camera).distinct())) | set(s.scalars(select(t.CameraHealth.camera).distinct()))
        return sorted(names)

    def ack(self, event_id: int, by: str, note: str = "") -> dict:
        t = _t()
        with self.db.session() as s:
            if s.get(t.Event, event_id) is None:
                raise EventNotFound(f"no event {event_id} (movenet events list shows them)")
            s.add(t.EventAck(event_id=event_id, by=by[:64], at=time.time(), note=note))
        return self.get(event_id)

    # -- evidence ------------------------------------------------------------------------------
    def add_evidence(self, event_id: int, kind: str, path: str | Path, media_type: str) -> int:
        t = _t()
        path = Path(path)
        with self.db.session() as s:
            row = t.EvidenceFile(event_id=event_id, kind=kind, path=str(path.resolve()), media_type=media_type,
                                 bytes=path.stat().st_size if path.exists() else 0, created_at=time.time())
            s.add(row)
            s.flush()
            return row.id

    def evidence(self, evidence_id: int) -> tuple[Path, str] | None:
        """(path, media type) of an evidence file still on disk, else None."""
        t = _t()
        with self.db.session() as s:
            row = s.get(t.EvidenceFile, evidence_id)
            if row is None or row.deleted_at is not None or not Path(row.path).is_file():
                return None
            return Path(row.path), row.media_type

    def apply_retention(self, *, max_age_s: float | None = None, max_bytes: int | None = None,
                        now: float | None = None) -> int:
        """Delete evidence files older than `max_age_s`, then the oldest until the rest take at
        most `max_bytes`; their rows are marked deleted, the events stay. Returns files deleted."""
        from sqlalchemy import select

        t = _t()
        now = time.time() if now is None else now
        deleted = 0
        with self.db.session() as s:
            rows = s.scalars(select(t.EvidenceFile).where(t.EvidenceFile.deleted_at.is_(None))
                             .order_by(t.EvidenceFile.created_at, t.EvidenceFile.id)).all()
            total = sum(r.bytes for r in rows)
            for row in rows:
                too_old = max_age_s is not None and row.created_at < now - max_age_s
                too_big = max_bytes is not None and total > max_bytes
                if not (too_old or too_big):
                    continue
                try:
                    os.remove(row.path)
                except FileNotFoundError:
                    pass
                row.deleted_at = now
                total -= row.bytes
                deleted += 1
        return deleted

    # -- health --------------------------------------------------------------------------------
    def record_health(self, camera: str, sample: dict, at: float | None = None) -> None:
        t = _t()
        with self.db.session() as s:
            s.add(t.CameraHealth(camera=camera, at=time.time() if at is None else at, **sample))

    def latest_health(self) -> dict[str, dict]:
        """The newest sample of each camera."""
        from sqlalchemy import func, select

        t = _t()
        with self.db.session() as s:
            newest = select(t.CameraHealth.camera, func.max(t.CameraHealth.id).label("id")).group_by(t.CameraHealth.camera).subquery()
            rows = s.scalars(select(t.CameraHealth).join(newest, t.CameraHealth.id == newest.c.id)).all()
            return {r.camera: _health_dict(r) for r in rows}

    def health_history(self, camera: str, since: float | None = None, limit: int = 1000) -> list[dict]:
        from sqlalchemy import select

        t = _t()
        query = select(t.CameraHealth).where(t.CameraHealth.camera == camera)
        if since is not None:
            query = query.where(t.CameraHealth.at >= since)
        with self.db.session() as s:
            rows = s.scalars(query.order_by(t.CameraHealth.at.desc()).limit(limit)).all()
            return [_health_dict(r) for r in reversed(rows)]

    def prune_health(self, max_age_s: float, now: float | None = None) -> int:
        from sqlalchemy import delete

        t = _t()
        cutoff = (time.time() if now is None else now) - max_age_s
        with self.db.session() as s:
            return s.execute(delete(t.CameraHealth).where(t.CameraHealth.at < cutoff)).rowcount or 0

    # -- outbox --------------------------------------------------------------------------------
    def due(self, now: float | None = None, limit: int = 50, targets: set[str] | None = None) -> list[dict]:
        from sqlalchemy import select

        t = _t()
        now = time.time() if now is None else now
        query = select(t.Outbox).where(t.Outbox.delivered_at.is_(None), t.Outbox.next_attempt_at <= now)
        if targets is not None:
            query = query.where(t.Outbox.target.in_(sorted(targets)))
        with self.db.session() as s:
            rows = s.scalars(query.order_by(t.Outbox.id).limit(limit)).all()
            return [{"id": r.id, "event_id": r.event_id, "target": r.target, "payload": json.loads(r.payload),
                     "attempts": r.attempts} for r in rows]

    def next_due_at(self) -> float | None:
        from sqlalchemy import func, select

        t = _t()
        with self.db.session() as s:
            return s.scalar(select(func.min(t.Outbox.next_attempt_at)).where(t.Outbox.delivered_at.is_(None)))

    def delivered(self, outbox_id: int) -> None:
        t = _t()
        with self.db.session() as s:
            row = s.get(t.Outbox, outbox_id)
            row.delivered_at = time.time()
            row.attempts += 1

    def failed(self, outbox_id: int, error: str) -> float:
        """Schedule the next try (exponential backoff); returns its time."""
        t = _t()
        with self.db.session() as s:
            row = s.get(t.Outbox, outbox_id)
            row.attempts += 1
            row.last_error = error[:500]
            row.next_attempt_at = time.time() + min(RETRY_FIRST_S * 2 ** (row.attempts - 1), RETRY_MAX_S)
            return row.next_attempt_at

    def retry_now(self, targets: set[str] | None = None) -> int:
        """Make undelivered rows due now (a destination came back, or the watcher restarted)."""
        from sqlalchemy import update

        t = _t()
        query = update(t.Outbox).where(t.Outbox.delivered_at.is_(None))
        if targets is not None:
            query = query.where(t.Outbox.target.in_(sorted(targets)))
        with self.db.session() as s:
            return s.execute(query.values(next_attempt_at=time.time())).rowcount or 0

    def pending(self) -> list[dict]:
        """Undelivered outbox rows (for status)."""
        from sqlalchemy import select

        t = _t()
        with self.db.session() as s:
            rows = s.scalars(select(t.Outbox).where(t.Outbox.delivered_at.is_(None)).order_by(t.Outbox.id)).all()
            return [{"id": r.id, "event_id": r.event_id, "target": r.target, "attempts": r.attempts,
                     "last_error": r.last_error} for r in rows]

    def deliveries(self, event_id: int) -> list[dict]:
        from sqlalchemy import select

        t = _t()
        with self.db.session() as s:
            rows = s.scalars(select(t.Outbox).where(t.Outbox.event_id == event_id).order_by(t.Outbox.id)).all()
            return [{"target": r.target, "attempts": r.attempts, "delivered_at": r.delivered_at,
                     "last_error": r.last_error} for r in rows]


HEALTH_FIELDS = ("state", "connected", "fps", "analysed_fps", "frames", "dropped", "reconnects", "cpu_percent",
                 "last_frame_age_s", "last_error", "url")


def _health_dict(row) -> dict:
    return {"camera": row.camera, "at": row.at, **{k: getattr(row, k) for k in HEALTH_FIELDS}}
