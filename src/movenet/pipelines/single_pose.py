"""SinglePose on images: which region the model sees, and poses back in image pixels.

Still images (no timestamp), default: the model sees the whole image padded to a square, so nobody
at the sides of a landscape photo is cut off; with `refine`, a second pass runs on the smart crop
around the person the first pass found. Each call is independent.

Video (a timestamp per frame), and every call in `compat` mode: the official pose-detection loop
(BRIEF section 2, points 1-5): crop, model, pose score (below the minimum: reset, no pose), One-Euro
smoothing of the keypoints, then the next crop from the smoothed keypoints, low-pass filtered
(alpha 0.9). Compat starts from the centred square and keeps the filter's first-timestamp quirk;
the default starts from the whole image and smooths from the second frame. A change of frame size
resets the state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movenet.preprocess.crop import (
    CropRegion,
    center_square_region,
    crop_and_resize,
    padded_square_region,
)
from movenet.preprocess.crop_region import MIN_CROP_KEYPOINT_SCORE, next_crop_region
from movenet.temporal.low_pass import CropRegionFilter
from movenet.temporal.one_euro import KeypointsFilter
from movenet.types import Box, Pose

DEFAULT_MIN_POSE_SCORE = 0.25  # constants.ts DEFAULT_MIN_POSE_SCORE


def single_pose_score(scores: np.ndarray) -> float:
    """Mean of the keypoint scores above 0.2, 0 when none is (official, summed in float64)."""
    kept = np.asarray(scores, dtype=np.float64)
    kept = kept[kept > MIN_CROP_KEYPOINT_SCORE]
    return float(kept.sum() / kept.size) if kept.size else 0.0


def keypoints_box(xy_score: np.ndarray, min_score: float = MIN_CROP_KEYPOINT_SCORE) -> Box | None:
    """Box around the keypoints scoring above `min_score` (None if none does)."""
    kept = xy_score[xy_score[:, 2] > min_score]
    if not len(kept):
        return None
    return Box(float(kept[:, 0].min()), float(kept[:, 1].min()), float(kept[:, 0].max()), float(kept[:, 1].max()))


def run_on_regions(runtime, images: list[np.ndarray], regions: list[CropRegion], batch_size: int = 1) -> list[np.ndarray]:
    """Per image, (17, 3) of (y, x, score), y and x normalised to the whole image (float64). The
    crops go through the network `batch_size` at a time."""
    out = []
    for start in range(0, len(images), batch_size):
        chunk = list(zip(images[start:start + batch_size], regions[start:start + batch_size]))
        crops = [crop_and_resize(image, region, runtime.spec.input_size[0]) for image, region in chunk]
        crops = crops[0][None] if len(crops) == 1 else np.stack(crops)  # no copy for one image
        raws = runtime.run(crops)[:, 0].astype(np.float64)  # valid inputs by construction
        for raw, (_, region) in zip(raws, chunk):
            keypoints = raw.copy()
            keypoints[:, 0] = region.y_min + raw[:, 0] * (region.y_max - region.y_min)
            keypoints[:, 1] = region.x_min + raw[:, 1] * (region.x_max - region.x_min)
            out.append(keypoints)
    return out


def run_on_region(runtime, image: np.ndarray, region: CropRegion) -> np.ndarray:
    """(17, 3) of (y, x, score), y and x normalised to the whole image (float64)."""
    return run_on_regions(runtime, [image], [region])[0]


def pose_from_normalised(keypoints: np.ndarray, height: int, width: int) -> Pose:
    xy_score = np.stack([keypoints[:, 1] * width, keypoints[:, 0] * height, keypoints[:, 2]], axis=1)
    return Pose.from_array(xy_score, single_pose_score(keypoints[:, 2]), keypoints_box(xy_score))


@dataclass(frozen=True)
class SinglePoseOptions:
    compat: bool = False
    refine: bool = False
    min_pose_score: float = DEFAULT_MIN_POSE_SCORE
    smoothing: bool = True


class SinglePoseDetector:
    def __init__(self, runtime, options: SinglePoseOptions = SinglePoseOptions()) -> None:
        self.runtime = runtime
        self.options = options
        self._crop_filter = CropRegionFilter()
        self._keypoint_filter = KeypointsFilter(official_start=options.compat)
        self.reset()

    def reset(self) -> None:
        """Forget the crop region and the filters (the state that spans frames)."""
        self.crop_region: CropRegion | None = None
        self._frame_size: tuple[int, int] | None = None
        self._crop_filter.reset()
        self._keypoint_filter.reset()

    def __call__(self, image: np.ndarray, timestamp_us: float | None = None) -> list[Pose]:
        if timestamp_us is None and not self.options.compat:
            return self._still(image)
        return self._track(image, timestamp_us)

    def _still(self, image: np.ndarray) -> list[Pose]:
        return self.still_batch([image])[0]

    def still_batch(self, images: list[np.ndarray], batch_size: int = 1) -> list[list[Pose]]:
        """Independent still images (default mode), `batch_size` model inputs per network call."""
        wholes = [padded_square_region(*image.shape[:2]) for image in images]
        found = run_on_regions(self.runtime, images, wholes, batch_size)
        if self.options.refine:
            regions = [next_crop_region(k, *image.shape[:2]) for k, image in zip(found, images)]
            again = [i for i, (region, whole) in enumerate(zip(regions, wholes)) if region != whole]
            refined = run_on_regions(self.runtime, [images[i] for i in again], [regions[i] for i in again], batch_size)
            for i, keypoints in zip(again, refined):
                if single_pose_score(keypoints[:, 2]) >= single_pose_score(found[i][:, 2]):
                    found[i] = keypoints
        poses = [pose_from_normalised(k, *image.shape[:2]) for k, image in zip(found, images)]
        return [[pose] if pose.score >= self.options.min_pose_score else [] for pose in poses]

    def _track(self, image: np.ndarray, timestamp_us: float | None) -> list[Pose]:
        height, width = image.shape[:2]
        if self._frame_size not in (None, (height, width)):
            self.reset()
        self._frame_size = (height, width)
        if self.crop_region is None:
            first = center_square_region if self.options.compat else padded_square_region
            self.crop_region = first(height, width)
        keypoints = run_on_region(self.runtime, image, self.crop_region)
        score = single_pose_score(keypoints[:, 2])
        if score < self.options.min_pose_score:
            self.reset()
            return []
        if timestamp_us is not None and self.options.smoothing:
            keypoints = self._keypoint_filter.apply(keypoints, timestamp_us)
        self.crop_region = self._crop_filter.apply(next_crop_region(keypoints, height, width))
        return [pose_from_normalised(keypoints, height, width)]
