"""apprise notifications to a real HTTP server on loopback (apprise's json:// service posts the
message with its attachments): the snapshot goes along, a down server is an error (retried)."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.importorskip("apprise", reason="needs apprise (the notify extra)")

from movenet.alerts.senders import AppriseSender  # noqa: E402


def test_notification_with_the_snapshot(tmp_path):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    snapshot = tmp_path / "snap.jpg"
    snapshot.write_bytes(b"\xff\xd8\xff\xe0fake-jpeg")
    event = {"id": 7, "event": "fall", "camera": "hall", "cameras": ["hall"], "room": "hall", "time": "t", "confidence": 0.9}
    try:
        AppriseSender(f"json://127.0.0.1:{server.server_address[1]}/", attach=lambda e: str(snapshot))(event)
    finally:
        server.shutdown()
    message = received[0]
    assert message["title"] == "Fall: hall" and "movenet events show 7" in message["message"]
    assert base64.b64decode(message["attachments"][0]["base64"]) == snapshot.read_bytes()
    with pytest.raises(ConnectionError):  # nobody listens now: the deliverer retries later
        AppriseSender(f"json://127.0.0.1:{server.server_address[1]}/")(event)
