"""Pose sources for the analyses above the detector, chosen by name from one table.

- `video`: the detector's video mode (SinglePose: the crop follows the person, keypoints smoothed;
  MultiPose: tracking and per-track smoothing).
- `rotation`: `video`, plus the rotation retry (`movenet.pipelines.rotation`) on frames where the
  upright pass is unsure (`accept(pose)` False); SinglePose only.
- `ambianic`: Ambianic's own input (`movenet.pipelines.thumbnail`: the frame shrunk into the
  model's square, padded at the right and bottom) with their rotation retry; SinglePose only.
The `accept` rules belong to the analysis that consumes the poses and are passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from movenet.errors import InvalidOptionError
from movenet.types import Pose


@dataclass(frozen=True)
class PoseSourceSpec:
    name: str
    description: str
    retry: bool  # needs an accept rule for the rotation retry
    single_pose_only: bool


POSE_SOURCES: dict[str, PoseSourceSpec] = {
    s.name: s
    for s in (
        PoseSourceSpec("video", "the detector's video mode (crop tracking, smoothing, MultiPose tracking)", False, False),
        PoseSourceSpec("rotation", "video mode + a pass on the frame turned by 90 degrees when the upright one is unsure", True, True),
        PoseSourceSpec("ambianic", "Ambianic's input: whole frame shrunk, padded right/bottom, their rotation retry", True, True),
    )
}


def get_pose_source(name: str) -> PoseSourceSpec:
    if name not in POSE_SOURCES:
        raise InvalidOptionError(f"unknown pose source {name!r}; known: {', '.join(POSE_SOURCES)}")
    return POSE_SOURCES[name]


def make_pose_source(name: str, model: str = "lightning", *, accept: Callable[[Pose], bool] | None = None, **detector_options):
    """A detector-like object (`estimate_poses(image, timestamp_ms)`, `reset()`) for the source
    `name`; `detector_options` go to `movenet.create_detector` (video, rotation) or to the
    runtime (ambianic: runtime, threads, weights, precision)."""
    import movenet
    from movenet.pipelines.rotation import RotationRetry
    from movenet.pipelines.thumbnail import ThumbnailDetector

    spec = get_pose_source(name)
    if spec.single_pose_only and movenet.get_spec(model).multi_pose:
        raise InvalidOptionError(f"pose source {name!r} needs a single-person model (lightning, thunder), not {model}")
    if spec.retry and accept is None:
        raise InvalidOptionError(f"pose source {name!r} needs an accept rule for its rotation retry")
    if name == "ambianic":
        keep = {k: detector_options[k] for k in ("runtime", "threads", "weights", "precision") if detector_options.get(k) is not None}
        return RotationRetry(ThumbnailDetector(model, **keep), accept)
    detector = movenet.create_detector(model, **detector_options)
    return RotationRetry(detector, accept) if name == "rotation" else detector


class SkipFrames:
    """Runs `detector` only on frames where `wanted(timestamp_ms)` is True; other frames get no
    poses. For analyses that look at some frames only (Ambianic: one a second), to save the model."""

    def __init__(self, detector, wanted: Callable[[float], bool]) -> None:
        self.detector = detector
        self.wanted = wanted
        self.skipped = 0

    def estimate_poses(self, image, timestamp_ms: float | None = None) -> list[Pose]:
        if timestamp_ms is not None and not self.wanted(timestamp_ms):
            self.skipped += 1
            return []
        return self.detector.estimate_poses(image, timestamp_ms)

    def reset(self) -> None:
        self.detector.reset()
