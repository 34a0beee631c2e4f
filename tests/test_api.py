"""The detector API: every input kind, options, and bad input."""

import dataclasses

import numpy as np
import pytest
from conftest import EXAMPLE_IMAGE, REPO
from PIL import Image

import movenet
from movenet.errors import InvalidInputError, InvalidOptionError, UnknownModelError
from movenet.io.image import load_image

RGB = load_image(EXAMPLE_IMAGE)


@pytest.fixture(scope="module")
def lightning():
    return movenet.create_detector("lightning")


@pytest.fixture(scope="module")
def multipose():
    return movenet.create_detector("multipose")


def _xy(poses):
    return poses[0].to_array()[:, :2]


def test_path_array_and_pil_agree(lightning):
    from_path = lightning.estimate_poses(EXAMPLE_IMAGE)
    from_str = lightning.estimate_poses(str(EXAMPLE_IMAGE))
    from_array = lightning.estimate_poses(RGB)
    from_pil = lightning.estimate_poses(Image.open(EXAMPLE_IMAGE))
    for other in (from_str, from_array, from_pil):
        np.testing.assert_array_equal(_xy(other), _xy(from_path))


def test_bgr_frames(lightning):
    np.testing.assert_array_equal(
        _xy(lightning.estimate_poses(RGB[:, :, ::-1].copy(), color="bgr")), _xy(lightning.estimate_poses(RGB))
    )
    # A BGR frame passed as RGB is a different image: the result changes.
    assert not np.array_equal(_xy(lightning.estimate_poses(RGB[:, :, ::-1].copy())), _xy(lightning.estimate_poses(RGB)))


def test_grey_and_rgba(lightning):
    grey = np.asarray(Image.fromarray(RGB).convert("L"))
    expected = _xy(lightning.estimate_poses(np.repeat(grey[:, :, None], 3, axis=2)))
    np.testing.assert_array_equal(_xy(lightning.estimate_poses(grey)), expected)
    np.testing.assert_array_equal(_xy(lightning.estimate_poses(grey[:, :, None])), expected)
    rgba = np.concatenate([RGB, np.full(RGB.shape[:2] + (1,), 255, np.uint8)], axis=2)
    np.testing.assert_array_equal(_xy(lightning.estimate_poses(rgba)), _xy(lightning.estimate_poses(RGB)))


def test_pose_result_types(lightning):
    pose = lightning.estimate_poses(RGB)[0]
    assert isinstance(pose, movenet.Pose) and pose.id is None and len(pose.keypoints) == 17
    assert pose.keypoints[movenet.KeypointName.LEFT_WRIST.index].name == "left_wrist"
    with pytest.raises(dataclasses.FrozenInstanceError):
        pose.score = 1.0
    assert pose.box.x_min < pose.box.x_max and pose.box.y_min < pose.box.y_max
    assert len(movenet.SKELETON_EDGES) == 16 and movenet.KEYPOINT_NAMES[0] == "nose"


def test_flip_horizontal_mirrors_every_model(lightning, multipose):
    for detector in (lightning, multipose):
        plain = detector.estimate_poses(RGB)[0]
        flipped = detector.estimate_poses(RGB, flip_horizontal=True)[0]
        mirrored = detector.estimate_poses(RGB[:, ::-1].copy())[0]
        np.testing.assert_array_equal(flipped.to_array(), mirrored.to_array())
        # the person is roughly symmetric: the mirrored nose lands near W - x
        assert abs(flipped.keypoints[0].x - (RGB.shape[1] - plain.keypoints[0].x)) < 30


def test_tiny_and_very_large_images(lightning, multipose):
    tiny = np.asarray(Image.fromarray(RGB).resize((12, 8)))
    for detector in (lightning, multipose):
        for pose in movenet.create_detector(detector.spec.name, min_pose_score=0).estimate_poses(tiny):
            assert np.isfinite(pose.to_array()).all()
    large = np.asarray(Image.fromarray(RGB).resize((5000, 3335)))
    pose = lightning.estimate_poses(large)[0]
    small = lightning.estimate_poses(RGB)[0]
    assert abs(pose.keypoints[0].x / 5 - small.keypoints[0].x) < 5


