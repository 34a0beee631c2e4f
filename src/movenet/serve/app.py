"""The routes of `movenet serve` (Starlette), behind the security middleware.

    GET  /                         the page (static/index.html; its JS and CSS under /static/)
    GET  /api/info                 models, settings, skeleton, colours, limits, analysers (for the page)
    POST /api/poses                an image body -> the poses JSON of `movenet predict` (one entry)
    POST /api/videos               a video body -> a job: GET /api/videos/{id} for progress, then
                                   /api/videos/{id}/annotated.mp4 and /poses.jsonl (and, when asked
                                   with ?exercise=NAME / ?falls=METHOD, /exercise.json and
                                   /falls.jsonl); DELETE when done
    GET  /api/openapi.json         the API described (OpenAPI 3.1)
    GET  /healthz                  {"ok": true} (open without login: container health checks)
    GET  /login, POST /api/login, POST /api/logout, GET /api/me: serve/auth.py (when a login is
                                   required: beyond loopback, or --auth on)
    WS   /ws                       live frames in, poses out (protocol.py)
    GET  /cameras, /events and their APIs: the watcher's camera health and events (cameras.py)
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket

from movenet.accounts.principal import Forbidden
from movenet.errors import InvalidInputError, InvalidOptionError
from movenet.registry import get_spec, list_models
from movenet.serve import protocol
from movenet.serve.analysers import list_analysers
from movenet.serve.cameras import EventPages, event_routes
from movenet.serve.config import MAX_FRAME_PIXELS, ServeConfig
from movenet.serve.inference import (
    TRACKERS,
    Engine,
    Settings,
    TooLargeError,
    decode_upload,
    estimate,
)
from movenet.serve.job_analysis import QUERY as ANALYSIS_QUERY
from movenet.serve.job_analysis import JobAnalysis
from movenet.serve.openapi import OPENAPI
from movenet.serve.security import (
    IMAGE_TYPES,
    VIDEO_TYPES,
    BodyRule,
    SecurityMiddleware,
    sniff_image,
    sniff_video,
)
from movenet.serve.sessions import LiveSession, SessionLimit
from movenet.serve.video_jobs import DOWNLOADS, VideoJobs
from movenet.skeleton import KEYPOINT_NAMES, SKELETON_EDGES
from movenet.viz import (
    CENTER_COLOR,
    DEFAULT_THRESHOLD,
    LEFT_COLOR,
    PERSON_COLORS,
    RIGHT_COLOR,
)

STATIC = Path(__file__).resolve().parent / "static"
# A JPEG frame is far smaller than raw pixels; the raw RGBA limit bounds both.
MAX_FRAME_BYTES = protocol.HEADER_BYTES + MAX_FRAME_PIXELS * 4
UPLOAD_SETTINGS = ("model", "precision", "min_pose_score", "max_poses")  # query parameters


@dataclass
class Server:
    config: ServeConfig
    engine: Engine
    sessions: SessionLimit
    jobs: VideoJobs
    pending_images: int = 0


def error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


def query_settings(server: Server, request: Request, extra: tuple[str, ...] = ()) -> Settings:
    """model, precision, min_pose_score, max_poses (and `extra`) from the query string; others are
    refused."""
    params = dict(request.query_params)
    known = (*UPLOAD_SETTINGS, *extra)
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise InvalidOptionError(f"unknown parameter(s) {', '.join(unknown)}; known: {', '.join(known)}")
    changes: dict = {k: params[k] for k in ("model", "precision") if k in params}
    try:
        if "min_pose_score" in params:
            changes["min_pose_score"] = float(params["min_pose_score"])
        if "max_poses" in params:
            changes["max_poses"] = int(params["max_poses"])
    except ValueError as exc:
        raise InvalidOptionError(f"min_pose_score must be a number and max_poses an integer ({exc})") from exc
    return Settings(model=server.config.model, precision=server.config.precision).updated(changes)


async def index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html")


async def info(request: Request) -> Response:
    server: Server = request.app.state.server
    config = server.config
    return JSONResponse({
        "models": [{"name": m, "description": get_spec(m).description, "multi_pose": get_spec(m).multi_pose,
                    "max_poses": get_spec(m).max_poses} for m in list_models("movenet")],
        "precisions": ["fp32", "int8"], "trackers": list(TRACKERS),
        "settings": Settings(model=config.model, precision=config.precision).to_dict(),
        "threshold": DEFAULT_THRESHOLD,
        "keypoints": list(KEYPOINT_NAMES), "edges": [list(e) for e in SKELETON_EDGES],
        "colors": {"left": LEFT_COLOR, "right": RIGHT_COLOR, "center": CENTER_COLOR, "people": PERSON_COLORS},
        "limits": {"image_bytes": config.max_image_bytes, "image_pixels": config.max_image_pixels,
                   "video_bytes": config.max_video_bytes, "video_frames": config.max_video_frames,
                   "frame_bytes": MAX_FRAME_BYTES, "frame_pixels": MAX_FRAME_PIXELS, "sessions": config.max_sessions},
        "analysers": list_analysers(),
    })


async def poses(request: Request) -> Response:
    server: Server = request.app.state.server
    try:
        settings = query_settings(server, request)
    except InvalidOptionError as exc:
        return error(400, str(exc))
    body = await request.body()
    if sniff_image(body[:16]) is None:
        return error(415, "the body is not a JPEG, PNG, WebP or BMP image (checked by its first bytes)")
    if server.pending_images >= server.config.max_pending_images:
        return error(503, f"busy: {server.pending_images} images are waiting; try again shortly", **{"retry-after": "1"})
    server.pending_images += 1
    try:
        def run():
            rgb = decode_upload(body, server.config.max_image_pixels)
            return estimate(server.engine.detector(settings), rgb, None)

        result = await asyncio.get_running_loop().run_in_executor(server.engine.executor, run)
    except InvalidInputError as exc:
        return error(413 if isinstance(exc, TooLargeError) else 415, str(exc))
    finally:
        server.pending_images -= 1
    return JSONResponse({"width": result.width, "height": result.height, "model": settings.model,
                         "poses": [p.to_dict() for p in result.poses]})


async def create_video(request: Request) -> Response:
    server: Server = request.app.state.server
    try:
        settings = query_settings(server, request, ANALYSIS_QUERY)
        analysis = JobAnalysis.from_query(dict(request.query_params))
    except InvalidOptionError as exc:
        return error(400, str(exc))
    chunks = request.stream()
    head = b""
    async for chunk in chunks:
        head += chunk
        if len(head) >= 16:
            break
    kind = sniff_video(head[:16])
    if kind is None:
        return error(415, "the body is not an MP4/MOV, WebM/MKV or AVI video (checked by its first bytes)")
    job = server.jobs.create(kind, settings, analysis)
    if job is None:
        return error(503, "busy: a video is being processed; try again when it is done", **{"retry-after": "5"})
    try:
        async with await anyio.open_file(job.input, "wb") as out:  # writes in a worker thread
            await out.write(head)
            async for chunk in chunks:
                await out.write(chunk)
    except BaseException:
        server.jobs.delete(job.id)
        raise
    server.jobs.start(job)
    return JSONResponse(job.status(), status_code=202)


async def video_status(request: Request) -> Response:
    job = request.app.state.server.jobs.get(request.path_params["job"])
    if job is None:
        return error(404, "no such video job (finished jobs are deleted after a while)")
    if request.method == "DELETE":
        request.app.state.server.jobs.delete(job.id)
        return Response(status_code=204)
    return JSONResponse(job.status())


async def video_file(request: Request) -> Response:
    job = request.app.state.server.jobs.get(request.path_params["job"])
    name = request.path_params["name"]
    if job is None or name not in job.files() or job.state != "done":
        return error(404, "no such file (the job is unknown, not done, or deleted, or its analysis was not asked for)")
    media = {file: media for file, media in DOWNLOADS.values()}[name]
    return FileResponse(job.folder / name, media_type=media, filename=f"movenet_{name}")


async def openapi(request: Request) -> Response:
    return JSONResponse(OPENAPI)


async def live(websocket: WebSocket) -> None:
    server: Server = websocket.app.state.server
    await websocket.accept()
    if not server.sessions.try_open():
        await websocket.close(protocol.CLOSE_BUSY, protocol.reason(
            f"busy: {server.sessions.max_sessions} live sessions already (--max-sessions); try again later"))
        return
    try:
        session = LiveSession(
            server.engine, Settings(model=server.config.model, precision=server.config.precision),
            max_frame_bytes=MAX_FRAME_BYTES, max_pixels=MAX_FRAME_PIXELS,
        )
        await session.serve(websocket.receive, websocket.send_text, lambda code, why: websocket.close(code, why))
    finally:
        server.sessions.close()


def account_store(config: ServeConfig):
    """The accounts of a server that requires a login (None when it does not); a clear error when
    the db extra is missing or no account exists yet."""
    if not config.auth_required:
        return None
    from movenet.accounts import AccountStore
    from movenet.errors import InvalidOptionError
    from movenet.storage import Database
    from movenet.storage.database import DatabaseError

    try:
        database = Database(config.database)
        database.upgrade()
    except DatabaseError as exc:
        raise InvalidOptionError(f"a server reachable from other machines needs accounts: {exc}") from None
    store = AccountStore(database)
    if store.count() == 0:
        raise InvalidOptionError(
            "a server reachable from other machines (or with --auth on) needs a login, and there is no "
            "account yet: movenet users add NAME --role admin")
    return store


async def forbidden(request: Request, exc: Exception) -> Response:
    """A route's `principal_of(request).require(...)` that failed: 403 with the reason."""
    return error(403, str(exc))


