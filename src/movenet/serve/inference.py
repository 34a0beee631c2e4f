"""The detector behind the web app: settings checked once, models loaded once, images decoded safely.

`Engine` keeps one runtime per (model, precision), loaded on first use and shared by every session
(a runtime is stateless; each session has its own `Detector` with its own crop, filters and tracks).
All inference runs in one thread (`Engine.executor`): on 2 cores one model call already keeps both
busy, so calls one after another beat calls side by side, and no session can starve the others.
"""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace

import numpy as np

from movenet.api import Detector, DetectorOptions
from movenet.errors import InvalidInputError, InvalidOptionError
from movenet.registry import get_spec, list_models
from movenet.runtime import runtime_class
from movenet.temporal.tracker import TRACKER_KINDS
from movenet.types import Pose

# The precisions the web app offers: one runtime serves every page, and fp32 / int8 exist on all of
# them (bf16 / fp16 need OpenVINO and a CPU with them: `movenet predict --precision`, not the page).
PRECISIONS = ("fp32", "int8")

TRACKERS = (*TRACKER_KINDS, "none")


class TooLargeError(InvalidInputError):
    """An image whose pixel count is over the server's limit (HTTP 413)."""


@dataclass(frozen=True)
class Settings:
    """What a session (or an upload) asks of the detector; changeable without a reload."""

    model: str = "lightning"
    precision: str = "fp32"
    smoothing: bool = True
    tracker: str = "box"  # multipose: "box", "keypoints" or "none"
    max_poses: int | None = None  # multipose: 1..6 (None: the model's maximum)
    min_pose_score: float = 0.25

    def updated(self, changes: dict) -> Settings:
        """A copy with `changes` (JSON values) applied and checked; InvalidOptionError naming the
        field and what it accepts otherwise. Unknown keys are refused, not ignored."""
        names = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise InvalidOptionError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(names))}")
        new = replace(self, **changes)
        new.check()
        return new

    def check(self) -> None:
        if self.model not in list_models("movenet"):  # the web app serves MoveNet (PoseNet is a comparison peer)
            raise InvalidOptionError(f"model must be one of {', '.join(list_models('movenet'))}, got {self.model!r}")
        if self.precision not in PRECISIONS:
            raise InvalidOptionError(f"precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")
        if not isinstance(self.smoothing, bool):
            raise InvalidOptionError(f"smoothing must be true or false, got {self.smoothing!r}")
        if self.tracker not in TRACKERS:
            raise InvalidOptionError(f"tracker must be one of {', '.join(TRACKERS)}, got {self.tracker!r}")
        limit = get_spec(self.model).max_poses
        if self.max_poses is not None and (
            isinstance(self.max_poses, bool) or not isinstance(self.max_poses, int) or not 1 <= self.max_poses <= limit
        ):
            raise InvalidOptionError(f"max_poses must be an integer in 1..{limit} for {self.model}, got {self.max_poses!r}")
        score = self.min_pose_score
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0.0 <= score <= 1.0:
            raise InvalidOptionError(f"min_pose_score must be a number in 0..1, got {score!r}")

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class Engine:
    """Loads runtimes once, builds detectors for settings, runs every model call in one thread."""

    def __init__(self, threads: int | None = None, runtime: str | None = None, spinning: bool = False) -> None:
        self.threads = threads
        self.spinning = spinning  # onnxruntime's busy-waiting threads: off, the browser needs the cores
        # onnxruntime by default: the page shares the cores with the browser, and onnxruntime's worker
        # threads can be told not to spin between calls (the faster fp32 engine where OpenVINO is
        # installed is chosen for stills and video, not here: docs/guide/runtimes.md)
        self.runtime_name = runtime or "onnxruntime"
        self._runtimes: dict[tuple[str, str], object] = {}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="movenet-inference")

    def runtime(self, model: str, precision: str):
        key = (model, precision)
        if key not in self._runtimes:
            extra = {"precision": precision} if precision != "fp32" else {}
            if self.runtime_name == "onnxruntime":
                extra["spinning"] = self.spinning
            self._runtimes[key] = runtime_class(self.runtime_name)(model, threads=self.threads, **extra)
        return self._runtimes[key]

    def detector(self, settings: Settings) -> Detector:
        """A fresh detector (its own video state) on the shared runtime; loads it on first use."""
        settings.check()
        spec = get_spec(settings.model)
        options = DetectorOptions(
            model=spec.name, runtime=self.runtime_name, min_pose_score=float(settings.min_pose_score),
            max_poses=settings.max_poses or spec.max_poses, smoothing=settings.smoothing,
            tracker=None if settings.tracker == "none" else settings.tracker, precision=settings.precision,
        )
        return Detector(spec, options, self.runtime(settings.model, settings.precision))

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class Timed:
    poses: list[Pose]
    width: int
    height: int
    decode_ms: float
    inference_ms: float


