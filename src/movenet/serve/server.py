"""Run the app on uvicorn: bind the socket ourselves (a clear error when the port is taken, port 0
for tests), then serve in this thread (`serve`) or in a background one (`BackgroundServer`)."""

from __future__ import annotations

import socket
import sys
import threading
import time

from movenet.errors import InvalidOptionError
from movenet.serve.app import MAX_FRAME_BYTES, create_app
from movenet.serve.programme_pages import install as install_programmes
from movenet.serve.programme_pages import programme_routes
from movenet.serve.config import ServeConfig, is_loopback
from movenet.serve.inference import Engine

STARTUP_TIMEOUT_S = 60.0  # the default model loads before the server answers (about 1 s)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise InvalidOptionError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def page_url(config: ServeConfig, port: int) -> str:
    host = "127.0.0.1" if config.host in ("0.0.0.0", "::") else config.host.strip("[]")
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _uvicorn_server(app):
    import uvicorn

    # ws_max_size: uvicorn's own cap on a WebSocket message (it closes with 1009 above it); the
    # app checks the same limit with a clearer reason. No access log: nothing about what is seen.
    config = uvicorn.Config(app, log_level="warning", access_log=False, ws_max_size=MAX_FRAME_BYTES, lifespan="on")
    return uvicorn.Server(config)


class BackgroundServer:
    """The app served from a thread (tests, tools): `url`, `stop()`; a context manager."""

    def __init__(self, config: ServeConfig, engine: Engine | None = None, **app_options) -> None:
        self.config = config
        self.sock = bind(config.host, config.port)
        self.port = self.sock.getsockname()[1]
        self.url = page_url(config, self.port)
        self.app = create_app(config, self.port, engine, **app_options)
        self.server = _uvicorn_server(self.app)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    @property
    def state(self):
        """The app's `Server` (engine, sessions, video jobs): for tests."""
        return self.app.app.app.state.server

    def start(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def serve(config: ServeConfig, open_browser: bool = False) -> None:
    """Serve until Ctrl-C."""
    sock = bind(config.host, config.port)
    port = sock.getsockname()[1]
    url = page_url(config, port)
    app = create_app(config, port, extra_routes=programme_routes())
    install_programmes(app, config.database)
    if not is_loopback(config.host):
        print(f"note: listening on {config.host}:{port}: every page needs a login; the traffic is not "
              "encrypted (put a TLS reverse proxy in front: docs/guide/cameras.md). Browsers allow the "
              "camera only on https or localhost.", file=sys.stderr)
    server = _uvicorn_server(app)
    print(f"movenet serve: {url}  (model {config.model}; Ctrl-C stops)", file=sys.stderr)
    if open_browser:
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
