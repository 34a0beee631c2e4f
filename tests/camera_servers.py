"""Real servers the camera tests start on loopback ports and stop: GStreamer's RTSP server (a
subprocess of the system Python), an HTTP MJPEG camera (a thread here), Debian's mosquitto broker.
Each `why_no_*()` gives the reason to skip where a binary is missing."""

from __future__ import annotations

import base64
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2

HERE = Path(__file__).resolve().parent
FALL_CLIP = HERE / "fixtures" / "cameras" / "fall_320x240_15fps.mp4"
SYSTEM_PYTHON = "/usr/bin/python3"
MOSQUITTO = "/usr/sbin/mosquitto"
READY_TIMEOUT_S = 30.0  # a loaded 2-core machine starts GStreamer slowly


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout_s: float = READY_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout_s} s")


def why_no_rtsp() -> str | None:
    if not Path(SYSTEM_PYTHON).exists():
        return f"the RTSP test server needs {SYSTEM_PYTHON} with GStreamer's python3-gi"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import gi; gi.require_version('GstRtspServer', '1.0'); "
                            "from gi.repository import GstRtspServer"], capture_output=True)
    if probe.returncode != 0:
        return ("the RTSP test server needs Debian's python3-gi, gir1.2-gst-rtsp-server-1.0 and "
                "gstreamer1.0-plugins-{base,good,bad} (apt-get install; .ci/run does)")
    return None


class RtspServer:
    """gst-rtsp-server serving `clip` at rtsp://127.0.0.1:PORT/cam (and more `mounts`)."""

    def __init__(self, clip: Path = FALL_CLIP, *, user: str | None = None, password: str | None = None,
                 port: int | None = None, mounts: dict[str, Path] | None = None) -> None:
        self.port = port or free_port()
        self.mounts = mounts or {"/cam": clip}
        self.user, self.password = user, password
        self.process: subprocess.Popen | None = None

    def url(self, path: str = "/cam", user: str | None = None, password: str | None = None) -> str:
        from urllib.parse import quote

        auth = f"{quote(user, safe='')}:{quote(password, safe='')}@" if user else ""
        return f"rtsp://{auth}127.0.0.1:{self.port}{path}"

    def start(self) -> RtspServer:
        argv = [SYSTEM_PYTHON, str(HERE / "cameras" / "rtsp_server.py"), "--port", str(self.port)]
        for path, clip in self.mounts.items():
            argv += ["--mount", path, str(clip)]
        if self.user:
            argv += ["--user", self.user, "--password", self.password]
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            self.stop()
            raise RuntimeError("the RTSP test server did not start")
        wait_for_port(self.port)
        return self

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        self.kill()

    def __enter__(self) -> RtspServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def jpeg_frames(clip: Path = FALL_CLIP) -> list[bytes]:
    capture = cv2.VideoCapture(str(clip))
    frames = []
    while True:
        ok, bgr = capture.read()
        if not ok:
            break
        frames.append(cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes())
    capture.release()
    return frames


class MjpegServer:
    """An HTTP camera: /stream.mjpg (multipart/x-mixed-replace JPEGs at `fps`, the clip looped),
    /page (text/html: not a video); Basic auth when `user` is given."""

    def __init__(self, clip: Path = FALL_CLIP, fps: float = 15.0, user: str | None = None, password: str | None = None) -> None:
        self.frames = jpeg_frames(clip)
        self.fps = fps
        self.expected = None if user is None else "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                if owner.expected and self.headers.get("Authorization") != owner.expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="camera"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path.startswith("/page"):
                    body = b"<html><body>camera login</body></html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if not self.path.startswith("/stream.mjpg"):
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
                self.end_headers()
                index, start = 0, time.monotonic()
                try:
                    while not owner.stopping.is_set():
                        jpeg = owner.frames[index % len(owner.frames)]
                        self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: "
                                         + str(len(jpeg)).encode() + b"\r\n\r\n" + jpeg + b"\r\n")
                        index += 1
                        delay = start + index / owner.fps - time.monotonic()
                        if delay > 0:
                            time.sleep(delay)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/stream.mjpg", user: str | None = None, password: str | None = None) -> str:
        auth = f"{user}:{password}@" if user else ""
        return f"http://{auth}127.0.0.1:{self.port}{path}"

    def __enter__(self) -> MjpegServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


def why_no_mosquitto() -> str | None:
    if not Path(MOSQUITTO).exists():
        return "the MQTT tests need Debian's mosquitto (apt-get install mosquitto; .ci/run does)"
    return None


class Mosquitto:
    """A mosquitto broker on a free loopback port (anonymous, or `user`/`password`); `stop()` and
    `start()` again on the same port (an outage)."""

    def __init__(self, user: str | None = None, password: str | None = None, tls: bool = False) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="movenet-mqtt-"))
        lines = [f"listener {self.port} 127.0.0.1", "persistence false", "log_dest none"]
        self.ca = None
        if tls:  # a self-signed certificate for 127.0.0.1, made with openssl
            key, cert = self.dir / "key.pem", self.dir / "cert.pem"
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                           check=True, capture_output=True)
            key.chmod(0o644)
            self.ca = cert
            lines += [f"certfile {cert}", f"keyfile {key}", f"cafile {cert}"]
        if user:
            passwords = self.dir / "passwords"
            subprocess.run(["mosquitto_passwd", "-b", "-c", str(passwords), user, password], check=True, capture_output=True)
            # Run as root, mosquitto changes to its own user before reading the password file; keep root.
            lines += ["allow_anonymous false", f"password_file {passwords}", "user root"]
        else:
            lines.append("allow_anonymous true")
        self.config = self.dir / "mosquitto.conf"
        self.config.write_text("\n".join(lines) + "\n")
        self.process: subprocess.Popen | None = None

    def start(self) -> Mosquitto:
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(self.config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Mosquitto:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
