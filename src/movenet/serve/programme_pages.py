"""The web app's programme pages: a patient's page that runs their programme live in the browser
(start, next, pause, redo a set, skip, stop, with the skeleton over the camera) and their history
page (trends drawn by a local script, `static/charts.js`), with the JSON API behind them.

    GET  /patients                                the patients this login may see (page)
    GET  /patients/{patient}                      run the current programme live (page)
    GET  /patients/{patient}/history              history and trends (page)
    GET  /api/patients                            [{patient, sessions, last_session}]
    GET  /api/patients/{patient}/programme        the current programme and its steps
    GET  /api/patients/{patient}/history          movenet.programme.history.history()
    GET  /api/patients/{patient}/sessions/{id}    one session's stored results
    DELETE /api/patients/{patient}/sessions/{id}  delete it (admin, their therapist, the patient)
    GET  /api/patients/{patient}/report.html      the report (an explicit export)
    WS   /ws/programme/{patient}                  the live protocol of /ws (serve/protocol.py),
         plus {"type": "command", "command": "start|next|pause|resume|redo|skip|stop"}; the
         `programme` analysis result is the runner's state; the session is saved when it ends
         (or when the page leaves after at least one set)

Who may see what (`authorize`): admin accounts (and this machine's user on a loopback server
without login) everything; a therapist the patients linked to them (`movenet patient link
PATIENT --therapist NAME`); a patient account only its own patient ID; viewers nothing.
"""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from movenet.accounts.principal import Forbidden, Principal
from movenet.errors import InvalidOptionError, MovenetError
from movenet.serve import protocol
from movenet.serve.auth import principal_of

STATIC = Path(__file__).resolve().parent / "static"
COMMANDS = ("start", "next", "pause", "resume", "redo", "skip", "stop")


class ProgrammeService:
    """The routes' access to the programme store (opened on first use: a server without the db
    extra still serves everything else)."""

    def __init__(self, database_url: str | None = None, store=None) -> None:
        self.database_url = database_url
        self._store = store

    @property
    def store(self):
        if self._store is None:
            from movenet.programme.store import ProgrammeStore
            from movenet.storage import Database

            self._store = ProgrammeStore(Database(self.database_url))
        return self._store

    def authorize(self, principal: Principal, code: str, *, write: bool = False) -> None:
        """Forbidden unless `principal` may see (or, `write`, change) patient `code`'s data."""
        if principal.is_admin:
            return
        if principal.role == "patient":
            if principal.patient_id is not None and principal.patient_id == code:
                return
            raise Forbidden("a patient account sees only its own programme and history")
        if principal.role == "therapist":
            if self.store.is_therapist_of(principal.name, code):
                return
            raise Forbidden(f"patient {code} is not one of {principal.name}'s patients")
        raise Forbidden(f"{principal.role} accounts see no patient data")

    def visible_patients(self, principal: Principal) -> list[dict]:
        patients = self.store.patients()
        if principal.is_admin:
            return patients
        if principal.role == "therapist":
            mine = set(self.store.therapist_patients(principal.name))
            return [p for p in patients if p["patient"] in mine]
        if principal.role == "patient":
            return [p for p in patients if p["patient"] == principal.patient_id]
        return []


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def guarded(handler):
    """Turn the store's and the authorization's errors into 403 / 404 / 400 / 503 answers."""
    from movenet.programme.store import NotFoundError
    from movenet.storage.database import DatabaseError

    @functools.wraps(handler)
    async def wrapper(request: Request) -> Response:
        try:
            return await handler(request)
        except Forbidden as exc:
            return _error(403, str(exc))
        except NotFoundError as exc:
            return _error(404, str(exc))
        except DatabaseError as exc:  # the URL in it is redacted
            return _error(503, f"database unavailable: {exc}")
        except (InvalidOptionError, ValueError) as exc:
            return _error(400, str(exc))
    return wrapper


def _service(request) -> ProgrammeService:
    return request.app.state.programmes


def _patient(request, write: bool = False) -> str:
    from movenet.programme.store import check_patient_code

    code = check_patient_code(request.path_params["patient"])
    _service(request).authorize(principal_of(request), code, write=write)
    return code


async def _run(fn, *args, **kwargs):
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args, **kwargs))


@guarded
async def patients_page(request: Request) -> Response:
    return FileResponse(STATIC / "patients.html")


