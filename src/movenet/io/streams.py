"""Network video sources: RTSP (`rtsp://`, `rtsps://`) and HTTP(S) (MJPEG, HLS `.m3u8`, video
files) cameras, read with OpenCV's FFmpeg backend.

Why OpenCV's FFmpeg rather than PyAV: OpenCV is already the dependency every video command uses,
and its wheels ship FFmpeg with the RTSP, HTTP(S), HLS and MJPEG demuxers; it takes FFmpeg options
through `OPENCV_FFMPEG_CAPTURE_OPTIONS` (so `rtsp_transport;tcp`) and enforces open and read
timeouts (`CAP_PROP_OPEN_TIMEOUT_MSEC`, `CAP_PROP_READ_TIMEOUT_MSEC`) through FFmpeg's interrupt
callback, so a dead camera never blocks a thread for good. What it does not give is FFmpeg's
error (401, 404, refused): when an open fails, `diagnose(url)` asks the server itself (an RTSP
DESCRIBE or an HTTP GET) and says which it was, in one line. PyAV would give those errors and
packet timestamps directly, at the cost of a second FFmpeg (~60 MB) in every install.

What `NetworkStream` does:
- **TCP** for RTSP by default (`transport="udp"` if asked): UDP loses packets on Wi-Fi and
  through NAT, and a lost packet is a smeared frame the model misreads.
- **Timeouts**: `connect_timeout_s` to open, `read_timeout_s` without a frame = the stream dropped.
- **Reconnection** with exponential backoff (`backoff_s` doubling up to `backoff_max_s`, with
  jitter) for live streams, forever unless `max_reconnects`; a file over HTTP just ends.
- **Timestamps from the stream** (FFmpeg's presentation time, `CAP_PROP_POS_MSEC`) for RTSP and
  HLS, the arrival time for MJPEG (which has none), on one increasing timeline across reconnects:
  each new session starts at its wall-clock offset, so an outage shows as a gap in time.
- **Stale frames dropped** for live streams: `is_webcam` (= live) turns on the pipeline's
  newest-frame-only reader (`movenet.pipelines.video`), so analysis never lags behind the camera.
- **Credentials never shown**: every message, log line and health record uses `redact_stream_url`
  (the password and secret-looking query parameters become `***`).
- **Health** (`StreamHealth`): connected, frames, fps, last frame, reconnects, outages.
"""

from __future__ import annotations

import base64
import logging
import os
import random
import re
import socket
import ssl
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from movenet.errors import InvalidInputError, InvalidOptionError
from movenet.io.frame import Frame

log = logging.getLogger("movenet.streams")

STREAM_SCHEMES = ("rtsp", "rtsps", "http", "https")
DEFAULT_PORTS = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443}
FILE_SUFFIXES = (".mp4", ".mkv", ".webm", ".mov", ".avi", ".m4v")  # over HTTP: a file, not live
# Query parameters that carry secrets in camera URLs (Reolink's ?password=, tokens of cloud relays).
SECRET_PARAMS = re.compile(r"^(pass(word)?|pwd|token|key|auth|secret|sig(nature)?|access_token|apikey|api_key)$", re.I)
_URL_RE = re.compile(r"^(rtsps?|https?)://", re.I)
# A camera that answers nothing within 10 s is not coming (FFmpeg's RTSP default is to wait forever).
DEFAULT_CONNECT_TIMEOUT_S = 10.0
# No frame for 5 s: the stream dropped (a 1 fps camera still sends 5 in that time).
DEFAULT_READ_TIMEOUT_S = 5.0
# Reconnect after 0.5 s, then 1, 2, 3, 3... s: a camera back from a 30 s outage is found within
# ~3 s plus its own start-up (the target: read again within 5 s of its return).
DEFAULT_BACKOFF_S = 0.5
DEFAULT_BACKOFF_MAX_S = 3.0
BACKOFF_JITTER = 0.1  # +-10 %: cameras that dropped together do not reconnect in lockstep
FPS_WINDOW_S = 5.0
MAX_OUTAGES_KEPT = 20
# How much of a stream FFmpeg reads to find its format before the first frame: its defaults (5 s,
# 5 MB) made an RTSP open take 1.9 s here and then hand out those 1.9 s of frames at once (stale
# for a live camera); 0.5 s and 500 kB open in 0.3 s with at most half a second queued, and still
# hold a 1080p key frame. RTSP sends the codec parameters in its SDP anyway.
PROBE_US = 500_000
PROBE_BYTES = 500_000
_OPEN_LOCK = threading.Lock()  # OPENCV_FFMPEG_CAPTURE_OPTIONS is process-wide: set it per open


