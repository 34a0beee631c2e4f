"""The front door: `create_detector(model, ...)` and `Detector.estimate_poses(image)`.

    import movenet
    detector = movenet.create_detector("thunder")
    poses = detector.estimate_poses("photo.jpg")     # or a numpy array, a PIL image
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from movenet.errors import InvalidOptionError
from movenet.pipelines.multi_pose import DEFAULT_MAX_DIMENSION, MAX_POSES, MultiPoseDetector, MultiPoseOptions
from movenet.pipelines.single_pose import DEFAULT_MIN_POSE_SCORE, SinglePoseDetector, SinglePoseOptions
from movenet.preprocess.image_input import to_rgb_array
from movenet.registry import INPUT_MULTIPLE, ModelSpec, get_spec
from movenet.runtime import RUNTIMES, create_runtime
from movenet.types import Pose

COMPAT_MODES = (None, "tfjs")


@dataclass(frozen=True)
class DetectorOptions:
    """Load-time options, validated by `create_detector`."""

    model: str
    runtime: str = "torch"
    compat: str | None = None
    refine: bool = False
    min_pose_score: float = DEFAULT_MIN_POSE_SCORE
    max_poses: int = MAX_POSES
    multipose_max_dimension: int = DEFAULT_MAX_DIMENSION


class Detector:
    """Estimates poses on images. Single-pose compat mode keeps the official crop state between
    calls; `reset()` forgets it."""

    def __init__(self, spec: ModelSpec, options: DetectorOptions, runtime) -> None:
        self.spec = spec
        self.options = options
        self.runtime = runtime
        if spec.multi_pose:
            self._pipeline = MultiPoseDetector(
                runtime,
                MultiPoseOptions(
                    options.multipose_max_dimension, options.max_poses, options.min_pose_score,
                    compat=options.compat == "tfjs",
                ),
            )
        else:
            self._pipeline = SinglePoseDetector(
                runtime, SinglePoseOptions(options.compat == "tfjs", options.refine, options.min_pose_score)
            )

    def estimate_poses(self, image, *, color: str = "rgb", flip_horizontal: bool = False) -> list[Pose]:
        """Poses in pixels of `image` (file path, PIL image, or uint8 array; `color="bgr"` for
        OpenCV frames). `flip_horizontal` mirrors the image first (selfie views)."""
        rgb = to_rgb_array(image, color)
        if flip_horizontal:
            rgb = np.ascontiguousarray(rgb[:, ::-1])
        return self._pipeline(rgb)

    def reset(self) -> None:
        self._pipeline.reset()


def create_detector(
    model: str = "lightning",
    *,
    runtime: str = "torch",
    compat: str | None = None,
    refine: bool = False,
    min_pose_score: float = DEFAULT_MIN_POSE_SCORE,
    max_poses: int | None = None,
    multipose_max_dimension: int = DEFAULT_MAX_DIMENSION,
    weights: str | Path | None = None,
    threads: int | None = None,
) -> Detector:
    """A detector for `model` ("lightning", "thunder" or "multipose").

    compat: None (our defaults) or "tfjs" (the official pose-detection behaviour, exactly).
    refine: SinglePose, default mode: a second pass on the crop around the person found.
    min_pose_score: poses scoring below are dropped (0 keeps all). max_poses: MultiPose, 1..6.
    multipose_max_dimension: MultiPose, the longer side of the model input, a multiple of 32.
    """
    spec = get_spec(model)
    if runtime not in RUNTIMES:
        raise InvalidOptionError(f"unknown runtime {runtime!r}; available: {', '.join(RUNTIMES)}")
    if compat not in COMPAT_MODES:
        raise InvalidOptionError(f"compat must be None or 'tfjs', got {compat!r}")
    if not isinstance(min_pose_score, (int, float)) or not 0.0 <= min_pose_score <= 1.0:
        raise InvalidOptionError(f"min_pose_score must be a number in 0..1, got {min_pose_score!r}")
    if max_poses is None:
        max_poses = spec.max_poses
    if not isinstance(max_poses, int) or not 1 <= max_poses <= spec.max_poses:
        raise InvalidOptionError(f"max_poses must be an integer in 1..{spec.max_poses} for {spec.name}, got {max_poses!r}")
    if (
        not isinstance(multipose_max_dimension, int)
        or multipose_max_dimension <= 0
        or multipose_max_dimension % INPUT_MULTIPLE
    ):
        raise InvalidOptionError(
            f"multipose_max_dimension must be a positive multiple of {INPUT_MULTIPLE}, "
            f"got {multipose_max_dimension!r}"
        )
    if refine and (spec.multi_pose or compat):
        raise InvalidOptionError("refine applies to SinglePose models in the default (non-compat) mode")
    options = DetectorOptions(
        spec.name, runtime, compat, bool(refine), float(min_pose_score), max_poses, multipose_max_dimension
    )
    backend = create_runtime(spec.name, runtime, weights=weights, threads=threads)
    return Detector(spec, options, backend)
