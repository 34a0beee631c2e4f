"""MultiPose on images and video: the official resize-and-pad, tracking, per-track smoothing.

Boxes are returned in image pixels like the keypoints (the official library leaves them
normalised to the padded model input), `max_poses` is honoured and a `min_pose_score` of 0 means
0. With a timestamp (video), poses are tracked (box IoU or keypoint OKS; ids from 1, stable over
the video) and each track's keypoints are smoothed by its own One-Euro filter; filters of tracks
that died are dropped (BRIEF section 2 point 6). Without a timestamp, no ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movenet.limits import MAX_BATCH_PIXELS
from movenet.pipelines.single_pose import DEFAULT_MIN_POSE_SCORE
from movenet.preprocess.crop import resize_and_pad
from movenet.skeleton import NUM_KEYPOINTS
from movenet.temporal.one_euro import KeypointsFilter
from movenet.temporal.tracker import MAX_AGE_MS, MAX_TRACKS, Tracker
from movenet.types import Box, Pose

DEFAULT_MAX_DIMENSION = 256  # constants.ts MOVENET_MULTIPOSE_DEFAULT_MAX_DIMENSION
MAX_POSES = 6


@dataclass(frozen=True)
class MultiPoseOptions:
    max_dimension: int = DEFAULT_MAX_DIMENSION
    max_poses: int = MAX_POSES
    min_pose_score: float = DEFAULT_MIN_POSE_SCORE
    compat: bool = False  # keep the model's order (by centre peak) instead of best score first
    smoothing: bool = True
    tracker: str | None = "box"  # "box", "keypoints" or None (no ids)
    max_tracks: int = MAX_TRACKS
    max_track_age_ms: float = MAX_AGE_MS


@dataclass(frozen=True)
class _Detection:
    keypoints: np.ndarray  # (17, 3) y, x normalised to the image, score
    box: np.ndarray  # (4,) y_min, x_min, y_max, x_max normalised to the image (unclipped)
    score: float


class MultiPoseDetector:
    def __init__(self, runtime, options: MultiPoseOptions = MultiPoseOptions()) -> None:
        self.runtime = runtime
        self.options = options
        self.tracker = (
            Tracker(options.tracker, options.max_tracks, options.max_track_age_ms) if options.tracker else None
        )
        self._filters: dict[int, KeypointsFilter] = {}
        self._frame_size: tuple[int, int] | None = None

    def reset(self) -> None:
        """Forget tracks and filters (ids keep counting up)."""
        if self.tracker is not None:
            self.tracker.reset()
        self._filters.clear()
        self._frame_size = None

    def detect(self, image: np.ndarray) -> list[_Detection]:
        """The model's poses above the minimum score, normalised to the image."""
        return self.detect_batch([image])[0]

    def detect_batch(self, images: list[np.ndarray], batch_size: int = 1) -> list[list[_Detection]]:
        """`detect` for many images; inputs of the same size go `batch_size` per network call (fewer
        when large: at most MAX_BATCH_PIXELS model-input pixels per call)."""
        prepared = [resize_and_pad(image, self.options.max_dimension) for image in images]
        by_shape: dict[tuple[int, ...], list[int]] = {}
        for i, (model_input, _) in enumerate(prepared):
            by_shape.setdefault(model_input.shape, []).append(i)
        raws: list[np.ndarray | None] = [None] * len(images)
        for shape, indices in by_shape.items():
            per_call = max(1, min(batch_size, MAX_BATCH_PIXELS // (shape[0] * shape[1])))
            for start in range(0, len(indices), per_call):
                chunk = indices[start:start + per_call]
                out = self.runtime.run(np.stack([prepared[i][0] for i in chunk]))  # (B, 6, 56); valid inputs
                for i, raw in zip(chunk, out):
                    raws[i] = raw.astype(np.float64)
        return [self._detections(raw, geometry) for raw, (_, geometry) in zip(raws, prepared)]

    def still_batch(self, images: list[np.ndarray], batch_size: int = 1) -> list[list[Pose]]:
        """Independent still images: poses without ids, no tracking or smoothing."""
        return [
            [_to_pose(d.keypoints, d, None, *image.shape[:2]) for d in found]
            for found, image in zip(self.detect_batch(images, batch_size), images)
        ]

    def _detections(self, raw: np.ndarray, geometry) -> list[_Detection]:
        scale = np.array([geometry.padded[0] / geometry.resized[0], geometry.padded[1] / geometry.resized[1]])
        box_scale = np.tile(scale, 2)
        found = []
        for row in raw:
            score = float(row[-1])
            if score < self.options.min_pose_score:
                continue
            kpts = row[: 3 * NUM_KEYPOINTS].reshape(NUM_KEYPOINTS, 3).copy()
            kpts[:, :2] *= scale
            found.append(_Detection(kpts, row[51:55] * box_scale, score))
        if not self.options.compat:
            found.sort(key=lambda d: -d.score)
        return found[: self.options.max_poses]

    def __call__(self, image: np.ndarray, timestamp_us: float | None = None) -> list[Pose]:
        height, width = image.shape[:2]
        if self._frame_size not in (None, (height, width)):
            self.reset()
        self._frame_size = (height, width)
        found = self.detect(image)
        ids: list[int | None] = [None] * len(found)
        keypoints = [d.keypoints for d in found]
        if timestamp_us is not None and self.tracker is not None:
            ids = self.tracker.update(keypoints, [d.box for d in found], timestamp_us)
            if self.options.smoothing:
                for i in ids:
                    if i not in self._filters:  # a new track gets its own filter
                        self._filters[i] = KeypointsFilter(official_start=self.options.compat)
                keypoints = [self._filters[i].apply(k, timestamp_us) for i, k in zip(ids, keypoints)]
                alive = self.tracker.track_ids()
                self._filters = {i: f for i, f in self._filters.items() if i in alive}
        return [_to_pose(k, d, i, height, width) for k, d, i in zip(keypoints, found, ids)]


def _to_pose(keypoints: np.ndarray, detection: _Detection, track_id: int | None, height: int, width: int) -> Pose:
    xy_score = np.stack([keypoints[:, 1] * width, keypoints[:, 0] * height, keypoints[:, 2]], axis=1)
    y0, x0, y1, x1 = np.minimum(detection.box, 1.0)
    box = Box(float(x0 * width), float(y0 * height), float(x1 * width), float(y1 * height))
    return Pose.from_array(xy_score, detection.score, box, track_id)