def quiet_cv2():
    """OpenCV with FFmpeg's and OpenCV's own messages off: they may quote a camera URL with its
    password (our errors say what went wrong, redacted)."""
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
    import cv2

    logging_module = getattr(getattr(cv2, "utils", None), "logging", None)
    if logging_module is not None:
        logging_module.setLogLevel(logging_module.LOG_LEVEL_ERROR)
    return cv2


def is_stream_url(text: object) -> bool:
    """rtsp://, rtsps://, http:// or https://: never a path."""
    return isinstance(text, str) and bool(_URL_RE.match(text.strip()))


def redact_stream_url(url: str) -> str:
    """The URL with its password and secret query parameters replaced by ***."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return re.sub(r"(://[^:/@\s]*:)[^@/\s]*@", r"\1***@", url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:***@{hostport}" if ":" in userinfo else f"{user}@{hostport}"
    query = parts.query
    if query:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        query = "&".join(f"{k}={'***' if SECRET_PARAMS.match(k) else v}" for k, v in pairs)
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def scrub(text: str, url: str) -> str:
    """`text` with the raw URL and its password removed (for messages from libraries)."""
    parts = urllib.parse.urlsplit(url)
    text = text.replace(url, redact_stream_url(url))
    if parts.password:
        for secret in {parts.password, urllib.parse.unquote(parts.password)}:
            text = text.replace(secret, "***")
    return text


def check_stream_url(url: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme.lower() not in STREAM_SCHEMES or not parts.hostname:
        raise InvalidInputError(f"{redact_stream_url(url)}: not a camera URL; accepted: rtsp://, rtsps://, http://, https:// with a host")
    try:
        parts.port  # noqa: B018 - validates
    except ValueError:
        raise InvalidInputError(f"{redact_stream_url(url)}: the port is not a number in 0..65535") from None
    return parts


def is_live_url(url: str) -> bool:
    """RTSP, HLS and MJPEG are live; an HTTP(S) URL of a video file is not."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower().startswith("rtsp") or not parts.path.lower().endswith(FILE_SUFFIXES)


