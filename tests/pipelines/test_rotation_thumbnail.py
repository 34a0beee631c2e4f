"""Rotation retry and Ambianic's thumbnail input: exact geometry, order of the passes."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import FIXTURES
from PIL import Image

from movenet import InvalidOptionError
from movenet.pipelines.rotation import RotationRetry, rotate_image, unrotate_points
from movenet.pipelines.thumbnail import (
    ThumbnailDetector,
    square_keypoints_to_image,
    thumbnail_input,
)
from movenet.types import Pose


@pytest.mark.parametrize("turn, pil", [("ccw", Image.ROTATE_90), ("cw", Image.ROTATE_270)])
def test_turns_are_pils_and_points_map_back(turn, pil):
    image = np.zeros((48, 64, 3), dtype=np.uint8)
    image[10, 50] = 255  # pixel centre (50.5, 10.5)
    turned = rotate_image(image, turn)
    assert np.array_equal(turned, np.asarray(Image.fromarray(image).transpose(pil)))
    y, x = np.argwhere(turned[:, :, 0] == 255)[0]
    assert unrotate_points(np.array([[x + 0.5, y + 0.5]]), turn, 48, 64).tolist() == [[50.5, 10.5]]


class Scripted:
    """A detector returning a pose whose score says which image it saw (upright or turned)."""

    spec = None

    def __init__(self, scores):
        self.scores, self.calls = scores, []

    def estimate_poses(self, image, timestamp_ms=None):
        kind = {(48, 64): "upright", (64, 48): "turned"}[image.shape[:2]]
        self.calls.append((kind, timestamp_ms))
        score = self.scores[len(self.calls) - 1]
        return [Pose.from_array(np.full((17, 3), [10.0, 20.0, score]), score, None, 7)]

    def reset(self):
        self.calls.clear()


def test_retry_order_and_acceptance():
    image = np.zeros((48, 64, 3), dtype=np.uint8)
    accept = lambda pose: pose.score >= 0.5
    sure = RotationRetry(Scripted([0.9]), accept)
    assert sure.estimate_poses(image, 40.0)[0].score == 0.9 and sure.last_turn is None
    assert sure.detector.calls == [("upright", 40.0)]
    second = RotationRetry(Scripted([0.1, 0.2, 0.8]), accept)
    pose = second.estimate_poses(image, 40.0)[0]
    assert second.detector.calls == [("upright", 40.0), ("turned", None), ("turned", None)]  # turned: stills
    assert (second.last_turn, pose.score, pose.id) == ("cw", 0.8, 7)
    assert pose.keypoints[0].x == pytest.approx(20.0) and pose.keypoints[0].y == pytest.approx(48 - 10.0)
    none = RotationRetry(Scripted([0.1, 0.2, 0.3]), accept)
    assert none.estimate_poses(image)[0].score == 0.1 and none.last_turn is None  # the upright pass
    assert (none.retries, none.rescued) == (1, 0)


def test_retry_refuses_multipose_and_unknown_turns():
    import movenet

    with pytest.raises(InvalidOptionError, match="single-person models"):
        RotationRetry(movenet.create_detector("multipose"), lambda p: True)
    with pytest.raises(InvalidOptionError, match="unknown rotation 'flip'"):
        RotationRetry(Scripted([]), lambda p: True, turns=("flip",))


def test_thumbnail_input_is_pils_thumbnail_padded_right_and_bottom():
    rgb = np.asarray(Image.open(FIXTURES / "falls" / "fall_img_1.png").convert("RGB"))  # 640x480
    square, size = thumbnail_input(rgb, 256)
    thumb = Image.fromarray(rgb)
    thumb.thumbnail((256, 256))
    assert size == (256, 192) and square.shape == (256, 256, 3)
    assert np.array_equal(square[:192], np.asarray(thumb)) and not square[192:].any()
    small = np.zeros((100, 50, 3), dtype=np.uint8)
    assert thumbnail_input(small, 256)[1] == (50, 100)  # never enlarged


def test_keypoints_back_to_the_image_and_outside_the_square_zeroed():
    raw = np.array([[0.5, 0.25, 0.9], [0.0, 0.5, 0.9], [0.75, 1.0, 0.9]] + [[0.5, 0.5, 0.2]] * 14)  # (y, x, score)
    out = square_keypoints_to_image(raw, 256, (256, 192), 480, 640)
    assert out[0].tolist() == [64 * 640 / 256, 128 * 480 / 192, 0.9]
    assert out[1, 2] == 0.0 and out[2, 2] == 0.0  # on the square's edge: not strictly inside
    assert out[3, 2] == 0.2


def test_thumbnail_detector_finds_the_standing_person():
    detector = ThumbnailDetector("thunder", threads=1)
    (pose,) = detector.estimate_poses(FIXTURES / "falls" / "fall_img_1.png")
    hips = [k for k in pose.keypoints if k.name.endswith("_hip")]
    assert all(k.score > 0.3 for k in hips)
    assert 400 < np.mean([k.x for k in hips]) < 480 and 180 < np.mean([k.y for k in hips]) < 260  # image pixels
    with pytest.raises(InvalidOptionError, match="SinglePose model"):
        ThumbnailDetector("multipose")
