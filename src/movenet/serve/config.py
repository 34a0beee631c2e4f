"""What one `movenet serve` instance allows: where it listens, who may talk to it, how much.

Every limit is bounded and named here with how it was chosen; `ServeConfig` is frozen and
validated once, so the middleware, the routes and the sessions read the same numbers.
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from dataclasses import dataclass

from movenet.errors import InvalidOptionError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
AUTH_MODES = ("auto", "on")

MIB = 1024 * 1024
# A phone photo is 3-12 MB; 20 MB leaves room for PNGs of large screenshots.
DEFAULT_MAX_IMAGE_BYTES = 20 * MIB
# Decoded size of an uploaded image: 40 Mpx (a 48 Mpx phone's binned output is 12 Mpx); bounds the
# memory of one decode (40 Mpx x 3 bytes = 120 MB) whatever the file size (decompression bombs).
DEFAULT_MAX_IMAGE_PIXELS = 40_000_000
# A live frame: at most 1920x1080 (what webcams deliver at most in practice). As raw RGBA that is
# 8.3 MB, as JPEG far less; the WebSocket message limit follows from it.
MAX_FRAME_PIXELS = 1920 * 1080
# An uploaded video: 200 MB is about 5 minutes of 1080p phone video.
DEFAULT_MAX_VIDEO_BYTES = 200 * MIB
# Frames processed of one uploaded video: 10 minutes at 30 fps (about 2.5 min of CPU at 60 fps).
DEFAULT_MAX_VIDEO_FRAMES = 18_000
# Live sessions at once: inference runs one frame at a time for all of them (one model call keeps
# both cores of the reference machine busy), so 4 sessions already share ~30 fps between them.
DEFAULT_MAX_SESSIONS = 4
MAX_SESSIONS_LIMIT = 64
# Still-image requests queued for the inference thread before answering 503 "busy".
DEFAULT_MAX_PENDING_IMAGES = 8
# Video jobs at once (each keeps decoding, inference and encoding busy: one saturates 2 cores).
DEFAULT_MAX_VIDEO_JOBS = 1
# A finished video job's files are deleted this long after the job ends, downloaded or not.
DEFAULT_VIDEO_TTL_S = 15 * 60
# Requests without a declared body limit (GET, DELETE, ...): small, they carry no data.
DEFAULT_MAX_OTHER_BYTES = 64 * 1024


@dataclass(frozen=True)
class ServeConfig:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    model: str = "lightning"
    precision: str = "fp32"
    threads: int | None = None
    spinning: bool = False  # onnxruntime threads busy-waiting between calls (see inference.Engine)
    allow_remote: bool = False
    allowed_hosts: tuple[str, ...] = ()  # extra host names the page may be reached by (remote use)
    max_sessions: int = DEFAULT_MAX_SESSIONS
    max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES
    max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
    max_video_bytes: int = DEFAULT_MAX_VIDEO_BYTES
    max_video_frames: int = DEFAULT_MAX_VIDEO_FRAMES
    max_video_jobs: int = DEFAULT_MAX_VIDEO_JOBS
    video_ttl_s: float = DEFAULT_VIDEO_TTL_S
    max_pending_images: int = DEFAULT_MAX_PENDING_IMAGES
    # Authentication (serve/auth.py): "auto" = required when listening beyond loopback, "on" =
    # always (a reverse proxy on this machine). Accounts live in `database` (None: the default).
    auth: str = "auto"
    database: str | None = None
    secure_cookies: bool = False  # Secure cookies even when the request does not say https
    public_urls: tuple[str, ...] = ()  # e.g. https://home.example: the proxy's address (Host, Origin)

    def __post_init__(self) -> None:
        if self.auth not in AUTH_MODES:
            raise InvalidOptionError(f"--auth must be one of {', '.join(AUTH_MODES)}, got {self.auth!r}")
        for url in self.public_urls:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
                raise InvalidOptionError(f"--public-url must be like https://home.example[:PORT], got {url!r}")
        if not 0 <= self.port <= 65535:
            raise InvalidOptionError(f"--port must be in 0..65535, got {self.port}")
        if not self.allow_remote and not is_loopback(self.host):
            raise InvalidOptionError(
                f"--host {self.host} would expose the camera stream to other machines; "
                "add --allow-remote if you mean it (default: 127.0.0.1, this machine only)"
            )
        if not 1 <= self.max_sessions <= MAX_SESSIONS_LIMIT:
            raise InvalidOptionError(f"--max-sessions must be in 1..{MAX_SESSIONS_LIMIT}, got {self.max_sessions}")
        for name in ("max_image_bytes", "max_image_pixels", "max_video_bytes", "max_video_frames",
                     "max_video_jobs", "max_pending_images"):
            if getattr(self, name) < 1:
                raise InvalidOptionError(f"{name} must be positive, got {getattr(self, name)}")

    @property
    def auth_required(self) -> bool:
        """Every page, API call and WebSocket needs a login: beyond loopback, or when asked."""
        return self.auth == "on" or not is_loopback(self.host) or bool(self.public_urls)

    def host_names(self) -> tuple[str, ...]:
        """The names the page may be reached by (the Host header without the port)."""
        names = list(LOOPBACK_NAMES) if is_loopback(self.host) or self.allow_remote else []
        if self.host not in ("0.0.0.0", "::") and not is_loopback(self.host):
            names.append(f"[{self.host}]" if ":" in self.host else self.host)
        names += [h.lower() for h in self.allowed_hosts]
        return tuple(dict.fromkeys(names))

    def allowed_hosts_with_port(self, port: int) -> frozenset[str]:
        """Exact `Host` header values accepted (port 80 may be left out by browsers)."""
        hosts = {f"{name}:{port}" for name in self.host_names()}
        if port == 80:
            hosts |= set(self.host_names())
        for url in self.public_urls:  # what a reverse proxy passes on as Host
            hosts.add(urllib.parse.urlsplit(url).netloc.lower())
        return frozenset(hosts)

    def allowed_origins(self, port: int) -> frozenset[str]:
        """The page's own origins: the only ones allowed to call the API or open the WebSocket."""
        origins = {f"http://{host}" for host in self.allowed_hosts_with_port(port)}
        origins |= {f"{urllib.parse.urlsplit(u).scheme}://{urllib.parse.urlsplit(u).netloc}".lower() for u in self.public_urls}
        return frozenset(origins)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
