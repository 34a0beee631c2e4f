"""What the web app's tests share. Importing it skips the importing module where the serve extra
(starlette, uvicorn, websockets) is not installed."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

for _module in ("starlette", "uvicorn", "websockets"):
    pytest.importorskip(_module, reason=f"the web app needs {_module}: pip install -e '.[serve]'")


def request(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, JSON or bytes) of one HTTP request; error statuses are returned, not raised."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            status, got, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, got, body = exc.code, exc.headers, exc.read()
    if got.get("content-type", "").startswith("application/json"):
        body = json.loads(body)
    return status, got, body
