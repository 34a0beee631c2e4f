"""`movenet serve`: a local web app for live pose estimation in the browser (serve extra).

    from movenet.serve import ServeConfig, BackgroundServer
    with BackgroundServer(ServeConfig(port=0)) as server:
        print(server.url)

Layout: config.py (limits), security.py (Host/Origin/site checks, body limits, magic bytes: ASGI
middleware), protocol.py (the live WebSocket protocol), inference.py (settings, models loaded once,
decoding), sessions.py (live sessions), analysers.py (the per-session analysis hook),
video_jobs.py (uploaded videos), app.py (the routes), server.py (uvicorn), static/ (the page).
"""

from movenet.serve.config import ServeConfig

__all__ = ["BackgroundServer", "ServeConfig", "create_app", "serve"]


def __getattr__(name: str):  # Starlette and uvicorn are imported only when used
    if name in ("BackgroundServer", "serve"):
        from movenet.serve import server

        return getattr(server, name)
    if name == "create_app":
        from movenet.serve.app import create_app

        return create_app
    raise AttributeError(name)