@guarded
async def patient_page(request: Request) -> Response:
    from movenet.serve import browser

    _patient(request)  # cross-origin isolated when the page runs the model (browser inference)
    return FileResponse(STATIC / "patient.html", headers=browser.page_headers(request.app.state.server.config.inference, request))


@guarded
async def history_page(request: Request) -> Response:
    _patient(request)
    return FileResponse(STATIC / "history.html")


@guarded
async def api_patients(request: Request) -> Response:
    service = _service(request)
    return JSONResponse(await _run(service.visible_patients, principal_of(request)))


@guarded
async def api_programme(request: Request) -> Response:
    code = _patient(request)
    programme = await _run(_service(request).store.current_programme, code)
    if programme is None:
        return _error(404, f"patient {code} has no programme yet: movenet session assign PROGRAMME --patient {code}")
    return JSONResponse({**programme.to_dict(), "digest": programme.digest, "planned": programme.planned(),
                         "steps": [{"title": s.title(), "kind": s.kind, "target_reps": s.target_reps, "rest_after_s": s.rest_after_s}
                                   for s in programme.steps()]})


@guarded
async def api_history(request: Request) -> Response:
    from movenet.programme.history import history

    code = _patient(request)
    try:
        limit = min(max(int(request.query_params.get("limit", 20)), 1), 200)
    except ValueError:
        return _error(400, "limit must be a whole number from 1 to 200")
    return JSONResponse(await _run(history, _service(request).store, code, limit=limit))


@guarded
async def api_session(request: Request) -> Response:
    code = _patient(request, write=request.method == "DELETE")
    store = _service(request).store
    try:
        session_id = int(request.path_params["session"])
    except ValueError:
        return _error(400, "a session id is a number")
    from movenet.programme.store import NotFoundError

    if await _run(store.session_patient, session_id) != code:
        raise NotFoundError(f"no session {session_id} of patient {code}")
    if request.method == "DELETE":
        await _run(store.delete_session, session_id)
        return JSONResponse({"deleted": session_id})
    return JSONResponse(await _run(store.session, session_id))


@guarded
async def api_report(request: Request) -> Response:
    from movenet.reports import render_html

    code = _patient(request)
    html = await _run(render_html, _service(request).store, code)
    return HTMLResponse(html, headers={"Content-Disposition": f'attachment; filename="movenet_report_{code}.html"'})


async def live_programme(websocket: WebSocket) -> None:
    from movenet.programme import SessionRunner
    from movenet.programme.store import check_patient_code
    from movenet.serve.app import MAX_FRAME_BYTES, MAX_FRAME_PIXELS
    from movenet.serve.inference import Settings

    server = websocket.app.state.server
    service: ProgrammeService = websocket.app.state.programmes
    try:
        code = check_patient_code(websocket.path_params["patient"])
        service.authorize(principal_of(websocket), code, write=True)
        programme = await _run(service.store.current_programme, code)
    except (MovenetError, PermissionError) as exc:
        await websocket.close(1008, protocol.reason(str(exc)))  # policy violation
        return
    if programme is None:
        await websocket.close(1008, protocol.reason(f"patient {code} has no programme yet"))
        return
    await websocket.accept()
    # browser inference (serve/browser.py): the page's model, its keypoints here; sessions counted as /ws counts them
    limit = server.sessions if server.browser_sessions is None else server.browser_sessions
    if not limit.try_open():
        await websocket.close(protocol.CLOSE_BUSY, protocol.reason("busy: too many live sessions; try again later"))
        return
    runner = SessionRunner(programme, patient=code, source="browser", model=server.config.model, autostart=False)
    session = ProgrammeLiveSession(server.engine, Settings(model=server.config.model, precision=server.config.precision),
                                   runner, service.store, max_frame_bytes=MAX_FRAME_BYTES, max_pixels=MAX_FRAME_PIXELS,
                                   inference=server.config.inference,
                                   server_slots=None if server.browser_sessions is None else server.sessions)
    try:
        await session.serve(websocket.receive, websocket.send_text, lambda c, why: websocket.close(c, why))
    finally:
        session.release()
        limit.close()
        await _run(session.save_if_worth_it)


