"""The security middleware on its own (ASGI calls, no server): Host, Origin and site checks, body
limits and content types, headers; and the magic-byte sniffers on real files."""

import asyncio
import io
import json

import numpy as np
import pytest
import serve_helpers  # noqa: F401 - skips without the serve extra
from conftest import EXAMPLE_IMAGE
from io_helpers import make_video
from PIL import Image

from movenet.serve.security import (
    IMAGE_TYPES,
    BodyRule,
    SecurityMiddleware,
    sniff_image,
    sniff_video,
)

HOSTS = frozenset({"127.0.0.1:8000", "localhost:8000"})
ORIGINS = frozenset({"http://127.0.0.1:8000", "http://localhost:8000"})
LIMIT = 1000


class EchoApp:
    """Reads the whole body, answers 200 with its length; records whether it was called."""

    def __init__(self):
        self.calls = 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        if scope["type"] == "websocket":
            await receive()
            await send({"type": "websocket.accept"})
            return
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise OSError("client gone")  # what a framework raises on a cut-off body
            size += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = json.dumps({"size": size}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})


def middleware():
    app = EchoApp()
    rules = (BodyRule("POST", "/api/poses", LIMIT, IMAGE_TYPES),)
    return app, SecurityMiddleware(app, allowed_hosts=HOSTS, allowed_origins=ORIGINS, body_rules=rules, default_max_bytes=10)


def http(headers, *, method="GET", path="/", chunks=(b"",)):
    """One request through the middleware: (status, headers dict, JSON body, app calls)."""
    app, mw = middleware()
    scope = {"type": "http", "method": method, "path": path,
             "headers": [(k.encode(), v.encode()) for k, v in headers.items()]}
    incoming = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent = []

    async def receive():
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(mw(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert sum(m["type"] == "http.response.start" for m in sent) == 1  # one answer, never two
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, json.loads(body), app.calls


def websocket(headers):
    app, mw = middleware()
    scope = {"type": "websocket", "path": "/ws", "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
             "extensions": {"websocket.http.response": {}}}
    sent = []

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    asyncio.run(mw(scope, receive, send))
    return sent, app.calls


OWN = {"host": "127.0.0.1:8000"}


def test_own_page_and_scripts_pass_with_security_headers():
    for headers in (OWN, {**OWN, "origin": "http://127.0.0.1:8000", "sec-fetch-site": "same-origin"},
                    {"host": "localhost:8000", "origin": "http://localhost:8000"}):
        status, response_headers, _body, calls = http(headers)
        assert (status, calls) == (200, 1)
        assert "frame-ancestors 'none'" in response_headers["content-security-policy"]
        assert response_headers["cross-origin-resource-policy"] == "same-origin"
        assert response_headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("host", ["evil.example:8000", "127.0.0.1:9000", "localhost", "", "127.0.0.1.nip.io:8000"])
def test_foreign_host_is_refused_dns_rebinding(host):
    # DNS rebinding: evil.example resolves to 127.0.0.1, the browser sends its own name as Host
    status, _, body, calls = http({"host": host, "origin": f"http://{host}"} if host else {})
    assert (status, calls) == (421, 0)
    assert "DNS rebinding" in body["error"]


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:9000", "https://127.0.0.1:8000"])
def test_foreign_origin_is_refused(origin):
    status, _, body, calls = http({**OWN, "origin": origin}, method="POST", path="/api/poses")
    assert (status, calls) == (403, 0)
    assert origin in body["error"]


def test_cross_site_requests_refused_but_navigation_allowed():
    # <img src> / <video src> on another site: no Origin header, but Sec-Fetch-Site says where from
    for site in ("cross-site", "same-site"):
        status, _, _, calls = http({**OWN, "sec-fetch-site": site, "sec-fetch-mode": "no-cors"}, path="/api/videos/x/annotated.mp4")
        assert (status, calls) == (403, 0)
    status, _, _, calls = http({**OWN, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"})
    assert (status, calls) == (200, 1)  # following a link to the page is fine


def test_declared_oversized_body_gets_413_before_the_app():
    headers = {**OWN, "content-type": "image/jpeg", "content-length": str(LIMIT + 1)}
    status, _, body, calls = http(headers, method="POST", path="/api/poses", chunks=(b"x" * (LIMIT + 1),))
    assert (status, calls) == (413, 0)
    assert str(LIMIT) in body["error"]
    status, _, body, _ = http({**headers, "content-length": str(LIMIT)}, method="POST", path="/api/poses", chunks=(b"x" * LIMIT,))
    assert (status, body) == (200, {"size": LIMIT})


def test_streamed_oversized_body_gets_413_and_the_app_answer_is_dropped():
    headers = {**OWN, "content-type": "image/png", "transfer-encoding": "chunked"}
    status, _, body, calls = http(headers, method="POST", path="/api/poses", chunks=(b"x" * 600, b"x" * 600, b"x"))
    assert (status, calls) == (413, 1)
    assert "limit of 1000 bytes" in body["error"]


def test_routes_without_a_rule_take_only_tiny_bodies():
    status, _, _, _ = http({**OWN, "content-length": "11"}, method="POST", path="/api/other", chunks=(b"x" * 11,))
    assert status == 413


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None])
def test_wrong_content_type_gets_415(content_type):
    # the content types a cross-site form or a "simple" fetch may send without a preflight
    headers = {**OWN, "content-length": "3"}
    if content_type:
        headers["content-type"] = content_type
    status, _, body, calls = http(headers, method="POST", path="/api/poses", chunks=(b"abc",))
    assert (status, calls) == (415, 0)
    assert "image/jpeg" in body["error"]


def test_websocket_handshake_from_foreign_origin_refused():
    sent, calls = websocket({**OWN, "origin": "http://evil.example"})
    assert calls == 0
    assert sent[0]["type"] == "websocket.http.response.start" and sent[0]["status"] == 403
    assert b"evil.example" in sent[1]["body"]
    sent, calls = websocket({"host": "evil.example:8000", "origin": "http://evil.example:8000"})
    assert calls == 0 and sent[0]["status"] == 403
    sent, calls = websocket({**OWN, "origin": "http://127.0.0.1:8000"})
    assert calls == 1 and sent[0]["type"] == "websocket.accept"


def _encoded(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.full((8, 8, 3), 100, np.uint8)).save(buffer, fmt)
    return buffer.getvalue()


def test_sniff_image_on_real_files():
    assert sniff_image(EXAMPLE_IMAGE.read_bytes()[:16]) == "jpeg"
    for fmt, kind in (("PNG", "png"), ("WEBP", "webp"), ("BMP", "bmp"), ("JPEG", "jpeg")):
        assert sniff_image(_encoded(fmt)[:16]) == kind
    for data in (b"", b"hello world, not an image", b"GIF89a" + b"\0" * 10, b"<svg xmlns=...>"):
        assert sniff_image(data) is None


def test_sniff_video_on_real_files(tmp_path):
    assert sniff_video(make_video(tmp_path / "clip.mp4", n=2).read_bytes()[:16]) == "mp4"
    import cv2

    writer = cv2.VideoWriter(str(tmp_path / "clip.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    writer.write(np.zeros((48, 64, 3), np.uint8))
    writer.release()
    assert sniff_video((tmp_path / "clip.avi").read_bytes()[:16]) == "avi"
    assert sniff_video(b"\x1a\x45\xdf\xa3" + b"\0" * 12) == "mkv"
    assert sniff_video(EXAMPLE_IMAGE.read_bytes()[:16]) is None
