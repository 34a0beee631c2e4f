"""The live WebSocket protocol (`/ws`), in one place: message types, frame header, close codes.

Browser -> server
- **binary**: one frame. A 20-byte little-endian header, then the image:
  `uint32 frame id | float64 capture time (ms, increasing) | uint16 width | uint16 height |
  uint8 format | 3 bytes zero`, format 1 = JPEG (width/height may be 0: read from the JPEG),
  2 = raw RGBA pixels (width x height x 4 bytes).
- **text** JSON: `{"type": "settings", ...}` (model, precision, smoothing, tracker, max_poses,
  min_pose_score, analysers: `{"angles": {}, "reps": {"exercise": "squat"}, "falls": {"method":
  "default", "confirm_s": 5}}`); applied before the next frame, without a reload. An analyser
  whose options are unchanged keeps its state. `{"type": "reset", "analysers": ["reps"]}` starts
  those analysers over (all of them without "analysers"): the reset button.
  A settings message may carry `"inference": "browser" | "server"`: where this session's model runs
  (serve/browser.py; a session starts in the server's `--inference` mode, `hello` says which). In
  browser mode the server takes no frames (a binary message closes the connection with 1008) and
  builds no detector; asking a browser-default server for its inference takes one of its
  --max-sessions (none free: closed with 1013); a browser-only server refuses it (an `error`).
- **text** `{"type": "keypoints", "frame": id, "time_ms": capture time, "width", "height", "poses": [{"score",
  "box": [x_min, y_min, x_max, y_max] | null, "id": track id | null, "keypoints": [[x, y, score]
  x 17]}]}` (pixels of the frame; at most 6 poses), browser mode only: the poses the browser found,
  for the analysers. They are analysed in order (at most 30 wait; older ones are dropped and
  counted in the analysis messages' `dropped`).

Server -> browser (text JSON)
- `hello`: the session's settings and limits, once, after the handshake.
- `poses`: `{"type": "poses", "frame": id, "width", "height", "model", "settings_id", "poses":
  [Pose.to_dict()...], "decode_ms", "inference_ms", "server_ms", "dropped"}` for every frame
  processed (`settings_id` counts the settings applied: each one that changes the detector's
  settings starts a fresh detector; one that changes only the analysers keeps it).
- `analysis`: `{"type": "analysis", "frame": id, "results": {analyser: {...}}}` after `poses`,
  when analysers are on, computed at the frame's capture time: `angles` {"people": [{"id",
  "angles"}]}; `reps` {"exercise", "count", "phase", "message", "marks", "people": [{"id",
  "count", "partial", "phase", "angle", "depth", "seen", "event", "last", "message"}]}; `falls`
  {"method", "people": [{"id", "state"}], "alert": {"level": "warning" | "alarm", "message"} or
  null, "events": [...] (only when some happened), "counts", "message"}.
- `reset`: `{"type": "reset", "analysers": [names]}`, the analysers that were reset.
- `settings`: the settings now in force (and their `settings_id`), after a settings message; `error`: a message that was
  refused (bad settings, undecodable image, a frame time that does not increase), the session goes on.

The server keeps one frame in flight per client: frames that arrive while one is being processed
replace each other (only the newest waits), so latency never piles up; `dropped` counts them.
Protocol violations close the connection with a code and a reason (`CLOSE_*`).
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass

from movenet.errors import InvalidInputError
from movenet.skeleton import NUM_KEYPOINTS
from movenet.types import Box, Pose

HEADER = struct.Struct("<IdHHB3x")
HEADER_BYTES = HEADER.size  # 20
FORMAT_JPEG = 1
FORMAT_RGBA = 2
FORMATS = {FORMAT_JPEG: "jpeg", FORMAT_RGBA: "rgba"}

# RFC 6455 close codes (section 7.4.1) and the IANA registry (1013).
CLOSE_NORMAL = 1000
CLOSE_UNSUPPORTED = 1003  # data of a type the endpoint cannot accept
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009
CLOSE_BUSY = 1013  # "try again later"
MAX_REASON_BYTES = 123  # a close frame's payload is at most 125 bytes, 2 of them the code
MAX_TEXT_BYTES = 16 * 1024  # settings messages are a few hundred bytes


class ProtocolError(InvalidInputError):
    """A message that breaks the protocol: the connection closes with `code` and the message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class FrameMessage:
    frame_id: int
    timestamp_ms: float
    width: int
    height: int
    format: str  # "jpeg" or "rgba"
    data: bytes