def uses_stream_clock(url: str) -> bool:
    """Whether the stream's own timestamps are usable (RTSP, HLS, files); MJPEG has none."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower().startswith("rtsp") or parts.path.lower().endswith((".m3u8", *FILE_SUFFIXES))


@dataclass(frozen=True)
class StreamOptions:
    transport: str = "tcp"  # RTSP: tcp or udp
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S
    read_timeout_s: float = DEFAULT_READ_TIMEOUT_S
    reconnect: bool = True  # live streams: reconnect when they drop
    retry_first: bool = False  # keep trying when the first connection fails (the watcher) or fail (commands)
    backoff_s: float = DEFAULT_BACKOFF_S
    backoff_max_s: float = DEFAULT_BACKOFF_MAX_S
    max_reconnects: int | None = None  # None: forever
    live: bool | None = None  # None: from the URL (is_live_url)

    def __post_init__(self) -> None:
        if self.transport not in ("tcp", "udp"):
            raise InvalidOptionError(f"transport must be tcp or udp, got {self.transport!r}")
        for name in ("connect_timeout_s", "read_timeout_s", "backoff_s", "backoff_max_s"):
            value = getattr(self, name)
            if not 0 < value < 3600:
                raise InvalidOptionError(f"{name} must be within 0..3600 s, got {value}")


@dataclass(frozen=True)
class HealthSnapshot:
    url: str  # redacted
    state: str  # connecting, connected, reconnecting, ended, failed, stopped
    connected: bool
    frames: int
    fps: float
    last_frame_age_s: float | None
    reconnects: int
    last_error: str | None
    outages: tuple[tuple[float, float | None], ...]  # (start, end) wall-clock seconds; end None: ongoing

    def to_dict(self) -> dict:
        return {"url": self.url, "state": self.state, "connected": self.connected, "frames": self.frames,
                "fps": round(self.fps, 2), "last_frame_age_s": None if self.last_frame_age_s is None else round(self.last_frame_age_s, 2),
                "reconnects": self.reconnects, "last_error": self.last_error,
                "outages": [[round(a, 3), None if b is None else round(b, 3)] for a, b in self.outages]}


@dataclass
class StreamHealth:
    """Counters written by the stream's reading thread, read by anyone through `snapshot()`."""

    url: str
    state: str = "connecting"
    frames: int = 0
    reconnects: int = 0
    last_error: str | None = None
    last_frame_wall: float | None = None
    outages: deque = field(default_factory=lambda: deque(maxlen=MAX_OUTAGES_KEPT))
    _recent: deque = field(default_factory=deque)  # monotonic times of the frames of the last FPS_WINDOW_S

    def frame(self, now: float, wall: float) -> None:
        self.frames += 1
        self.last_frame_wall = wall
        self._recent.append(now)
        while self._recent and self._recent[0] < now - FPS_WINDOW_S:
            self._recent.popleft()

    def connected(self, wall: float) -> None:
        if self.outages and self.outages[-1][1] is None:
            self.outages[-1] = (self.outages[-1][0], wall)
        self.state = "connected"

    def dropped(self, reason: str, wall: float, state: str = "reconnecting") -> None:
        self.last_error = reason
        self.state = state
        self._recent.clear()
        if not self.outages or self.outages[-1][1] is not None:
            self.outages.append((wall, None))

    def snapshot(self) -> HealthSnapshot:
        now = time.monotonic()
        recent = [t for t in list(self._recent) if t >= now - FPS_WINDOW_S]
        fps = (len(recent) - 1) / (recent[-1] - recent[0]) if len(recent) > 1 and recent[-1] > recent[0] else 0.0
        age = None if self.last_frame_wall is None else max(0.0, time.time() - self.last_frame_wall)
        return HealthSnapshot(self.url, self.state, self.state == "connected", self.frames, fps, age,
                              self.reconnects, self.last_error, tuple(self.outages))


class StreamError(Exception):
    """Why a stream could not be opened or read (redacted, one line)."""


