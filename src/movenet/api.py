"""The front door: `create_detector(model, ...)` and `Detector.estimate_poses(image)`.

    import movenet
    detector = movenet.create_detector("thunder")
    poses = detector.estimate_poses("photo.jpg")     # or a numpy array, a PIL image
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from movenet.errors import InvalidInputError, InvalidOptionError
from movenet.limits import (
    MAX_BATCH_SIZE,
    MAX_MULTIPOSE_DIMENSION,
    MAX_TIMESTAMP_MS,
    MAX_TRACKS_LIMIT,
    check_bool,
    check_int,
    check_number,
    check_threads,
)
from movenet.pipelines.multi_pose import (
    DEFAULT_MAX_DIMENSION,
    MAX_POSES,
    MultiPoseDetector,
    MultiPoseOptions,
)
from movenet.pipelines.posenet import (
    DEFAULT_RESOLUTION,
    MAX_RESOLUTION,
    PoseNetDetector,
    PoseNetOptions,
)
from movenet.pipelines.single_pose import (
    DEFAULT_MIN_POSE_SCORE,
    SinglePoseDetector,
    SinglePoseOptions,
)
from movenet.preprocess.image_input import mirror, to_rgb_array
from movenet.registry import INPUT_MULTIPLE, ModelSpec, get_spec
from movenet.runtime import PRECISIONS, default_runtime, runtime_class
from movenet.temporal.tracker import MAX_AGE_MS, MAX_TRACKS, TRACKER_KINDS
from movenet.types import Pose

COMPAT_MODES = (None, "tfjs")
XNNPACK_MULTIPOSE_SIZE = 256  # the side of the shipped multipose_int8.tflite (runtime xnnpack)


@dataclass(frozen=True)
class DetectorOptions:
    """Load-time options, validated by `create_detector`."""

    model: str
    runtime: str = "onnxruntime"
    compat: str | None = None
    refine: bool = False
    min_pose_score: float = DEFAULT_MIN_POSE_SCORE
    max_poses: int = MAX_POSES
    multipose_max_dimension: int = DEFAULT_MAX_DIMENSION
    smoothing: bool = True
    tracker: str | None = "box"
    max_tracks: int = MAX_TRACKS
    max_track_age_ms: float = MAX_AGE_MS
    precision: str = "fp32"
    input_resolution: int | None = None  # PoseNet: model input side (16k + 1)


MILLISECONDS_TO_MICROSECONDS = 1000
# Images per network call for a list of stills. 1: on the 2-core reference machine batch 4 / 8 did
# not raise throughput (`movenet bench --batch 1 4 8`, docs/results/speed.md); larger machines may differ.
DEFAULT_BATCH_SIZE = 1


class Detector:
    """Estimates poses on images and video frames.

    Without a timestamp each image is independent (default mode). With `timestamp_ms` (video),
    state spans frames: the smart crop and smoothing (SinglePose), tracking and per-track smoothing
    (MultiPose). `reset()` forgets the state. Compat mode keeps the official state in every call.
    A list of images is a batch of independent stills: one list of poses per image.
    """

    def __init__(self, spec: ModelSpec, options: DetectorOptions, runtime) -> None:
        self.spec = spec
        self.options = options
        self.runtime = runtime
        if spec.family == "posenet":
            self._pipeline = PoseNetDetector(
                runtime,
                PoseNetOptions(
                    options.input_resolution or DEFAULT_RESOLUTION, options.max_poses, options.min_pose_score,
                    tracker=options.tracker, max_tracks=options.max_tracks, max_track_age_ms=options.max_track_age_ms,
                ),
            )
        elif spec.multi_pose:
            self._pipeline = MultiPoseDetector(
                runtime,
                MultiPoseOptions(
                    options.multipose_max_dimension, options.max_poses, options.min_pose_score,
                    compat=options.compat == "tfjs", smoothing=options.smoothing, tracker=options.tracker,
                    max_tracks=options.max_tracks, max_track_age_ms=options.max_track_age_ms,
                ),
            )
        else:
            self._pipeline = SinglePoseDetector(
                runtime,
                SinglePoseOptions(options.compat == "tfjs", options.refine, options.min_pose_score, options.smoothing),
            )
        self._last_timestamp_ms: float | None = None

    def estimate_poses(
        self,
        image,
        timestamp_ms: float | None = None,
        *,
        color: str = "rgb",
        flip_horizontal: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> list[Pose] | list[list[Pose]]:
        """Poses in pixels of `image` (file path, PIL image, or uint8 array; `color="bgr"` for
        OpenCV frames). `timestamp_ms`: the frame's time in a video, increasing from call to call.
        `flip_horizontal` mirrors the image first (selfie views).

        A list (or tuple) of images gives a list of pose lists, one per image, each image
        independent; `batch_size` model inputs go through the network per call (no timestamps:
        video frames go one call each). SinglePose compat mode runs them one by one, keeping its
        official state."""
        flip_horizontal = check_bool("flip_horizontal", flip_horizontal)
        if isinstance(image, (list, tuple)):
            return self._estimate_batch(image, timestamp_ms, color, flip_horizontal, batch_size)
        timestamp_us = self._check_timestamp(timestamp_ms)
        return self._pipeline(self._rgb(image, color, flip_horizontal), timestamp_us)

    @staticmethod
    def _rgb(image, color: str, flip_horizontal: bool) -> np.ndarray:
        rgb = to_rgb_array(image, color)
        return mirror(rgb) if flip_horizontal else rgb

    def _estimate_batch(self, images, timestamp_ms, color, flip_horizontal, batch_size) -> list[list[Pose]]:
        if timestamp_ms is not None:
            raise InvalidInputError(
                "a list of images is a batch of independent stills and takes no timestamp; "
                "pass video frames one call at a time with their timestamp_ms"
            )
        batch_size = check_int("batch_size", batch_size, 1, MAX_BATCH_SIZE, "larger batches were not faster")
        rgbs = []
        for i, image in enumerate(images):
            try:
                rgbs.append(self._rgb(image, color, flip_horizontal))
            except InvalidInputError as exc:
                raise InvalidInputError(f"image {i} of {len(images)}: {exc}") from exc
        if self.options.compat and not self.spec.multi_pose:
            return [self._pipeline(rgb, None) for rgb in rgbs]
        return self._pipeline.still_batch(rgbs, batch_size)

    def _check_timestamp(self, timestamp_ms: float | None) -> float | None:
        if timestamp_ms is None:
            return None
        if isinstance(timestamp_ms, (bool, np.bool_)) or not isinstance(timestamp_ms, numbers.Real):
            raise InvalidInputError(f"timestamp_ms must be a number of milliseconds, got {type(timestamp_ms).__name__}")
        try:
            timestamp_ms = float(timestamp_ms)
        except OverflowError:
            timestamp_ms = math.inf
        if not 0 <= timestamp_ms <= MAX_TIMESTAMP_MS:  # NaN fails too
            raise InvalidInputError(
                f"timestamp_ms must be finite and >= 0 (at most {MAX_TIMESTAMP_MS:.0f}: 285 years), got {timestamp_ms}"
            )
        last = self._last_timestamp_ms
        if self.options.compat is None and last is not None and timestamp_ms <= last:
            raise InvalidInputError(
                f"timestamps must increase: got {timestamp_ms} ms after {last} ms "
                "(call reset() to start a new video)"
            )
        self._last_timestamp_ms = timestamp_ms
        return timestamp_ms * MILLISECONDS_TO_MICROSECONDS

    def reset(self) -> None:
        """Start over: forget crops, filters and tracks (track ids keep counting up)."""
        self._last_timestamp_ms = None
        self._pipeline.reset()


def create_detector(
    model: str = "lightning",
    *,
    runtime: str | None = None,
    compat: str | None = None,
    refine: bool = False,
    min_pose_score: float = DEFAULT_MIN_POSE_SCORE,
    max_poses: int | None = None,
    multipose_max_dimension: int = DEFAULT_MAX_DIMENSION,
    smoothing: bool = True,
    tracker: str | None = "box",
    max_tracks: int = MAX_TRACKS,
    max_track_age_ms: float = MAX_AGE_MS,
    precision: str = "fp32",
    weights: str | Path | None = None,
    threads: int | None = None,
    input_resolution: int | None = None,
    spinning: bool = True,
) -> Detector:
    """A detector for `model` ("lightning", "thunder", "multipose", or "posenet": the older
    baseline, for comparison).

    runtime: "onnxruntime" (default when installed), "torch", "litert" (Google's own .tflite
    files, for comparison) or "xnnpack" (our int8 .tflite files in LiteRT: the default for int8
    when ai-edge-litert is installed); weights: another model file; threads: CPU threads.
    spinning: onnxruntime's worker threads busy-wait between calls (fastest for back-to-back
    stills); False where other threads need the cores between calls, as in the overlapped video
    pipeline (docs/results/speed.md, Video pipeline). Other runtimes ignore it.
    precision: "fp32" or "int8" (quantised convolutions: smaller and faster, keypoints typically
    within 1 px of float; docs/results/int8.md).
    compat: None (our defaults) or "tfjs" (the official pose-detection behaviour, exactly).
    refine: SinglePose, default mode: a second pass on the crop around the person found.
    min_pose_score: poses scoring below are dropped (0 keeps all). max_poses: MultiPose, 1..6.
    multipose_max_dimension: MultiPose, the longer side of the model input, a multiple of 32.
    smoothing: video, One-Euro smoothing of the keypoints (the official filter and constants).
    tracker: MultiPose video, "box" (IoU), "keypoints" (OKS) or None; max_tracks, max_track_age_ms.
    PoseNet: as Google's PoseNet client (no compat mode, no smoothing, fp32 only); max_poses 1 is
    single-pose decoding, more is multi-pose decoding (default 5); input_resolution: the model
    input side, 16k + 1 (default 257; another r becomes floor(r / 16) * 16 + 1, as in the official client).
    """
    spec = get_spec(model)
    if precision not in PRECISIONS:
        raise InvalidOptionError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if runtime is None:
        runtime = default_runtime(precision, spec.name)
        if runtime == "xnnpack" and spec.multi_pose and isinstance(multipose_max_dimension, int) \
                and multipose_max_dimension > XNNPACK_MULTIPOSE_SIZE:
            runtime = "onnxruntime"  # the MultiPose .tflite file takes inputs up to 256x256

    backend_class = runtime_class(runtime)
    if precision not in backend_class.precisions:
        raise InvalidOptionError(
            f"runtime {runtime!r} has precisions {backend_class.precisions}, not {precision!r}"
        )
    if compat not in COMPAT_MODES:
        raise InvalidOptionError(f"compat must be None or 'tfjs', got {compat!r}")
    refine, smoothing = check_bool("refine", refine), check_bool("smoothing", smoothing)
    spinning = check_bool("spinning", spinning)
    min_pose_score = check_number("min_pose_score", min_pose_score, 0.0, 1.0)
    if spec.family == "posenet":
        _check_posenet_options(compat, precision, input_resolution)
    elif input_resolution is not None:
        raise InvalidOptionError(
            f"input_resolution applies to posenet; {spec.name} uses "
            + ("multipose_max_dimension" if spec.multi_pose else f"its fixed {spec.input_size[0]}x{spec.input_size[1]} input")
        )
    max_poses = check_int("max_poses", spec.default_max_poses if max_poses is None else max_poses, 1, spec.max_poses,
                          f"{spec.name} finds at most {spec.max_poses}")
    dimension = multipose_max_dimension
    if not (isinstance(dimension, numbers.Integral) and not isinstance(dimension, bool)
            and INPUT_MULTIPLE <= dimension <= MAX_MULTIPOSE_DIMENSION and dimension % INPUT_MULTIPLE == 0):
        raise InvalidOptionError(
            f"multipose_max_dimension must be a multiple of {INPUT_MULTIPLE} in {INPUT_MULTIPLE}.."
            f"{MAX_MULTIPOSE_DIMENSION} (memory and time grow with its square), got {dimension!r}"
        )
    if tracker not in (*TRACKER_KINDS, None):
        raise InvalidOptionError(f"tracker must be one of {TRACKER_KINDS} or None, got {tracker!r}")
    max_tracks = check_int("max_tracks", max_tracks, 1, MAX_TRACKS_LIMIT)
    max_track_age_ms = check_number("max_track_age_ms", max_track_age_ms, 0.0, low_open=True)
    threads = check_threads(threads)
    if refine and (spec.multi_pose or compat):
        raise InvalidOptionError("refine applies to SinglePose models in the default (non-compat) mode")
    options = DetectorOptions(
        spec.name, runtime, compat, refine, min_pose_score, max_poses, int(dimension),
        smoothing, tracker, max_tracks, max_track_age_ms, precision, input_resolution,
    )
    extra = {"precision": precision} if precision != "fp32" else {}
    if runtime == "onnxruntime" and not spinning:
        extra["spinning"] = False
    backend = backend_class(spec.name, weights=weights, threads=threads, **extra)
    return Detector(spec, options, backend)


def _check_posenet_options(compat, precision: str, input_resolution) -> None:
    if compat is not None:
        raise InvalidOptionError("compat applies to MoveNet models; posenet always follows Google's PoseNet client")
    if precision != "fp32":
        raise InvalidOptionError(f"posenet has only fp32 weights (official float32), not {precision!r}")
    if input_resolution is not None and (
        isinstance(input_resolution, bool) or not isinstance(input_resolution, int)
        or not 17 <= input_resolution <= MAX_RESOLUTION
    ):
        raise InvalidOptionError(
            f"input_resolution must be an integer in 17..{MAX_RESOLUTION} (16k + 1, e.g. 257; others "
            f"become floor(r / 16) * 16 + 1), got {input_resolution!r}"
        )
