"""PoseNet on images and video, as Google's PoseNet client does it (`posenet_model.ts`, `util.ts`).

1. The image is padded with black to the model input's aspect ratio (equal bands on both sides,
   `Math.round(0.5 * missing)` each) and resized to the input resolution by the legacy bilinear
   resize (no half-pixel centres), as float: `padAndResizeTo`.
2. The network gives part scores, offsets and displacements at stride 16.
3. `max_poses == 1`: single-pose decoding (`estimateSinglePose`); more: multi-pose decoding
   (`estimateMultiplePoses`: root threshold `score_threshold`, NMS radius `nms_radius` pixels of the
   model input), poses in decreasing root-score order.
4. Keypoints are scaled back: `x * (W + pad_left + pad_right) / input_width - pad_left` (same for y).

The official client has no smart crop and no smoothing, and neither has this pipeline; with a
timestamp (video), poses get track ids from our tracker (box IoU or keypoint OKS, as for MultiPose),
which the official client does not do. `min_pose_score` drops poses below it (the official client
returns every pose). Input resolutions r that are not 16k + 1 become floor(r / 16) * 16 + 1, as the
official `toValidInputResolution` does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movenet.codec.posenet import (
    DecodedPose,
    decode_multiple_poses,
    decode_single_pose,
    split_output,
)
from movenet.codec.posenet.multi import (
    DEFAULT_NMS_RADIUS,
    DEFAULT_SCORE_THRESHOLD,
    js_round,
)
from movenet.pipelines.single_pose import DEFAULT_MIN_POSE_SCORE, keypoints_box
from movenet.preprocess.crop import resize_bilinear_legacy
from movenet.temporal.tracker import MAX_AGE_MS, MAX_TRACKS, Tracker
from movenet.types import Pose

DEFAULT_RESOLUTION = 257  # posenet_model.ts MOBILENET_V1_CONFIG.inputResolution
DEFAULT_MAX_POSES = 5  # MULTI_PERSON_INFERENCE_CONFIG.maxDetections
MAX_RESOLUTION = 1025  # ours: bounds the model input (64 x 16 + 1)


def valid_resolution(resolution: int, output_stride: int = 16) -> int:
    """`util.ts toValidInputResolution`: sizes that are not stride * k + 1 become floor(r / stride) * stride + 1."""
    if (resolution - 1) % output_stride == 0:
        return resolution
    return resolution // output_stride * output_stride + 1


@dataclass(frozen=True)
class Padding:
    top: int
    bottom: int
    left: int
    right: int


def pad_and_resize(image: np.ndarray, target_h: int, target_w: int) -> tuple[np.ndarray, Padding]:
    """`util.ts padAndResizeTo`: (H, W, 3) uint8 -> (target_h, target_w, 3) float32 and the padding."""
    height, width = image.shape[:2]
    target_aspect = target_w / target_h
    if width / height < target_aspect:  # pad the width
        side = js_round(0.5 * (target_aspect * height - width))
        padding = Padding(0, 0, side, side)
    else:
        side = js_round(0.5 * ((1.0 / target_aspect) * width - height))
        padding = Padding(side, side, 0, 0)
    padded = np.pad(image, ((padding.top, padding.bottom), (padding.left, padding.right), (0, 0)))
    return resize_bilinear_legacy(padded, target_h, target_w), padding


def to_image_keypoints(pose: DecodedPose, height: int, width: int, input_size: tuple[int, int],
                       padding: Padding) -> np.ndarray:
    """`util.ts scaleAndFlipPoses` (no flip): (17, 3) (x, y, score) in pixels of the image."""
    scale_y = (height + padding.top + padding.bottom) / input_size[0]
    scale_x = (width + padding.left + padding.right) / input_size[1]
    y = pose.keypoints[:, 0] * scale_y + -padding.top
    x = pose.keypoints[:, 1] * scale_x + -padding.left
    return np.stack([x, y, pose.keypoints[:, 2]], axis=1)


@dataclass(frozen=True)
class PoseNetOptions:
    resolution: int = DEFAULT_RESOLUTION
    max_poses: int = DEFAULT_MAX_POSES  # 1: single-pose decoding
    min_pose_score: float = DEFAULT_MIN_POSE_SCORE
    score_threshold: float = DEFAULT_SCORE_THRESHOLD
    nms_radius: float = DEFAULT_NMS_RADIUS
    tracker: str | None = "box"
    max_tracks: int = MAX_TRACKS
    max_track_age_ms: float = MAX_AGE_MS


class PoseNetDetector:
    def __init__(self, runtime, options: PoseNetOptions = PoseNetOptions()) -> None:
        self.runtime = runtime
        self.options = options
        stride = runtime.spec.output_stride
        self.input_size = (valid_resolution(options.resolution, stride),) * 2
        self.tracker = Tracker(options.tracker, options.max_tracks, options.max_track_age_ms) if options.tracker else None
        self._frame_size: tuple[int, int] | None = None

    def reset(self) -> None:
        """Forget tracks (ids keep counting up)."""
        if self.tracker is not None:
            self.tracker.reset()
        self._frame_size = None

    def decode(self, output: np.ndarray) -> list[DecodedPose]:
        """One image's runtime output (h, w, 115) -> poses in model-input pixels, official order."""
        heads = split_output(output)
        stride = self.runtime.spec.output_stride
        if self.options.max_poses == 1:
            return [decode_single_pose(heads, stride)]
        return decode_multiple_poses(heads, stride, self.options.max_poses, self.options.score_threshold,
                                     self.options.nms_radius)

    def detect_batch(self, images: list[np.ndarray], batch_size: int = 1) -> list[list[np.ndarray | float]]:
        """Per image, [(17, 3) (x, y, score) in image pixels, pose score] above the minimum score."""
        prepared = [pad_and_resize(image, *self.input_size) for image in images]
        found = []
        for start in range(0, len(images), batch_size):
            chunk = range(start, min(start + batch_size, len(images)))
            outputs = self.runtime.run(np.stack([prepared[i][0] for i in chunk]))  # valid by construction
            for i, output in zip(chunk, outputs):
                h, w = images[i].shape[:2]
                poses = [(to_image_keypoints(p, h, w, self.input_size, prepared[i][1]), p.score) for p in self.decode(output)]
                found.append([(k, s) for k, s in poses if s >= self.options.min_pose_score])
        return found

    def still_batch(self, images: list[np.ndarray], batch_size: int = 1) -> list[list[Pose]]:
        """Independent still images: poses without ids."""
        return [[_to_pose(k, s, None) for k, s in found] for found in self.detect_batch(images, batch_size)]

    def __call__(self, image: np.ndarray, timestamp_us: float | None = None) -> list[Pose]:
        height, width = image.shape[:2]
        if self._frame_size not in (None, (height, width)):
            self.reset()
        self._frame_size = (height, width)
        found = self.detect_batch([image])[0]
        ids: list[int | None] = [None] * len(found)
        if timestamp_us is not None and self.tracker is not None and found:
            scale = np.array([height, width])
            normalised = [np.stack([k[:, 1] / height, k[:, 0] / width, k[:, 2]], axis=1) for k, _ in found]
            boxes = [_box_yx(k, s) / np.tile(scale, 2) for k, s in found]
            ids = self.tracker.update(normalised, boxes, timestamp_us)
        return [_to_pose(k, s, i) for (k, s), i in zip(found, ids)]


def _box_yx(xy_score: np.ndarray, score: float) -> np.ndarray:
    box = keypoints_box(xy_score)
    if box is None:  # no confident keypoint: the box around all of them
        box = keypoints_box(xy_score, min_score=-np.inf)
    return np.array([box.y_min, box.x_min, box.y_max, box.x_max])


def _to_pose(xy_score: np.ndarray, score: float, track_id: int | None) -> Pose:
    return Pose.from_array(xy_score, score, keypoints_box(xy_score), track_id)
