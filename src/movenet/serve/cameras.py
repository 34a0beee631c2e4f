"""The watcher's pages in `movenet serve`: camera health and events, read from the event store
(the same database `movenet watch` writes), behind the same login as every other route.

    GET  /cameras                    the cameras' health (static/cameras.html)
    GET  /api/cameras                the newest health sample of each camera, alerts waiting
    GET  /events                     the events page: filter by camera, play the clip, acknowledge
    GET  /api/events                 ?camera=&kind=&room=&unacknowledged=1&limit=&offset=
    GET  /api/events/{id}            one event with its acknowledgements and evidence
    POST /api/events/{id}/ack        {"note": "..."}: acknowledged by the logged-in account
    GET  /api/evidence/{id}          an evidence file (clip, snapshot, keypoints)

Reading needs the role admin, therapist or viewer; acknowledging admin or therapist (a viewer is
read-only); a patient account sees none of it. The database is opened at the first request.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from movenet.serve.auth import principal_of

STATIC = Path(__file__).resolve().parent / "static"
READ_ROLES = ("therapist", "viewer")
ACK_ROLES = ("therapist",)
MAX_LIMIT = 500


class EventPages:
    """The event store, opened when first needed (so `movenet serve` starts without the db extra)."""

    def __init__(self, database_url: str | None = None, store=None) -> None:
        self.database_url = database_url
        self._store = store
        self._lock = threading.Lock()

    @property
    def store(self):
        with self._lock:
            if self._store is None:
                from movenet.events import EventStore
                from movenet.storage import Database

                database = Database(self.database_url)
                database.upgrade()
                self._store = EventStore(database)
            return self._store


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _allowed(request: Request, roles) -> JSONResponse | None:
    principal = principal_of(request)
    if principal.is_admin or principal.role in roles:
        return None
    return _error(403, f"{principal.role} accounts may not see or change camera events")


async def _call(function, *args, **kwargs):
    import anyio

    return await anyio.to_thread.run_sync(lambda: function(*args, **kwargs))


def event_routes(pages: EventPages) -> list[Route]:
    from movenet.errors import MovenetError
    from movenet.events import EventNotFound

    async def cameras_page(request: Request) -> Response:
        return _allowed(request, READ_ROLES) or FileResponse(STATIC / "cameras.html")

    async def events_page(request: Request) -> Response:
        return _allowed(request, READ_ROLES) or FileResponse(STATIC / "events.html")

    async def cameras(request: Request) -> Response:
        if (refused := _allowed(request, READ_ROLES)) is not None:
            return refused
        try:
            store = pages.store
            latest = await _call(store.latest_health)
            pending = await _call(store.pending)
        except MovenetError as exc:
            return _error(503, str(exc))
        now = time.time()
        return JSONResponse({"cameras": [{**sample, "age_s": round(now - sample["at"], 1)} for sample in latest.values()],
                             "pending_alerts": len(pending)})

    async def events(request: Request) -> Response:
        if (refused := _allowed(request, READ_ROLES)) is not None:
            return refused
        q = request.query_params
        unknown = set(q) - {"camera", "kind", "room", "unacknowledged", "limit", "offset", "since"}
        if unknown:
            return _error(400, f"unknown parameter(s) {', '.join(sorted(unknown))}")
        try:
            limit = min(int(q.get("limit", 100)), MAX_LIMIT)
            offset = int(q.get("offset", 0))
            since = float(q["since"]) if "since" in q else None
        except ValueError:
            return _error(400, "limit and offset must be integers, since a Unix time")
        try:
            found = await _call(pages.store.list_events, camera=q.get("camera") or None, kind=q.get("kind") or None,
                                room=q.get("room") or None, unacknowledged=q.get("unacknowledged") in ("1", "true"),
                                limit=limit, offset=offset, since=since)
            names = await _call(pages.store.cameras)
        except MovenetError as exc:
            return _error(503, str(exc))
        return JSONResponse({"events": found, "cameras": names})

    async def event(request: Request) -> Response:
        if (refused := _allowed(request, READ_ROLES)) is not None:
            return refused
        try:
            found = await _call(pages.store.get, int(request.path_params["id"]))
        except (ValueError, EventNotFound):
            return _error(404, "no such event")
        return JSONResponse(found)

    async def ack(request: Request) -> Response:
        if (refused := _allowed(request, ACK_ROLES)) is not None:
            return refused
        try:
            body = json.loads(await request.body() or b"{}")
            note = str(body.get("note", ""))[:1000]
        except (ValueError, AttributeError):
            return _error(400, 'send JSON {"note": "..."} (or nothing)')
        try:
            found = await _call(pages.store.ack, int(request.path_params["id"]), principal_of(request).name, note)
        except (ValueError, EventNotFound):
            return _error(404, "no such event")
        return JSONResponse(found)

    async def evidence(request: Request) -> Response:
        if (refused := _allowed(request, READ_ROLES)) is not None:
            return refused
        try:
            found = await _call(pages.store.evidence, int(request.path_params["id"]))
        except ValueError:
            found = None
        if found is None:
            return _error(404, "no such evidence file (deleted by retention, or never written)")
        path, media_type = found
        return FileResponse(path, media_type=media_type)

    return [
        Route("/cameras", cameras_page),
        Route("/events", events_page),
        Route("/api/cameras", cameras),
        Route("/api/events", events),
        Route("/api/events/{id}", event),
        Route("/api/events/{id}/ack", ack, methods=["POST"]),
        Route("/api/evidence/{id}", evidence),
    ]