def diagnose(url: str, timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S) -> str:
    """Ask the server why the stream cannot be read: one line (no credentials in it)."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    host, port = parts.hostname or "", parts.port or DEFAULT_PORTS.get(scheme, 80)
    where = f"{host}:{port}"
    try:
        sock = socket.create_connection((host, port), timeout=timeout_s)
    except socket.gaierror:
        return f"cannot resolve the host name {host!r}"
    except ConnectionRefusedError:
        return f"connection refused by {where} (is the camera on, and the port right?)"
    except TimeoutError:
        return f"no answer from {where} within {timeout_s:g} s (unreachable)"
    except OSError as exc:
        return f"cannot reach {where} ({exc.strerror or exc})"
    try:
        if scheme in ("rtsps", "https"):
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # only to read the status
            sock = context.wrap_socket(sock, server_hostname=host)
        sock.settimeout(timeout_s)
        if scheme.startswith("rtsp"):
            return _diagnose_rtsp(sock, parts)
        return _diagnose_http(sock, parts)
    except TimeoutError:
        return f"{where} accepted the connection but did not answer within {timeout_s:g} s (not a camera, or stuck)"
    except (OSError, ValueError) as exc:
        return f"{where} accepted the connection but then failed ({type(exc).__name__})"
    finally:
        sock.close()


def _basic(parts: urllib.parse.SplitResult) -> str | None:
    if parts.username is None:
        return None
    raw = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
    return "Basic " + base64.b64encode(raw.encode()).decode()


def _clean_url(parts: urllib.parse.SplitResult) -> str:
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def _status(sock: socket.socket) -> tuple[str, int, dict[str, str]]:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    head = data.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    protocol, _, rest = head[0].partition(" ")
    code = int(rest.split(" ")[0]) if rest[:3].isdigit() else 0
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:])}
    return protocol, code, headers


def _auth_message(parts, code: int) -> str:
    if parts.username is None:
        return f"the camera needs a user name and password ({code} Unauthorized): give them in the URL, scheme://USER:PASSWORD@host/..."
    return f"the camera refused the user name or password ({code} Unauthorized)"


def _diagnose_rtsp(sock, parts) -> str:
    lines = [f"DESCRIBE {_clean_url(parts)} RTSP/1.0", "CSeq: 1", "Accept: application/sdp", "User-Agent: movenet"]
    auth = _basic(parts)
    if auth:
        lines.append(f"Authorization: {auth}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    protocol, code, _ = _status(sock)
    if not protocol.startswith("RTSP/"):
        return "not an RTSP server (it did not answer in RTSP)"
    if code == 401:
        return _auth_message(parts, code)
    if code == 404:
        return f"no stream at the path {parts.path or '/'!r} (404 Not Found)"
    if code != 200:
        return f"the camera answered {code} to DESCRIBE"
    return "the camera answered, but no video could be decoded from the stream (codec not supported?)"


def _diagnose_http(sock, parts) -> str:
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    lines = [f"GET {target} HTTP/1.1", f"Host: {parts.hostname}", "User-Agent: movenet", "Connection: close"]
    auth = _basic(parts)
    if auth:
        lines.append(f"Authorization: {auth}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    protocol, code, headers = _status(sock)
    if not protocol.startswith("HTTP/"):
        return "not an HTTP server"
    if code in (401, 403):
        return _auth_message(parts, code) if code == 401 else "the server forbids this stream (403 Forbidden)"
    if code == 404:
        return f"no stream at the path {parts.path or '/'!r} (404 Not Found)"
    if code >= 400:
        return f"the server answered {code}"
    kind = headers.get("content-type", "").split(";")[0].strip().lower() or "(none)"
    if not (kind.startswith(("video/", "image/", "multipart/", "application/vnd.apple.mpegurl", "application/x-mpegurl",
                             "application/octet-stream"))):
        return f"not a video: the server sent {kind}"
    return f"the server sent {kind}, but no frame could be decoded from it"


class NetworkStream:
    """Frames of a camera URL, as `movenet.io.video.VideoSource` gives them (`Frame`s, `fps`,
    `is_webcam` = live, `close()`), reconnecting when a live stream drops; `health` for status."""

    def __init__(self, url: str, options: StreamOptions | None = None, *, fps: float | None = None,
                 on_log: Callable[[str], None] | None = None, connect: bool = True) -> None:
        self.url = url.strip()
        check_stream_url(self.url)
        self.safe_url = redact_stream_url(self.url)
        self.options = options or StreamOptions()
        self.live = self.options.live if self.options.live is not None else is_live_url(self.url)
        self.is_webcam = self.live  # what the pipeline reads to drop stale frames
        self.fps = fps
        self._fps_given = fps is not None
        self.frame_count = None
        self.source = self.safe_url
        self.health = StreamHealth(self.safe_url)
        self._log = on_log or (lambda line: log.warning(line))
        self._stop = threading.Event()
        self._capture = None
        self._stream_clock = uses_stream_clock(self.url)
        if connect:
            self._capture = self._open_or_retry(first=True)

    # -- opening -------------------------------------------------------------------------------
    def _open(self):
        cv2 = quiet_cv2()
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(self.options.connect_timeout_s * 1000),
                  cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(self.options.read_timeout_s * 1000)]
        with _OPEN_LOCK:
            previous = os.environ.get("OPENCV_FFMPEG_CAPTURE_OPTIONS")
            os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = (
                f"rtsp_transport;{self.options.transport}|analyzeduration;{PROBE_US}|probesize;{PROBE_BYTES}")
            try:
                capture = cv2.VideoCapture(self.url, cv2.CAP_FFMPEG, params)
            finally:
                if previous is None:
                    os.environ.pop("OPENCV_FFMPEG_CAPTURE_OPTIONS", None)
                else:
                    os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = previous
        if not capture.isOpened():
            capture.release()
            raise StreamError(diagnose(self.url, min(self.options.connect_timeout_s, 5.0)))
        if not self._fps_given:
            fps = capture.get(cv2.CAP_PROP_FPS)
            if fps and 0 < fps < 1000 and self.fps is None:
                self.fps = float(fps)
        return capture

    def _open_or_retry(self, first: bool):
        """A capture, or None when stopped or out of tries; a one-line InvalidInputError when the
        first connection fails and `retry_first` is off."""
        attempt = 0
        delay = self.options.backoff_s
        while not self._stop.is_set():
            try:
                capture = self._open()
            except StreamError as exc:
                reason = scrub(str(exc), self.url)
                if first and not self.options.retry_first:
                    self.health.dropped(reason, time.time(), state="failed")
                    raise InvalidInputError(f"{self.safe_url}: {reason}") from None
                if attempt == 0 or self.health.last_error != reason:
                    self._log(f"{self.safe_url}: {reason}; retrying (every {self.options.backoff_max_s:g} s at most)")
                self.health.dropped(reason, time.time())
                attempt += 1
                if self.options.max_reconnects is not None and attempt > self.options.max_reconnects:
                    self.health.state = "failed"
                    return None
                jitter = 1.0 + random.uniform(-BACKOFF_JITTER, BACKOFF_JITTER)
                self._stop.wait(delay * jitter)
                delay = min(delay * 2, self.options.backoff_max_s)
                continue
            self.health.connected(time.time())
            return capture
        return None

    # -- reading -------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Frame]:
        cv2 = quiet_cv2()

        index = 0
        start = time.monotonic()
        last_ts = -1.0
        while not self._stop.is_set():
            if self._capture is None:
                self._capture = self._open_or_retry(first=index == 0 and self.health.state == "connecting")
                if self._capture is None:
                    break
                if index or self.health.outages:
                    self.health.reconnects += 1
                    self._log(f"{self.safe_url}: reconnected (reconnect {self.health.reconnects})")
            capture = self._capture
            session_wall = time.monotonic()
            base = (session_wall - start) * 1000.0 if index else 0.0
            first_pts = None
            while not self._stop.is_set():
                ok, bgr = capture.read()
                if not ok:
                    break
                now = time.monotonic()
                ts = base + (now - session_wall) * 1000.0
                if self._stream_clock:
                    pts = capture.get(cv2.CAP_PROP_POS_MSEC)
                    if pts == pts and pts >= 0:  # not NaN
                        first_pts = pts if first_pts is None else first_pts
                        ts = base + (pts - first_pts)
                ts = max(ts, last_ts + 1.0)  # strictly increasing, whatever the stream says
                last_ts = ts
                self.health.frame(now, time.time())
                if self.fps is None:
                    self.fps = 15.0
                yield Frame(index, ts, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
                index += 1
            capture.release()
            self._capture = None
            if self._stop.is_set():
                break
            if not self.live:
                if index == 0:
                    raise InvalidInputError(f"{self.safe_url}: no frame could be decoded")
                self.health.state = "ended"
                return
            reason = f"no frame for {self.options.read_timeout_s:g} s or the stream ended"
            if not self.options.reconnect:
                self.health.state = "ended"
                return
            self.health.dropped(reason, time.time())
            self._log(f"{self.safe_url}: stream dropped ({reason}); reconnecting")
        self.health.state = "stopped" if self._stop.is_set() else self.health.state

    def stop(self) -> None:
        """Ask the reading loop to end (within the read timeout); safe from any thread."""
        self._stop.set()

    def close(self) -> None:
        self._stop.set()
        capture, self._capture = self._capture, None
        if capture is not None:  # callers stop the reading thread first (stop(), then join)
            capture.release()

    def __enter__(self) -> NetworkStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