def pack_frame(frame_id: int, timestamp_ms: float, data: bytes, fmt: int = FORMAT_JPEG, width: int = 0, height: int = 0) -> bytes:
    """What the page sends (tests and tools use it to act as a client)."""
    return HEADER.pack(frame_id, timestamp_ms, width, height, fmt) + data


def parse_frame(message: bytes, max_bytes: int, max_pixels: int) -> FrameMessage:
    """A binary message -> FrameMessage; ProtocolError with the close code for what is wrong."""
    if len(message) > max_bytes:
        raise ProtocolError(CLOSE_TOO_BIG, f"frame of {len(message)} bytes is over the limit of {max_bytes}")
    if len(message) <= HEADER_BYTES:
        raise ProtocolError(CLOSE_UNSUPPORTED, f"a frame is a {HEADER_BYTES}-byte header and an image; got {len(message)} bytes")
    frame_id, timestamp_ms, width, height, fmt = HEADER.unpack_from(message)
    data = bytes(memoryview(message)[HEADER_BYTES:])
    if fmt not in FORMATS:
        raise ProtocolError(CLOSE_UNSUPPORTED, f"frame format {fmt} is unknown; 1 = JPEG, 2 = RGBA")
    if fmt == FORMAT_JPEG and not data.startswith(b"\xff\xd8\xff"):
        raise ProtocolError(CLOSE_UNSUPPORTED, "frames must be JPEG images (they start with FF D8 FF)")
    if fmt == FORMAT_RGBA:
        if width * height > max_pixels or width == 0 or height == 0:
            raise ProtocolError(CLOSE_TOO_BIG, f"RGBA frame {width}x{height} is outside 1..{max_pixels} pixels")
        if len(data) != width * height * 4:
            raise ProtocolError(CLOSE_UNSUPPORTED, f"RGBA frame {width}x{height} needs {width * height * 4} bytes, got {len(data)}")
    return FrameMessage(frame_id, timestamp_ms, width, height, FORMATS[fmt], data)


MAX_POSES_PER_MESSAGE = 6  # MultiPose finds at most 6
MAX_FRAME_ID = 2**32 - 1  # the binary header's uint32
COORDINATE_MARGIN = 2.0  # keypoints may fall outside the frame (crops extend past it): within 2 frame sizes


@dataclass(frozen=True)
class KeypointsMessage:
    frame_id: int
    timestamp_ms: float
    width: int
    height: int
    poses: tuple[Pose, ...]


