"""What the web app's tests share. Importing it skips the importing module where the serve extra
(starlette, uvicorn, websockets) is not installed."""

from __future__ import annotations

import http.client
import json
import urllib.parse

import pytest

for _module in ("starlette", "uvicorn", "websockets"):
    pytest.importorskip(_module, reason=f"the web app needs {_module}: pip install -e '.[serve]'")


def request(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, JSON or bytes) of one HTTP request. A keep-alive client, as browsers and
    curl are: a server may answer 413 before the body is sent, and the client can still read it
    (urllib sends `Connection: close`, after which uvicorn closes on the answer: a broken pipe)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method or ("POST" if data is not None else "GET"), path, body=data, headers=headers or {})
        response = connection.getresponse()
        status, got, body = response.status, response.headers, response.read()
    finally:
        connection.close()
    if got.get("content-type", "").startswith("application/json"):
        body = json.loads(body)
    return status, got, body
