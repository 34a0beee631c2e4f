"""Security checks in front of the web app, as one ASGI middleware, plus the magic-byte sniffers.

What it protects against (the server runs on a laptop next to a browser that visits other sites):
- **Other sites** talking to it: every HTTP request and WebSocket handshake that carries an `Origin`
  must come from the page's own origin (`http://127.0.0.1:PORT`, `http://localhost:PORT`); and
  requests the browser marks `Sec-Fetch-Site: cross-site` / `same-site` (e.g. `<img src>` or
  `<video src>` on another site, or another port of localhost) are refused unless they are a
  top-level navigation. `Cross-Origin-Resource-Policy: same-origin` tells the browser the same.
- **DNS rebinding**: a site whose name resolves to 127.0.0.1 sends its own name in `Host`;
  only the names the server was started for are accepted.
- **Framing** (clickjacking the camera permission): `frame-ancestors 'none'`, `X-Frame-Options`.
- **Oversized or mistyped bodies**: a byte limit per route (declared `Content-Length` checked
  first, streamed bodies counted as they arrive: 413), declared content types per route (415);
  the routes check magic bytes (`sniff_image`, `sniff_video`: 415) before decoding anything.
What it does not do: authenticate users (anyone who can reach the port can use it: that is why it
binds to 127.0.0.1 by default), encrypt traffic (plain HTTP; use it on this machine or a trusted
network), or protect against software already running on the same machine.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]

# Content types accepted for uploads; the body's magic bytes decide what it really is.
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/bmp", "application/octet-stream"})
VIDEO_TYPES = frozenset({
    "video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "video/x-msvideo", "video/avi",
    "application/octet-stream",
})
# Sent with every HTTP response. `connect-src 'self'` covers the page's own ws:// origin (CSP 3).
# 'wasm-unsafe-eval' lets the page compile WebAssembly (browser inference: onnxruntime-web) and
# nothing else: no eval, no inline or remote scripts.
SECURITY_HEADERS = (
    ("content-security-policy",
     ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; "
     "media-src 'self' blob: mediastream:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
     "frame-ancestors 'none'; form-action 'none'")),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(self), microphone=(), geolocation=()"),
    ("cache-control", "no-store"),
)
# Headers a route may set itself (then its value is kept): the browser-inference files are cached
# and revalidated (serve/browser.py); everything else is not stored.
ROUTE_HEADERS = frozenset({"cache-control"})


def sniff_image(head: bytes) -> str | None:
    """'jpeg', 'png', 'webp' or 'bmp' from the first bytes of a file, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"BM") and len(head) >= 14:
        return "bmp"
    return None


# ISO base media (mp4, mov, m4v) starts with a box: size (4 bytes) then its type; QuickTime files
# written before `ftyp` existed start with one of the other top-level atoms.
_ISO_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")


def sniff_video(head: bytes) -> str | None:
    """'mp4' (mp4, mov, m4v), 'mkv' (Matroska, WebM) or 'avi' from the first bytes, else None."""
    if head[4:8] in _ISO_BOXES:
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "mkv"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    return None


@dataclass(frozen=True)
class BodyRule:
    """The body a route accepts: at most `max_bytes`, of one of `content_types`."""

    method: str
    path: str
    max_bytes: int
    content_types: frozenset[str]


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str


def check_request(
    kind: str, method: str, headers: Mapping[str, str], allowed_hosts: frozenset[str],
    allowed_origins: frozenset[str],
) -> Refusal | None:
    """Host, Origin and Sec-Fetch-Site checks of one HTTP request or WebSocket handshake."""
    host = headers.get("host", "").lower()
    if host not in allowed_hosts:
        return Refusal(421 if kind == "http" else 403,
                       f"Host {host or '(none)'!r} is not this server's (DNS rebinding protection); "
                       f"open it as {min(allowed_hosts)}")
    origin = headers.get("origin")
    if origin is not None and origin.lower() not in allowed_origins:
        return Refusal(403, f"Origin {origin!r} may not use this server: only its own page may")
    site = headers.get("sec-fetch-site")
    if site in ("cross-site", "same-site"):
        navigation = kind == "http" and method == "GET" and headers.get("sec-fetch-mode") == "navigate"
        if not navigation:
            return Refusal(403, f"a request from another site ({site}) may not use this server")
    return None


