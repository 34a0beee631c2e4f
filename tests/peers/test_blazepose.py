"""BlazePose as a comparison detector: the 33 -> 17 landmark mapping (pure, always runs), the
peer table's errors, and the MediaPipe adapter where mediapipe is installed (its own environment:
mediapipe < 0.10.30 needs numpy < 2)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from conftest import EXAMPLE_IMAGE

from movenet.errors import InvalidOptionError
from movenet.peers import create_peer_detector, list_peers, peer_available
from movenet.peers.blazepose_mapping import COCO_FROM_BLAZEPOSE, blazepose_to_coco

HAS_MEDIAPIPE = importlib.util.find_spec("mediapipe") is not None


def test_mapping_picks_the_coco_landmarks():
    landmarks = np.zeros((33, 4))
    landmarks[:, 0] = np.arange(33) / 100  # x encodes the landmark index
    landmarks[:, 1] = 0.5
    landmarks[:, 3] = np.linspace(0, 1, 33)
    xy_score, score = blazepose_to_coco(landmarks, height=200, width=100)
    # nose 0, eyes 2 / 5 (centres, not the inner corners 1 / 4), ears 7 / 8, shoulders 11 / 12,
    # elbows 13 / 14, wrists 15 / 16, hips 23 / 24, knees 25 / 26, ankles 27 / 28
    assert COCO_FROM_BLAZEPOSE == (0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28)
    np.testing.assert_allclose(xy_score[:, 0], np.array(COCO_FROM_BLAZEPOSE))  # x * width = index
    np.testing.assert_allclose(xy_score[:, 1], 100.0)  # 0.5 * height
    np.testing.assert_allclose(xy_score[:, 2], np.linspace(0, 1, 33)[list(COCO_FROM_BLAZEPOSE)])
    assert score == pytest.approx(xy_score[:, 2].mean())
    with pytest.raises(ValueError, match=r"\(33, 4\)"):
        blazepose_to_coco(np.zeros((17, 4)), 10, 10)


def test_peer_table():
    assert list_peers() == ["blazepose"]
    with pytest.raises(InvalidOptionError, match="unknown comparison detector 'openpose'; available: blazepose"):
        create_peer_detector("openpose")
    assert peer_available("blazepose") == HAS_MEDIAPIPE
    if not HAS_MEDIAPIPE:
        with pytest.raises(InvalidOptionError, match=r"blazepose needs the mediapipe package: pip install -e '\.\[mediapipe\]'"):
            create_peer_detector("blazepose")


@pytest.mark.skipif(not HAS_MEDIAPIPE, reason="needs mediapipe < 0.10.30 (extra 'mediapipe', its own environment)")
def test_blazepose_adapter_on_a_photo():
    """One person in examples/pose.jpg: BlazePose's COCO keypoints land near Thunder's (an
    independent model): confident ones within 20 % of the torso length, median under 10 % (the
    two models place the hips differently: 25 px here); a blank image gives no pose."""
    import movenet
    from movenet.io.image import load_image

    image = load_image(EXAMPLE_IMAGE)
    detector = create_peer_detector("blazepose")
    (pose,) = detector.estimate_poses(image)
    thunder = movenet.create_detector("thunder").estimate_poses(image)[0].to_array()
    ours = pose.to_array()
    torso = np.linalg.norm(thunder[5, :2] - thunder[12, :2])
    confident = (ours[:, 2] > 0.8) & (thunder[:, 2] > 0.5)
    assert confident.sum() >= 10
    distances = np.linalg.norm(ours[confident, :2] - thunder[confident, :2], axis=1)
    assert distances.max() < 0.2 * torso and np.median(distances) < 0.1 * torso
    assert detector.estimate_poses(np.zeros((256, 256, 3), np.uint8)) == []
