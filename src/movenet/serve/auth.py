"""Authentication in front of the web app: who is asking, for every page, API call and WebSocket.

When it applies: whenever the server listens beyond loopback (`--host 0.0.0.0 --allow-remote`),
and on loopback with `--auth on` (behind a reverse proxy on the same machine, which is how TLS is
added: docs/guide/cameras.md). Otherwise every request is made by `LOCAL` (this machine's user).

How a request proves who it is:
- a **session cookie** from `POST /api/login` (name + password, checked with scrypt): a random
  256-bit value, kept only as its SHA-256 digest in the database; `HttpOnly` (no script reads it),
  `SameSite=Strict` (never sent by another site's page), `Secure` when the request came over
  https (`X-Forwarded-Proto` from a proxy on 127.0.0.1, through uvicorn) or with `--secure-cookies`;
- an **API token** (`Authorization: Bearer TOKEN`, for scripts and Home Assistant), made by
  `movenet users token NAME`, kept only as its digest.
Logins are rate-limited per client address and per account name (`LoginLimiter`): after
`MAX_FAILURES` failures within `WINDOW_S`, 429 with Retry-After until the oldest failure is old.

Without credentials: a page navigation is redirected to /login, an API call gets 401, a WebSocket
handshake 403; only the login page and its script, `POST /api/login` and `/healthz` (`{"ok":
true}`, nothing else) are open. The routes read the principal with `principal_of(request)`.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections import OrderedDict, deque
from collections.abc import Callable
from pathlib import Path

from movenet.accounts.principal import LOCAL, Principal
from movenet.serve.security import Refusal, _refuse_websocket

COOKIE = "movenet_session"
SCOPE_KEY = "movenet.principal"
# Five failed logins per client address or per account name within 15 minutes, then wait: an
# online guesser gets 480 guesses a day per address at most (OWASP Authentication Cheat Sheet:
# throttle, don't lock accounts out for good).
MAX_FAILURES = 5
WINDOW_S = 15 * 60.0
MAX_TRACKED = 10_000  # addresses and names remembered (oldest forgotten first): bounded memory
PUBLIC = frozenset({("GET", "/login"), ("GET", "/static/login.js"), ("GET", "/static/login.css"),
                    ("POST", "/api/login"), ("GET", "/healthz"), ("HEAD", "/healthz")})
STATIC = Path(__file__).resolve().parent / "static"


def principal_of(request_or_scope) -> Principal:
    """The principal of a Starlette Request / WebSocket (or an ASGI scope)."""
    scope = getattr(request_or_scope, "scope", request_or_scope)
    if SCOPE_KEY in scope:
        return scope[SCOPE_KEY]
    if scope.get("movenet.auth_required", True):
        raise PermissionError("no principal: this route is not behind AuthMiddleware")
    return LOCAL


class LoginLimiter:
    """Failed logins per key (client address, account name) in a sliding window."""

    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures, self.window_s, self.clock = max_failures, window_s, clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, key: str) -> deque[float]:
        now = self.clock()
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, *keys: str) -> float:
        """Seconds to wait before another try (0: go ahead)."""
        wait = 0.0
        for key in keys:
            times = self._recent(key)
            if len(times) >= self.max_failures:
                wait = max(wait, times[0] + self.window_s - self.clock())
        return wait

    def failed(self, *keys: str) -> None:
        for key in keys:
            times = self._failures.setdefault(key, deque())
            times.append(self.clock())
            self._failures.move_to_end(key)
            while len(times) > self.max_failures:
                times.popleft()
        while len(self._failures) > MAX_TRACKED:
            self._failures.popitem(last=False)

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(header: str) -> dict[str, str]:
    out = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            out[name] = value
    return out


class AuthMiddleware:
    """ASGI middleware: sets scope[SCOPE_KEY] to the request's Principal, or refuses it."""

    def __init__(self, app, store, *, required: bool, secure_cookies: bool = False,
                 limiter: LoginLimiter | None = None) -> None:
        self.app = app
        self.store = store
        self.required = required
        self.secure_cookies = secure_cookies
        self.limiter = limiter or LoginLimiter()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        scope["movenet.auth_required"] = self.required
        if not self.required:
            scope[SCOPE_KEY] = LOCAL
            if scope["type"] == "http" and scope["path"] in ("/login", "/api/login"):
                await _json(send, 404, {"error": "no login here: this server is on loopback without --auth on"})
                return
            await self.app(scope, receive, send)
            return
        method = scope.get("method", "GET")
        if scope["type"] == "http" and (method, scope["path"]) in PUBLIC:
            if scope["path"] == "/api/login":
                await self._login(scope, receive, send)
            elif scope["path"] == "/login":
                await _file(send, STATIC / "login.html", "text/html; charset=utf-8")
            else:
                await self.app(scope, receive, send)
            return
        principal = await self._principal(scope)
        if principal is None:
            await self._refuse(scope, receive, send)
            return
        scope[SCOPE_KEY] = principal
        if scope["type"] == "http" and scope["path"] == "/api/logout" and method == "POST":
            await self._logout(scope, send)
            return
        if scope["type"] == "http" and scope["path"] == "/api/me":
            await _json(send, 200, principal.to_dict())
            return
        await self.app(scope, receive, send)

    async def _principal(self, scope) -> Principal | None:
        import anyio

        headers = _headers(scope)
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return await anyio.to_thread.run_sync(self.store.verify_token, auth[7:].strip())
        cookie = _cookies(headers.get("cookie", "")).get(COOKIE)
        if cookie:
            return await anyio.to_thread.run_sync(self.store.session_principal, cookie)
        return None

    async def _refuse(self, scope, receive, send) -> None:
        if scope["type"] == "websocket":
            await _refuse_websocket(scope, receive, send, Refusal(403, "log in first (session cookie or Bearer token)"))
            return
        headers = _headers(scope)
        navigation = scope.get("method") == "GET" and (
            headers.get("sec-fetch-mode") == "navigate" or "text/html" in headers.get("accept", ""))
        if navigation:
            target = scope["path"] + (f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else "")
            location = "/login?" + urllib.parse.urlencode({"next": target})
            await _respond(send, 303, b"", [(b"location", location.encode("latin-1"))])
            return
        await _json(send, 401, {"error": "log in first: POST /api/login, or send Authorization: Bearer TOKEN "
                                "(movenet users token NAME)"}, [(b"www-authenticate", b'Bearer realm="movenet"')])

    async def _login(self, scope, receive, send) -> None:
        import anyio

        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        try:
            data = json.loads(body or b"{}")
            name, password = str(data["name"]), str(data["password"])
        except (ValueError, KeyError, TypeError):
            await _json(send, 400, {"error": 'send JSON {"name": ..., "password": ...}'})
            return
        client = (scope.get("client") or ("?", 0))[0]
        keys = (f"ip:{client}", f"name:{name.lower()}")
        wait = self.limiter.retry_after(*keys)
        if wait > 0:
            await _json(send, 429, {"error": f"too many failed logins; try again in {int(wait) + 1} s"},
                        [(b"retry-after", str(int(wait) + 1).encode())])
            return
        principal = await anyio.to_thread.run_sync(self.store.verify_password, name, password)
        if principal is None:
            self.limiter.failed(*keys)
            await _json(send, 401, {"error": "wrong name or password"})
            return
        self.limiter.succeeded(*keys)
        cookie = await anyio.to_thread.run_sync(self.store.open_session, principal)
        await _json(send, 200, principal.to_dict(), [(b"set-cookie", self._cookie(scope, cookie).encode("latin-1"))])

    async def _logout(self, scope, send) -> None:
        import anyio

        cookie = _cookies(_headers(scope).get("cookie", "")).get(COOKIE)
        if cookie:
            await anyio.to_thread.run_sync(self.store.close_session, cookie)
        await _json(send, 200, {"ok": True}, [(b"set-cookie", self._cookie(scope, "", max_age=0).encode("latin-1"))])

    def _cookie(self, scope, value: str, max_age: int | None = None) -> str:
        from movenet.accounts.store import SESSION_MAX_S

        secure = self.secure_cookies or scope.get("scheme") in ("https", "wss")
        age = int(SESSION_MAX_S) if max_age is None else max_age
        return f"{COOKIE}={value}; Path=/; Max-Age={age}; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")


async def _respond(send, status: int, body: bytes, headers: list | None = None, content_type: bytes | None = None) -> None:
    head = [(b"content-length", str(len(body)).encode())] + list(headers or [])
    if content_type:
        head.append((b"content-type", content_type))
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})


async def _json(send, status: int, payload: dict, headers: list | None = None) -> None:
    await _respond(send, status, json.dumps(payload).encode(), headers, b"application/json")


async def _file(send, path: Path, content_type: str) -> None:
    await _respond(send, 200, path.read_bytes(), None, content_type.encode())