def check_body(rule: BodyRule | None, default_max_bytes: int, headers: Mapping[str, str]) -> tuple[Refusal | None, int]:
    """(refusal or None, byte limit) of a request's declared body."""
    limit = rule.max_bytes if rule is not None else default_max_bytes
    length = headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            return Refusal(400, f"Content-Length {length!r} is not a number"), limit
        if int(length) > limit:
            return Refusal(413, f"body of {int(length)} bytes is over this route's limit of {limit} bytes"), limit
    has_body = (length is not None and int(length) > 0) or "transfer-encoding" in headers
    if rule is not None and has_body:
        declared = headers.get("content-type", "").split(";")[0].strip().lower()
        if declared not in rule.content_types:
            accepted = ", ".join(sorted(rule.content_types))
            return Refusal(415, f"Content-Type {declared or '(none)'!r} is not accepted here; send one of {accepted}"), limit
    return None, limit


class SecurityMiddleware:
    """Wraps an ASGI app: refuses foreign hosts, origins and sites, oversized and mistyped bodies,
    and adds the security headers to every HTTP response."""

    def __init__(
        self, app, *, allowed_hosts: frozenset[str], allowed_origins: frozenset[str],
        body_rules: tuple[BodyRule, ...] = (), default_max_bytes: int = 64 * 1024,
    ) -> None:
        self.app = app
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        self.allowed_origins = frozenset(o.lower() for o in allowed_origins)
        self.rules = {(r.method, r.path): r for r in body_rules}
        self.default_max_bytes = default_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        method = scope.get("method", "GET")
        refusal = check_request(scope["type"], method, headers, self.allowed_hosts, self.allowed_origins)
        if scope["type"] == "websocket":
            if refusal is not None:
                await _refuse_websocket(scope, receive, send, refusal)
            else:
                await self.app(scope, receive, send)
            return
        if refusal is None:
            refusal, limit = check_body(self.rules.get((method, scope["path"])), self.default_max_bytes, headers)
        if refusal is not None:
            await _respond(send, refusal)  # uvicorn discards the rest of the body (keep-alive clients read the answer)
            return
        await self._guarded(scope, receive, send, limit)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        state = {"received": 0, "started": False, "refused": False}

        async def counted_receive() -> dict:
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    state["refused"] = True
                    if not state["started"]:
                        await _respond(send, Refusal(413, f"body is over this route's limit of {limit} bytes"))
                        state["started"] = True
                    return {"type": "http.disconnect"}
            return message

        async def secured_send(message: dict) -> None:
            if state["refused"]:
                return  # the 413 is already sent: drop what the app answers after it
            if message["type"] == "http.response.start":
                state["started"] = True
                message = dict(message)
                own = list(message.get("headers", []))
                message["headers"] = own + _header_bytes({k.decode("latin-1").lower() for k, _ in own})
            await send(message)

        try:
            await self.app(scope, counted_receive, secured_send)
        except Exception:
            if not state["refused"]:
                raise  # the app's own failure; after a 413 it only sees the cut-off body


def _header_bytes(set_by_route: set[str] = frozenset()) -> list[tuple[bytes, bytes]]:
    return [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS if k not in (ROUTE_HEADERS & set_by_route)]


async def _respond(send: Send, refusal: Refusal) -> None:
    body = json.dumps({"error": refusal.message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers + _header_bytes()})
    await send({"type": "http.response.body", "body": body})


async def _refuse_websocket(scope: Scope, receive: Receive, send: Send, refusal: Refusal) -> None:
    """Refuse the handshake: HTTP 403 with the reason where the server supports it."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    if "websocket.http.response" in scope.get("extensions", {}):
        body = json.dumps({"error": refusal.message}).encode()
        await send({"type": "websocket.http.response.start", "status": refusal.status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 1008, "reason": refusal.message[:120]})