async def healthz(request: Request) -> Response:
    return JSONResponse({"ok": True})


def create_app(config: ServeConfig, port: int, engine: Engine | None = None, *, store=None,
               extra_routes: tuple = (), on_shutdown=None, event_pages=None):
    """The ASGI app for a server listening on `port` (the Host and Origin checks need it).
    `store`: the AccountStore (default: from config when it requires a login); `extra_routes`:
    more Starlette routes (the camera and event pages), behind the same checks."""
    engine = engine or Engine(threads=config.threads, spinning=config.spinning)
    server = Server(config, engine, SessionLimit(config.max_sessions), VideoJobs(
        engine, max_jobs=config.max_video_jobs, max_frames=config.max_video_frames, ttl_s=config.video_ttl_s))

    @contextlib.asynccontextmanager
    async def lifespan(app):
        loop = asyncio.get_running_loop()  # load the default model before the first frame
        await loop.run_in_executor(engine.executor, engine.runtime, config.model, config.precision)
        try:
            yield
        finally:
            server.jobs.close()
            engine.close()
            if on_shutdown is not None:
                on_shutdown()

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/api/info", info),
            Route("/api/poses", poses, methods=["POST"]),
            Route("/api/videos", create_video, methods=["POST"]),
            Route("/api/videos/{job}", video_status, methods=["GET", "DELETE"]),
            Route("/api/videos/{job}/{name}", video_file),
            Route("/api/openapi.json", openapi),
            Route("/healthz", healthz, methods=["GET", "HEAD"]),
            *event_routes(event_pages or EventPages(config.database)),
            *extra_routes,
            WebSocketRoute("/ws", live),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        lifespan=lifespan,
        exception_handlers={Forbidden: forbidden},
    )
    app.state.server = server
    rules = (
        BodyRule("POST", "/api/poses", config.max_image_bytes, IMAGE_TYPES),
        BodyRule("POST", "/api/videos", config.max_video_bytes, VIDEO_TYPES),
    )
    from movenet.serve.auth import AuthMiddleware

    if store is None:
        store = account_store(config)
    authed = AuthMiddleware(app, store, required=config.auth_required, secure_cookies=config.secure_cookies)
    return SecurityMiddleware(
        authed, allowed_hosts=config.allowed_hosts_with_port(port), allowed_origins=config.allowed_origins(port),
        body_rules=rules,
    )