def _number(value, what: str, low: float = -math.inf, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not low <= value <= high:
        raise ProtocolError(CLOSE_UNSUPPORTED, f"keypoints message: {what} must be a finite number in [{low:g}, {high:g}], got {value!r}")
    return float(value)


def _integer(value, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProtocolError(CLOSE_UNSUPPORTED, f"keypoints message: {what} must be an integer in {low}..{high}, got {value!r}")
    return value


def parse_keypoints(payload: dict, max_pixels: int) -> KeypointsMessage:
    """A keypoints message (without its "type") -> KeypointsMessage with `Pose`s; ProtocolError
    (1003) naming what is wrong: the page's own code sends these, so a bad one is a broken client."""
    known = {"frame", "time_ms", "width", "height", "poses"}
    if set(payload) != known:
        raise ProtocolError(CLOSE_UNSUPPORTED, f"keypoints message needs exactly the fields {', '.join(sorted(known))}; got {', '.join(sorted(payload))}")
    frame_id = _integer(payload["frame"], "frame", 0, MAX_FRAME_ID)
    timestamp_ms = _number(payload["time_ms"], "time_ms", 0.0)
    width = _integer(payload["width"], "width", 1, max_pixels)
    height = _integer(payload["height"], "height", 1, max_pixels)
    if width * height > max_pixels:
        raise ProtocolError(CLOSE_TOO_BIG, f"keypoints message: frame {width}x{height} is over the limit of {max_pixels} pixels")
    poses = payload["poses"]
    if not isinstance(poses, list) or len(poses) > MAX_POSES_PER_MESSAGE:
        raise ProtocolError(CLOSE_UNSUPPORTED, f"keypoints message: poses must be a list of at most {MAX_POSES_PER_MESSAGE}")
    x_range = (-COORDINATE_MARGIN * width, (1 + COORDINATE_MARGIN) * width)
    y_range = (-COORDINATE_MARGIN * height, (1 + COORDINATE_MARGIN) * height)
    out = []
    for i, pose in enumerate(poses):
        if not isinstance(pose, dict) or set(pose) != {"score", "box", "id", "keypoints"}:
            raise ProtocolError(CLOSE_UNSUPPORTED, f"keypoints message: pose {i} must be {{score, box, id, keypoints}}")
        rows = pose["keypoints"]
        if not isinstance(rows, list) or len(rows) != NUM_KEYPOINTS or not all(isinstance(r, list) and len(r) == 3 for r in rows):
            raise ProtocolError(CLOSE_UNSUPPORTED, f"keypoints message: pose {i} needs {NUM_KEYPOINTS} keypoints [x, y, score]")
        xy_score = [(_number(x, "x", *x_range), _number(y, "y", *y_range), _number(s, "a keypoint score", 0.0, 1.0)) for x, y, s in rows]
        box = pose["box"]
        if box is not None:
            if not isinstance(box, list) or len(box) != 4:
                raise ProtocolError(CLOSE_UNSUPPORTED, f"keypoints message: pose {i}'s box must be [x_min, y_min, x_max, y_max] or null")
            box = Box(*(_number(v, "a box coordinate", *(x_range if j % 2 == 0 else y_range)) for j, v in enumerate(box)))
        track = None if pose["id"] is None else _integer(pose["id"], "id", 0, MAX_FRAME_ID)
        out.append(Pose.from_array(xy_score, _number(pose["score"], "a pose score", 0.0, 1.0), box, track))
    return KeypointsMessage(frame_id, timestamp_ms, width, height, tuple(out))


def pack_keypoints(frame_id: int, timestamp_ms: float, width: int, height: int, poses: list[Pose]) -> str:
    """The keypoints message the page sends in browser mode (tests and tools use it to act as a client)."""
    return dumps({"type": "keypoints", "frame": frame_id, "time_ms": timestamp_ms, "width": width, "height": height,
                  "poses": [{"score": p.score, "box": p.box.to_list() if p.box else None, "id": p.id,
                             "keypoints": [[k.x, k.y, k.score] for k in p.keypoints]} for p in poses]})


def parse_text(message: str) -> dict:
    """A text message -> its JSON object (with a "type"); ProtocolError if it is not one."""
    if len(message) > MAX_TEXT_BYTES:
        raise ProtocolError(CLOSE_TOO_BIG, f"text message of {len(message)} characters is over the limit of {MAX_TEXT_BYTES}")
    try:
        payload = json.loads(message)
    except ValueError as exc:
        raise ProtocolError(CLOSE_UNSUPPORTED, f"text messages must be JSON ({exc})") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        raise ProtocolError(CLOSE_UNSUPPORTED, 'text messages must be JSON objects with a "type"')
    return payload


def reason(message: str) -> str:
    """A close reason that fits a close frame (UTF-8, at most 123 bytes)."""
    data = message.encode()
    if len(data) <= MAX_REASON_BYTES:
        return message
    return data[: MAX_REASON_BYTES - 3].decode(errors="ignore") + "..."


def dumps(payload: dict) -> str:
    """Compact JSON for the wire."""
    return json.dumps(payload, separators=(",", ":"), allow_nan=False)