class LiveProgramme:
    """The `programme` analyser: the runner fed with every frame's poses."""

    def __init__(self, runner, on_done) -> None:
        self.runner = runner
        self.on_done = on_done

    def update(self, poses, timestamp_ms: float, frame_size: tuple[float, float] | None = None) -> dict:
        state = self.runner.update(poses, timestamp_ms)
        return self.result(state)

    def result(self, state) -> dict:
        out = state.to_dict()
        out["results"] = [r.to_dict() for r in self.runner.results]
        if state.phase == "done":
            out["saved"] = self.on_done()
        return out

    def reset(self) -> None:  # "reset" from the page: the programme starts over
        self.runner.reset()


def _live_session_class():
    from movenet.serve.sessions import LiveSession

    class _ProgrammeLiveSession(LiveSession):
        """A live session whose one analyser is the programme runner; it also takes commands."""

        def __init__(self, engine, settings, runner, store, **limits) -> None:
            super().__init__(engine, settings, **limits)
            self.store = store
            self.saved: int | None = None
            self.runner = runner
            self.analysers = {"programme": LiveProgramme(runner, self.save)}
            self.analyser_options = {"programme": {"patient": runner.patient}}

        async def _receive_loop(self, receive) -> None:
            while True:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    return
                if message.get("bytes") is not None:
                    self.take_frame(message["bytes"])  # refused in browser mode (serve/browser.py)
                elif message.get("text") is not None:
                    payload = protocol.parse_text(message["text"])
                    kind = payload.pop("type")
                    if kind == "keypoints":  # browser mode: the page's poses
                        self.take_keypoints(payload)
                        continue
                    if kind not in ("settings", "command"):
                        raise protocol.ProtocolError(protocol.CLOSE_UNSUPPORTED,
                                                     f"unknown message type {kind!r}; known: settings, command, keypoints")
                    if kind == "settings" and "inference" in payload:
                        self.switch_inference(payload)
                    self._messages.append((kind, payload))
                    self._ready.set()

        def handle(self, messages, taken):
            out = []
            for kind, payload in messages:
                if kind == "command":
                    out.append(self.command(payload))
                elif kind == "keypoints":
                    out += self.analyse_keypoints(payload)
                elif kind == "error":
                    out.append(protocol.dumps({"type": "error", "message": payload}))
                else:
                    payload.pop("analysers", None)  # the programme is the only analyser here
                    out.append(self.apply(payload))
            return out + super().handle([], taken)

        def command(self, payload: dict) -> str:
            name = payload.get("command")
            if name not in COMMANDS or set(payload) - {"command"}:
                return protocol.dumps({"type": "error", "message": f"command must be one of {', '.join(COMMANDS)}; got {payload!r}"})
            state = getattr(self.runner, name)()
            from movenet.serve.analysers import json_safe

            return protocol.dumps({"type": "analysis", "frame": None, "command": name,
                                   "results": {"programme": json_safe(self.analysers["programme"].result(state))}})

        def save(self) -> int | None:
            """Store the finished session once (its id)."""
            if self.saved is None:
                result = self.runner.finish()
                self.saved = self.store.save_session(result, self.runner.programme)
            return self.saved

        def save_if_worth_it(self) -> None:
            """The page left: keep what was done (a session with at least one set)."""
            if self.saved is None and self.runner.results:
                self.save()

    return _ProgrammeLiveSession


def ProgrammeLiveSession(*args, **kwargs):  # noqa: N802 - a class made on first use
    return _live_session_class()(*args, **kwargs)


def programme_routes() -> tuple:
    return (
        Route("/patients", patients_page),
        Route("/patients/{patient}", patient_page),
        Route("/patients/{patient}/history", history_page),
        Route("/api/patients", api_patients),
        Route("/api/patients/{patient}/programme", api_programme),
        Route("/api/patients/{patient}/history", api_history),
        Route("/api/patients/{patient}/sessions/{session}", api_session, methods=["GET", "DELETE"]),
        Route("/api/patients/{patient}/report.html", api_report),
        WebSocketRoute("/ws/programme/{patient}", live_programme),
    )


def install(app, database_url: str | None = None, store=None) -> None:
    """Attach the programme service to a created app (its routes come through `extra_routes`)."""
    inner = app
    while not hasattr(inner, "state") and hasattr(inner, "app"):
        inner = inner.app
    inner.state.programmes = ProgrammeService(database_url, store)
