"""Login in front of the web app, over real HTTP and WebSocket connections: every route refuses
without a session or token, cookies are HttpOnly and SameSite=Strict (Secure behind https), logins
are rate-limited, tokens work for scripts, and a server beyond loopback requires all of it."""

import json

import pytest
import serve_helpers  # noqa: F401 - skips without the serve extra
from serve_helpers import request
from starlette.routing import Mount, Route, WebSocketRoute

from movenet.serve import BackgroundServer, ServeConfig
from movenet.serve.auth import LoginLimiter

pytest.importorskip("sqlalchemy", reason="accounts need the db extra")
PASSWORD = "a-long-password"


def make_store(tmp_path):
    from movenet.accounts import AccountStore
    from movenet.storage import Database

    database = Database(f"sqlite:///{tmp_path / 'accounts.db'}")
    database.upgrade()
    store = AccountStore(database)
    store.create("ana", role="admin", password=PASSWORD)
    store.create("vic", role="viewer", password=PASSWORD)
    return store


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = make_store(tmp_path_factory.mktemp("auth"))
    with BackgroundServer(ServeConfig(port=0, threads=1, auth="on"), store=store) as running:
        running.store = store
        yield running


def login(server, name="ana", password=PASSWORD, headers=None):
    body = json.dumps({"name": name, "password": password}).encode()
    return request(server.url + "api/login", body, {"Content-Type": "application/json", **(headers or {})})


def cookie_of(headers) -> str:
    return headers["set-cookie"].split(";")[0]


def routes(server):
    """Every route of the app with a method and a concrete path (parameters filled in)."""
    app = server.app.app.app
    for route in app.routes:
        path = route.path.replace("{job}", "0123").replace("{name}", "poses.jsonl").replace("{id}", "1")
        if isinstance(route, Mount):
            yield "GET", path + "/main.js", "http"
        elif isinstance(route, WebSocketRoute):
            yield "GET", path, "websocket"
        elif isinstance(route, Route):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, path, "http"


def test_every_route_refuses_without_login(server):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    checked = 0
    for method, path, kind in routes(server):
        if path == "/healthz":
            assert request(server.url + "healthz")[2] == {"ok": True}  # open: nothing but ok
            continue
        if kind == "websocket":
            with pytest.raises(InvalidStatus) as info:
                connect(server.url.replace("http", "ws") + path.lstrip("/"))
            assert info.value.response.status_code == 403
        else:
            data = b"x" if method == "POST" else None
            status, headers, body = request(server.url + path.lstrip("/"), data, {"Content-Type": "application/octet-stream"}, method=method)
            assert status == 401, (method, path, status)
            assert "log in first" in body["error"] and headers["www-authenticate"].startswith("Bearer")
            # A page opened in a browser goes to the login page instead.
            if method == "GET":
                status, headers, _ = request(server.url + path.lstrip("/"), headers={"Accept": "text/html"})
                assert status == 303 and headers["location"].startswith("/login?next=")
        checked += 1
    assert checked >= 15  # /, info, poses, videos, video status/files, openapi, static, ws, cameras, events, evidence


def test_login_cookie_grants_pages_api_and_websocket(server):
    from websockets.sync.client import connect

    status, _, page = request(server.url + "login")
    assert status == 200 and b"/static/login.js" in page
    assert login(server, password="wrong-password")[0] == 401
    status, headers, body = login(server)
    assert status == 200 and body["role"] == "admin"
    flags = [f.strip() for f in headers["set-cookie"].split(";")]
    assert "HttpOnly" in flags and "SameSite=Strict" in flags and "Secure" not in flags
    cookie = cookie_of(headers)
    assert request(server.url + "api/info", headers={"Cookie": cookie})[0] == 200
    assert request(server.url, headers={"Cookie": cookie})[0] == 200
    assert request(server.url + "api/me", headers={"Cookie": cookie})[2]["name"] == "ana"
    with connect(server.url.replace("http", "ws") + "ws", additional_headers={"Cookie": cookie}) as ws:
        ws.send(json.dumps({"type": "hello"}))  # accepted: the handshake went through
    assert request(server.url + "api/logout", b"", {"Cookie": cookie})[0] == 200
    assert request(server.url + "api/info", headers={"Cookie": cookie})[0] == 401  # the session is gone


def test_secure_cookie_behind_tls_proxy(server):
    # uvicorn trusts X-Forwarded-Proto from 127.0.0.1 (a reverse proxy on this machine).
    status, headers, _ = login(server, "vic", headers={"X-Forwarded-Proto": "https"})
    assert status == 200 and "Secure" in [f.strip() for f in headers["set-cookie"].split(";")]


def test_bearer_token(server):
    token = server.store.issue_token("vic", "script")
    assert request(server.url + "api/info", headers={"Authorization": f"Bearer {token}"})[0] == 200
    assert request(server.url + "api/info", headers={"Authorization": "Bearer not-a-token"})[0] == 401


def test_login_rate_limited(tmp_path):
    store = make_store(tmp_path)
    with BackgroundServer(ServeConfig(port=0, threads=1, auth="on"), store=store) as server:
        for _ in range(5):
            assert login(server, password="guess-guess")[0] == 401
        status, headers, body = login(server)  # even the right password waits now
        assert status == 429 and int(headers["retry-after"]) > 0 and "too many" in body["error"]


def test_limiter_window():
    now = [0.0]
    limiter = LoginLimiter(max_failures=2, window_s=60, clock=lambda: now[0])
    limiter.failed("ip:a")
    assert limiter.retry_after("ip:a") == 0
    limiter.failed("ip:a")
    assert limiter.retry_after("ip:a") == 60 and limiter.retry_after("ip:b") == 0
    now[0] = 61.0
    assert limiter.retry_after("ip:a") == 0


def test_remote_binding_requires_login(tmp_path, monkeypatch):
    from movenet.errors import InvalidOptionError
    from movenet.serve.app import account_store

    assert ServeConfig(host="0.0.0.0", allow_remote=True).auth_required
    assert not ServeConfig().auth_required
    assert ServeConfig(public_urls=("https://home.example",)).allowed_origins(8000) >= {"https://home.example"}
    empty = ServeConfig(auth="on", database=f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(InvalidOptionError, match="movenet users add NAME --role admin"):
        account_store(empty)


def test_loopback_without_auth_is_open():
    with BackgroundServer(ServeConfig(port=0, threads=1)) as server:
        assert request(server.url + "api/info")[0] == 200
        assert request(server.url + "api/login", b"{}", {"Content-Type": "application/json"})[0] == 404


def test_forbidden_from_a_route_is_403(tmp_path):
    """Routes check roles with `principal_of(request).require(...)`; the app answers 403."""
    from starlette.responses import JSONResponse

    from movenet.serve.auth import principal_of

    async def admin_only(request):
        principal = principal_of(request).require("admin")
        return JSONResponse({"hello": principal.name})

    store = make_store(tmp_path)
    routes = (Route("/api/admin-only", admin_only),)
    with BackgroundServer(ServeConfig(port=0, threads=1, auth="on"), store=store, extra_routes=routes) as server:
        status, _, body = request(server.url + "api/admin-only", headers={"Cookie": cookie_of(login(server, "vic")[1])})
        assert status == 403 and "viewer accounts may not do this" in body["error"]
        assert request(server.url + "api/admin-only", headers={"Cookie": cookie_of(login(server)[1])})[2] == {"hello": "ana"}