def test_multipose_options():
    photo = RGB
    everyone = movenet.create_detector("multipose", min_pose_score=0).estimate_poses(photo)
    assert len(everyone) == 6  # 0 means 0: all six candidates come back
    assert [p.score for p in everyone] == sorted((p.score for p in everyone), reverse=True)
    assert len(movenet.create_detector("multipose", min_pose_score=0, max_poses=2).estimate_poses(photo)) == 2
    big = movenet.create_detector("multipose", multipose_max_dimension=384).estimate_poses(photo)
    assert len(big) == 1 and big[0].box.x_max <= photo.shape[1]


def test_refine_runs_a_second_pass():
    plain = movenet.create_detector("thunder").estimate_poses(RGB)[0]
    refined = movenet.create_detector("thunder", refine=True).estimate_poses(RGB)[0]
    assert refined.score >= plain.score
    assert not np.array_equal(refined.to_array(), plain.to_array())


def test_min_pose_score_drops_poses(lightning):
    blank = np.zeros((300, 400, 3), np.uint8)
    assert lightning.estimate_poses(blank) == []
    assert len(movenet.create_detector("lightning", min_pose_score=0).estimate_poses(blank)) == 1


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"model": "lightening"}, UnknownModelError, "valid names: lightning, thunder, multipose"),
        ({"model": "lightning", "compat": "tflite"}, InvalidOptionError, "compat must be None or 'tfjs'"),
        ({"model": "lightning", "runtime": "tensorflow"}, InvalidOptionError, "available: onnxruntime, torch"),
        ({"model": "multipose", "max_poses": 0}, InvalidOptionError, "1..6"),
        ({"model": "lightning", "max_poses": 2}, InvalidOptionError, "1..1"),
        ({"model": "multipose", "multipose_max_dimension": 250}, InvalidOptionError, "multiple of 32"),
        ({"model": "lightning", "min_pose_score": -0.1}, InvalidOptionError, "0..1"),
        ({"model": "multipose", "refine": True}, InvalidOptionError, "refine applies to SinglePose"),
        ({"model": "lightning", "precision": "int4"}, InvalidOptionError, "precision must be one of"),
    ],
)
def test_bad_options(kwargs, error, message):
    with pytest.raises(error, match=message):
        movenet.create_detector(**kwargs)


@pytest.mark.parametrize(
    "image, message",
    [
        (np.zeros((100, 100, 3), np.float32), "must be uint8, got float32.*astype"),
        (np.zeros((0, 100, 3), np.uint8), "zero size"),
        (np.zeros((100, 100, 2), np.uint8), r"got \(100, 100, 2\)"),
        (np.zeros((2, 100, 100, 3), np.uint8), r"got \(2, 100, 100, 3\)"),
        ([[0, 0, 0]], "got list"),
        (None, "got NoneType"),
        ("does/not/exist.jpg", "no such file"),
    ],
)
def test_bad_images(lightning, image, message):
    with pytest.raises(InvalidInputError, match=message):
        lightning.estimate_poses(image)


def test_bad_color_option(lightning):
    with pytest.raises(InvalidOptionError, match="color must be one of"):
        lightning.estimate_poses(RGB, color="hsv")


def test_video_timestamps_must_increase():
    detector = movenet.create_detector("lightning")
    detector.estimate_poses(RGB, 0.0)
    detector.estimate_poses(RGB, 33.3)
    with pytest.raises(InvalidInputError, match="timestamps must increase: got 33.3 ms after 33.3 ms"):
        detector.estimate_poses(RGB, 33.3)
    with pytest.raises(InvalidInputError, match="finite and >= 0"):
        detector.estimate_poses(RGB, float("nan"))
    with pytest.raises(InvalidInputError, match="must be a number"):
        detector.estimate_poses(RGB, "10")
    detector.reset()
    detector.estimate_poses(RGB, 0.0)  # a new video after reset()
    compat = movenet.create_detector("lightning", compat="tfjs")
    compat.estimate_poses(RGB, 10.0)
    compat.estimate_poses(RGB, 10.0)  # the official library accepts it (no smoothing step)


