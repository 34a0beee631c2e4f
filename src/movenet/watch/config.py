"""`movenet watch CONFIG`: the TOML file, validated into frozen settings with line-numbered errors.

    [watch]                       # all optional
    database = "sqlite:////var/lib/movenet/movenet.db"   # default: movenet.db in the data directory
    evidence_dir = "/var/lib/movenet/evidence"           # default: evidence/ in the data directory
    keypoints_only = false        # evidence and notifications without pixels (skeleton drawings)
    clip_before_s = 5.0
    clip_after_s = 5.0
    retention_days = 30           # evidence files older than this are deleted (the events stay)
    retention_mb = 2000           # and the oldest beyond this total
    merge_window_s = 30           # events of one room within this window: one alert
    health_interval_s = 30        # a health sample per camera in the log and the store
    threads = 1                   # inference threads per camera

    [mqtt]                        # optional
    url = "mqtt://user:password@127.0.0.1:1883"
    discovery = true              # Home Assistant MQTT discovery
    prefix = "movenet"

    [notify]                      # optional
    apprise = ["ntfy://ntfy.sh/my-topic"]
    attach = "snapshot"           # snapshot, keypoints or none
    on_event = "notify-send Fall"
    post = "http://127.0.0.1:8123/api/webhook/fall"

    [[cameras]]
    name = "living"               # letters, digits, - and _
    url = "rtsp://user:password@192.168.1.20:554/stream1"
    room = "living room"          # cameras of one room merge their alerts
    model = "lightning"           # lightning or thunder
    max_fps = 15                  # analyse at most this many frames a second (0: all)
    transport = "tcp"
    falls_profile = "living.json" # optional: the settings `movenet falls feedback --fit` adapted to this
                                  # camera (a path relative to this file); [cameras.falls] overrides them
    [cameras.falls]               # FallDetector settings (confirm_s, long_lie_s, cooldown_s, ...)
    confirm_s = 5.0
    [[cameras.zones]]             # where lying down is normal (a bed, a sofa): no alarm
    name = "bed"
    polygon = [[0.55, 0.45], [0.98, 0.45], [0.98, 0.95], [0.55, 0.95]]   # x, y in 0..1 of the frame
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from movenet.errors import MovenetError

NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MODELS = ("lightning", "thunder")
ATTACH = ("snapshot", "keypoints", "none")


# Settings that may hold secrets: `${NAME}` in them is replaced by the environment variable NAME, so
# that passwords can stay out of the file (systemd's EnvironmentFile=, docker's --env-file).
SECRET_KEYS = {"url", "post", "on_event", "database"}
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def expand(text: str, fail) -> str:
    """`text` with each ${NAME} replaced by the environment variable NAME (an error if unset)."""
    import os

    def value(match):
        name = match.group(1)
        if name not in os.environ:
            fail(f"${{{name}}} is used but the environment variable {name} is not set")
        return os.environ[name]

    return _VARIABLE.sub(value, text)


class ConfigError(MovenetError, ValueError):
    """A config file that cannot be used: `path:line: what is wrong`."""


@dataclass(frozen=True)
class Zone:
    name: str
    polygon: tuple[tuple[float, float], ...]  # normalised x, y


@dataclass(frozen=True)
class CameraConfig:
    name: str
    url: str
    room: str | None = None
    model: str = "lightning"
    max_fps: float = 0.0
    transport: str = "tcp"
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 5.0
    falls: dict = field(default_factory=dict)  # the profile's fitted settings, then [cameras.falls] over them
    falls_profile: str | None = None  # the camera's fall profile (`movenet falls feedback`), as written
    zones: tuple[Zone, ...] = ()


@dataclass(frozen=True)
class MqttConfig:
    url: str
    discovery: bool = True
    prefix: str = "movenet"
    discovery_prefix: str = "homeassistant"


@dataclass(frozen=True)
class NotifyConfig:
    apprise: tuple[str, ...] = ()
    attach: str = "snapshot"
    on_event: str | None = None
    post: str | None = None


@dataclass(frozen=True)
class WatchConfig:
    cameras: tuple[CameraConfig, ...]
    database: str | None = None
    evidence_dir: str | None = None
    keypoints_only: bool = False
    clip_before_s: float = 5.0
    clip_after_s: float = 5.0
    retention_days: float = 30.0
    retention_mb: float = 2000.0
    merge_window_s: float = 30.0
    health_interval_s: float = 30.0
    threads: int = 1
    mqtt: MqttConfig | None = None
    notify: NotifyConfig = NotifyConfig()
    source: str = ""  # the file it came from

    def rooms(self) -> dict[str, str | None]:
        return {c.name: c.room for c in self.cameras}


WATCH_KEYS = {f.name for f in dataclasses.fields(WatchConfig)} - {"cameras", "mqtt", "notify", "source"}
CAMERA_KEYS = {f.name for f in dataclasses.fields(CameraConfig)}
MQTT_KEYS = {f.name for f in dataclasses.fields(MqttConfig)}
NOTIFY_KEYS = {f.name for f in dataclasses.fields(NotifyConfig)}


class _Lines:
    """Where each key is in the file: (table path, index of [[array]] item, key) -> line number.
    tomllib gives values without positions; this scan of the text finds them for the messages."""

    HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
    KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.where: dict[tuple[str, int, str | None], int] = {}
        counts: dict[str, int] = {}
        table, index = "", 0
        for number, line in enumerate(text.splitlines(), 1):
            header = self.HEADER.match(line)
            if header:
                table = header.group(2).replace('"', "").replace(" ", "")
                if header.group(1) == "[[":
                    counts[table] = counts.get(table, -1) + 1
                # a sub-table of an array item belongs to the array's last item
                root = table.split(".")[0]
                index = counts.get(table, counts.get(root, 0))
                if table.startswith("cameras."):
                    index = counts.get("cameras", 0)
                self.where.setdefault((table, index, None), number)
                continue
            key = self.KEY.match(line)
            if key:
                self.where.setdefault((table, index, key.group(1)), number)

    def line(self, table: str, index: int = 0, key: str | None = None) -> int | None:
        return self.where.get((table, index, key)) or self.where.get((table, index, None))


def load_config(path: str | Path) -> WatchConfig:
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None
    return parse_config(text, str(path))


def parse_config(text: str, source: str = "<config>") -> WatchConfig:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if match:
            where = f"{source}:{match.group(1)}:{match.group(2)}"
            message = message[: match.start()].strip()
        else:
            where = source
        raise ConfigError(f"{where}: not valid TOML: {message}") from None
    lines = _Lines(text)

    def fail(message: str, table: str = "", index: int = 0, key: str | None = None):
        number = lines.line(table, index, key)
        raise ConfigError(f"{source}:{number}: {message}" if number else f"{source}: {message}")

    def check_keys(values: dict, known: set[str], table: str, index: int = 0) -> None:
        for key in values:
            if key not in known:
                fail(f"unknown setting {key!r} in [{table}]; known: {', '.join(sorted(known))}", table, index, key)

    def number(values: dict, key: str, table: str, index: int = 0, *, low: float = 0.0, high: float = 1e9,
               integer: bool = False, default=None):
        value = values.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
            fail(f"{key} must be {'an integer' if integer else 'a number'}, got {value!r}", table, index, key)
        if not low <= value <= high:
            fail(f"{key} must be within {low:g}..{high:g}, got {value}", table, index, key)
        return value

    def string(values: dict, key: str, table: str, index: int = 0, default=None, choices=None):
        value = values.get(key, default)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            fail(f"{key} must be a non-empty string", table, index, key)
        if key in SECRET_KEYS:
            value = expand(value, lambda message: fail(message, table, index, key))
        if choices and value not in choices:
            fail(f"{key} must be one of {', '.join(choices)}, got {value!r}", table, index, key)
        return value

    def boolean(values: dict, key: str, table: str, default: bool) -> bool:
        value = values.get(key, default)
        if not isinstance(value, bool):
            fail(f"{key} must be true or false, got {value!r}", table, 0, key)
        return value

    top = set(data) - {"watch", "mqtt", "notify", "cameras"}
    if top:
        key = sorted(top)[0]
        fail(f"unknown section or setting {key!r}; the file has [watch], [mqtt], [notify] and [[cameras]]", "", 0, key)
    watch = data.get("watch", {})
    check_keys(watch, WATCH_KEYS, "watch")
    options = {}
    for key in ("clip_before_s", "clip_after_s"):
        options[key] = number(watch, key, "watch", high=60.0, default=5.0)
    options["retention_days"] = number(watch, "retention_days", "watch", low=0.001, high=36500, default=30.0)
    options["retention_mb"] = number(watch, "retention_mb", "watch", low=1, high=1e7, default=2000.0)
    options["merge_window_s"] = number(watch, "merge_window_s", "watch", high=3600, default=30.0)
    options["health_interval_s"] = number(watch, "health_interval_s", "watch", low=0.5, high=3600, default=30.0)
    options["threads"] = number(watch, "threads", "watch", low=1, high=64, integer=True, default=1)
    options["database"] = string(watch, "database", "watch")
    options["evidence_dir"] = string(watch, "evidence_dir", "watch")
    options["keypoints_only"] = boolean(watch, "keypoints_only", "watch", False)

    mqtt = None
    if "mqtt" in data:
        values = data["mqtt"]
        check_keys(values, MQTT_KEYS, "mqtt")
        url = string(values, "url", "mqtt")
        if url is None:
            fail("[mqtt] needs url = \"mqtt://[user:password@]host[:port]\"", "mqtt")
        from movenet.alerts.mqtt import parse_mqtt_url
        from movenet.errors import InvalidOptionError

        try:
            parse_mqtt_url(url)
        except InvalidOptionError as exc:
            fail(str(exc), "mqtt", 0, "url")
        mqtt = MqttConfig(url, boolean(values, "discovery", "mqtt", True), string(values, "prefix", "mqtt", default="movenet"),
                          string(values, "discovery_prefix", "mqtt", default="homeassistant"))

    notify = NotifyConfig()
    if "notify" in data:
        values = data["notify"]
        check_keys(values, NOTIFY_KEYS, "notify")
        urls = values.get("apprise", [])
        if isinstance(urls, str):
            urls = [urls]
        if not isinstance(urls, list) or not all(isinstance(u, str) and u for u in urls):
            fail("apprise must be a list of apprise URLs", "notify", 0, "apprise")
        urls = [expand(u, lambda message: fail(message, "notify", 0, "apprise")) for u in urls]
        notify = NotifyConfig(tuple(urls), string(values, "attach", "notify", default="snapshot", choices=ATTACH),
                              string(values, "on_event", "notify"), string(values, "post", "notify"))

    cameras_data = data.get("cameras")
    if not isinstance(cameras_data, list) or not cameras_data:
        fail("no cameras: add at least one [[cameras]] with name and url")
    cameras = []
    names = set()
    for i, values in enumerate(cameras_data):
        check_keys(values, CAMERA_KEYS, "cameras", i)
        name = string(values, "name", "cameras", i)
        if name is None or not NAME_RE.match(name):
            fail(f"camera name must be 1-64 letters, digits, - or _, got {name!r}", "cameras", i, "name")
        if name in names:
            fail(f"two cameras are named {name!r}", "cameras", i, "name")
        names.add(name)
        url = string(values, "url", "cameras", i)
        profile = string(values, "falls_profile", "cameras", i)
        if url is None:
            fail(f"camera {name!r} needs url = \"rtsp://...\" (or http(s)://, a webcam index, a file)", "cameras", i)
        cameras.append(CameraConfig(
            name=name, url=url, room=string(values, "room", "cameras", i),
            model=string(values, "model", "cameras", i, default="lightning", choices=MODELS),
            max_fps=number(values, "max_fps", "cameras", i, high=120, default=0.0),
            transport=string(values, "transport", "cameras", i, default="tcp", choices=("tcp", "udp")),
            connect_timeout_s=number(values, "connect_timeout_s", "cameras", i, low=0.1, high=600, default=10.0),
            read_timeout_s=number(values, "read_timeout_s", "cameras", i, low=0.1, high=600, default=5.0),
            falls=_falls(values.get("falls", {}), i, fail, profile=_profile_settings(profile, i, fail, source)),
            falls_profile=profile,
            zones=_zones(values.get("zones", []), i, fail, name),
        ))
    return WatchConfig(tuple(cameras), mqtt=mqtt, notify=notify, source=source, **options)


def _profile_settings(path: str | None, index: int, fail, source: str) -> dict:
    """The default method's settings fitted in the camera's fall profile (`falls_profile`, relative to
    the config file's folder); {} without one."""
    if path is None:
        return {}
    from movenet.errors import InvalidInputError
    from movenet.falls.profile import load_profile

    base = Path(source).parent if source and not source.startswith("<") else Path.cwd()
    try:
        return load_profile(base / Path(path).expanduser()).settings_for("default")
    except InvalidInputError as exc:
        fail(str(exc), "cameras", index, "falls_profile")


def _falls(values, index: int, fail, profile: dict | None = None) -> dict:
    """[cameras.falls] checked against FallSettings, over the profile's fitted settings."""
    from movenet.falls import FallSettings

    table = "cameras.falls"
    if not isinstance(values, dict):
        fail("falls must be a table ([cameras.falls])", "cameras", index, "falls")
    known = {f.name for f in dataclasses.fields(FallSettings)}
    for key, value in values.items():
        if key not in known:
            fail(f"unknown fall setting {key!r}; known: {', '.join(sorted(known))}", table, index, key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            fail(f"{key} must be a number >= 0, got {value!r}", table, index, key)
    merged = {**(profile or {}), **values}
    try:
        FallSettings(**merged)
    except (TypeError, ValueError) as exc:
        fail(f"fall settings: {exc}", table, index)
    return merged


def _zones(values, index: int, fail, camera: str) -> tuple[Zone, ...]:
    table = "cameras.zones"
    if not isinstance(values, list):
        fail("zones must be [[cameras.zones]] tables", "cameras", index, "zones")
    zones = []
    for zone in values:
        name = zone.get("name", f"zone {len(zones) + 1}")
        polygon = zone.get("polygon")
        ok = isinstance(polygon, list) and len(polygon) >= 3 and all(
            isinstance(p, list) and len(p) == 2 and all(not isinstance(v, bool) and isinstance(v, (int, float)) and 0 <= v <= 1 for v in p)
            for p in polygon)
        if not ok:
            fail(f"camera {camera!r}, zone {name!r}: polygon must be 3 or more [x, y] points with x and y in 0..1 "
                 "(fractions of the frame's width and height)", table, index, "polygon")
        zones.append(Zone(str(name), tuple((float(x), float(y)) for x, y in polygon)))
    return tuple(zones)