def estimate(detector: Detector, rgb: np.ndarray, timestamp_ms: float | None, decode_ms: float = 0.0) -> Timed:
    """The one call to the detector: poses in pixels of `rgb`, timed."""
    started = time.perf_counter()
    poses = detector.estimate_poses(rgb, timestamp_ms)
    return Timed(poses, rgb.shape[1], rgb.shape[0], decode_ms, (time.perf_counter() - started) * 1000.0)


def decode_jpeg_frame(data: bytes, max_pixels: int) -> np.ndarray:
    """A live JPEG frame -> RGB uint8 (OpenCV's libjpeg-turbo; the size is checked first)."""
    import cv2

    width, height = jpeg_size(data)
    if width * height > max_pixels:
        raise TooLargeError(f"frame {width}x{height} is over the limit of {max_pixels} pixels")
    rgb = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR_RGB)
    if rgb is None:
        raise InvalidInputError("the frame is not a readable JPEG image")
    return rgb


def rgba_frame(data: bytes, width: int, height: int) -> np.ndarray:
    """Raw RGBA pixels (sizes already checked by the protocol) -> RGB uint8. OpenCV's SIMD copy:
    numpy's strided one (`rgba[:, :, :3]` made contiguous) took 2-8 ms at 640x480 here."""
    import cv2

    return cv2.cvtColor(np.frombuffer(data, np.uint8).reshape(height, width, 4), cv2.COLOR_RGBA2RGB)


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's SOF marker, without decoding; InvalidInputError if absent."""
    i, n = 2, len(data)
    while i + 9 < n:
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            i += 1 if marker == 0xFF else 2
            continue
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[i + 5:i + 7], "big")
            width = int.from_bytes(data[i + 7:i + 9], "big")
            if width and height:
                return width, height
            break
        i += 2 + length
    raise InvalidInputError("the frame is not a readable JPEG image (no size marker)")


def decode_upload(data: bytes, max_pixels: int) -> np.ndarray:
    """An uploaded image -> RGB uint8, exactly as `movenet predict` reads files (Pillow, EXIF
    orientation applied); the pixel count is checked before anything is decoded."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > max_pixels:
                raise TooLargeError(f"image {img.width}x{img.height} is over the limit of {max_pixels} pixels")
            img.load()
            rgb = ImageOps.exif_transpose(img).convert("RGB")
    except UnidentifiedImageError as exc:
        raise InvalidInputError("the body is not an image Pillow can read") from exc
    except Image.DecompressionBombError as exc:
        raise TooLargeError(f"image is over the limit of {max_pixels} pixels ({exc})") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        if isinstance(exc, InvalidInputError):
            raise
        raise InvalidInputError(f"damaged or truncated image ({exc})") from exc
    return np.asarray(rgb, dtype=np.uint8)


def round_poses(poses: list[Pose], decimals: int = 2) -> list[dict]:
    """Pose.to_dict() with coordinates and scores rounded for the wire (0.01 px, 1e-4 score)."""
    out = []
    for pose in poses:
        d = pose.to_dict()
        d["score"] = round(d["score"], 4)
        if d["box"] is not None:
            d["box"] = [round(v, decimals) for v in d["box"]]
        d["keypoints"] = [
            {"name": k["name"], "x": round(k["x"], decimals), "y": round(k["y"], decimals), "score": round(k["score"], 4)}
            for k in d["keypoints"]
        ]
        out.append(d)
    return out