def test_video_mode_follows_the_person_and_smooths():
    detector = movenet.create_detector("thunder")
    first = detector.estimate_poses(RGB, 0.0)[0]
    region = detector._pipeline.crop_region
    assert region is not None and (region.x_max - region.x_min) < 1.0  # zoomed in on the person
    second = detector.estimate_poses(RGB, 33.3)[0]
    still = movenet.create_detector("thunder").estimate_poses(RGB)[0]
    assert first.to_dict() == still.to_dict()  # the first frame sees the whole image
    assert second.score > still.score  # the crop helps


def test_frame_size_change_restarts_tracking():
    detector = movenet.create_detector("lightning")
    detector.estimate_poses(RGB, 0.0)
    small = np.asarray(Image.fromarray(RGB).resize((500, 333)))
    pose = detector.estimate_poses(small, 33.3)[0]
    fresh = movenet.create_detector("lightning").estimate_poses(small, 0.0)[0]
    assert pose.to_dict() == fresh.to_dict()


def test_multipose_ids_only_with_timestamps(multipose):
    assert multipose.estimate_poses(RGB)[0].id is None
    tracked = movenet.create_detector("multipose")
    assert [p.id for p in tracked.estimate_poses(RGB, 0.0)] == [1]
    assert [p.id for p in tracked.estimate_poses(RGB, 40.0)] == [1]
    untracked = movenet.create_detector("multipose", tracker=None)
    assert untracked.estimate_poses(RGB, 0.0)[0].id is None


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"tracker": "centroid"}, "tracker must be one of"),
        ({"max_tracks": 0}, "max_tracks must be an integer in 1..1000"),
        ({"max_track_age_ms": -5}, "max_track_age_ms must be a finite number > 0"),
    ],
)
def test_bad_video_options(kwargs, message):
    with pytest.raises(InvalidOptionError, match=message):
        movenet.create_detector("multipose", **kwargs)


@pytest.mark.parametrize("model", ["lightning", "multipose"])
def test_a_list_of_images_is_a_batch_of_stills(model):
    """Same poses as one call per image, for every batch size (MultiPose: mixed input sizes)."""
    from movenet.io.image import load_image

    images = [load_image(EXAMPLE_IMAGE), load_image(REPO / "examples" / "three_people.jpg"), load_image(EXAMPLE_IMAGE)[:200]]
    detector = movenet.create_detector(model, refine=model == "lightning")
    one_by_one = [detector.estimate_poses(image) for image in images]
    for batch_size in (1, 2, 8):
        batched = detector.estimate_poses(images, batch_size=batch_size)
        assert len(batched) == len(images)
        for mine, theirs in zip(batched, one_by_one):
            assert len(mine) == len(theirs)
            for a, b in zip(mine, theirs):
                np.testing.assert_allclose(a.to_array(), b.to_array(), atol=1e-4)
    assert detector.estimate_poses([]) == []


def test_batch_errors(lightning):
    with pytest.raises(InvalidInputError, match="takes no timestamp"):
        lightning.estimate_poses([EXAMPLE_IMAGE], timestamp_ms=0)
    with pytest.raises(InvalidOptionError, match="batch_size must be an integer in 1..16"):
        lightning.estimate_poses([EXAMPLE_IMAGE], batch_size=0)
    with pytest.raises(InvalidInputError, match="image 1 of 2: "):
        lightning.estimate_poses([EXAMPLE_IMAGE, np.zeros((4, 4), np.float64)])


def test_compat_batch_keeps_the_official_state():
    """SinglePose compat: a list runs like consecutive calls (the official smart crop loop)."""
    a = movenet.create_detector("lightning", compat="tfjs")
    b = movenet.create_detector("lightning", compat="tfjs")
    listed = a.estimate_poses([EXAMPLE_IMAGE] * 3)
    called = [b.estimate_poses(EXAMPLE_IMAGE) for _ in range(3)]
    for x, y in zip(listed, called):
        np.testing.assert_array_equal(x[0].to_array(), y[0].to_array())
