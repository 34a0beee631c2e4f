"""compat="tfjs" on video against the official library's `sequence` runs.

1. Replay (exact): the network is replaced by the official raw output of each frame, so the rest of
   our loop (crop, crop filter, smoothing, pose score and resets, tracking, per-track filters) runs
   on Google's numbers. Every model input we build must be the official one bit for bit, and every
   keypoint, id and next crop must equal the official within float64 noise.
2. Closed loop (our network): MultiPose stays within 1e-3 px on every frame, ids included. The
   single-pose loop feeds its keypoints back into the next crop: our network's ~1e-6 difference
   makes the float32 crop sample some pixels differently from frame 2 on and the difference grows
   (x30 per frame here), as it does between Google's own backends; we require the same resets and
   frames 0-1 within 1 px, and bound the drift (median, max) on every frame.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from conftest import FIXTURES, REPO, SHARED, requires_oracle_results

import movenet
from movenet.io.image import load_image
from movenet.registry import get_spec

PAN = FIXTURES / "sequences" / "three_people_pan.json"
MODES = {"smoothing_on": True, "smoothing_off": False}


def render_frame(src: np.ndarray, box: dict, width: int, height: int) -> np.ndarray:
    """The oracle's makeseq frame: integer nearest-neighbour sampling of a box of the photo."""
    ys = box["y0"] + ((2 * np.arange(height) + 1) * box["h"]) // (2 * height)
    xs = box["x0"] + ((2 * np.arange(width) + 1) * box["w"]) // (2 * width)
    return src[ys][:, xs]


class ReplayRuntime:
    """Stands in for the network: checks each model input, returns the official output."""

    def __init__(self, spec, frames):
        self.spec, self.frames, self.calls, self.input_mismatches = spec, frames, 0, 0

    def __call__(self, model_input):
        frame = self.frames[self.calls]
        self.calls += 1
        if hashlib.sha256(np.asarray(model_input).astype(np.uint8).tobytes()).hexdigest() != frame["model_input_sha256_u8"]:
            self.input_mismatches += 1
        shape = (1, 6, 56) if self.spec.multi_pose else (1, 1, 17, 3)
        return np.asarray(frame["raw_output"], np.float32).reshape(shape)

    run = __call__


def official_keypoints(pose):
    kps = pose["keypoints"]
    if isinstance(kps[0], dict):
        return np.array([[k["x"], k["y"], k["score"]] for k in kps])
    return np.asarray(kps, float)


def compare_frame(ours, official, px_tol, ids=True):
    """Max px deviation of the keypoints the official run scores >= 0.3."""
    assert len(ours) == len(official), "different number of poses (a reset differs)"
    worst = 0.0
    for o, r in zip(ours, official):
        if ids:
            assert o.id == r.get("id")
        ref = official_keypoints(r)
        mine = np.array([(k.x, k.y, k.score) for k in o.keypoints])
        confident = ref[:, 2] >= 0.3
        if confident.any():
            worst = max(worst, float(np.abs(mine[confident, :2] - ref[confident, :2]).max()))
    assert worst <= px_tol
    return worst


def pan_frames():
    spec = json.loads(PAN.read_text())
    src = load_image(REPO / spec["source"], exif_orientation=False)
    assert hashlib.sha256(src.tobytes()).hexdigest() == spec["source_rgb_sha256"]
    frames = []
    for f in spec["frames"]:
        image = render_frame(src, f["box"], spec["width"], spec["height"])
        assert hashlib.sha256(image.tobytes()).hexdigest() == f["rgb_sha256"]
        frames.append((f["timestamp_ms"], image))
    return spec, frames


@pytest.mark.parametrize("model", ["lightning", "multipose"])
@pytest.mark.parametrize("mode", list(MODES))
def test_replay_three_people_pan(model, mode):
    spec, frames = pan_frames()
    records = spec["models"][model][mode]
    detector = movenet.create_detector(model, compat="tfjs", smoothing=MODES[mode])
    detector.runtime = detector._pipeline.runtime = ReplayRuntime(get_spec(model), records)
    ids_seen = set()
    for (timestamp, image), record in zip(frames, records):
        poses = detector.estimate_poses(image, timestamp)
        compare_frame(poses, record["poses"], px_tol=1e-6)
        ids_seen |= {p.id for p in poses}
        if record["next_crop_region"]:
            c, r = detector._pipeline.crop_region, record["next_crop_region"]
            assert (c.y_min, c.x_min, c.y_max, c.x_max) == pytest.approx((r["yMin"], r["xMin"], r["yMax"], r["xMax"]), abs=1e-12)
    assert detector.runtime.input_mismatches == 0
    if model == "multipose":
        assert ids_seen == {1, 2, 3}  # three people, one lost and found again


@pytest.mark.parametrize("mode", list(MODES))
def test_closed_loop_multipose_three_people(mode):
    spec, frames = pan_frames()
    detector = movenet.create_detector("multipose", compat="tfjs", smoothing=MODES[mode])
    for (timestamp, image), record in zip(frames, spec["models"]["multipose"][mode]):
        compare_frame(detector.estimate_poses(image, timestamp), record["poses"], px_tol=1e-3)


def _video_frames(name):
    import cv2

    capture = cv2.VideoCapture(str(SHARED / "data" / "reference-tfjs-models" / f"{name}.mp4"))
    frames = []
    while True:
        ok, bgr = capture.read()
        if not ok:
            return frames
        frames.append(np.ascontiguousarray(bgr[:, :, ::-1]))


def _sequence(name):
    return json.loads((SHARED / "oracle" / "results" / f"sequence_{name}_wasm.json").read_text())


@requires_oracle_results
@pytest.mark.parametrize("video", ["pose_1", "pose_squats"])
def test_replay_official_videos(video):
    result, frames = _sequence(video), _video_frames(video)
    assert [hashlib.sha256(f.tobytes()).hexdigest() for f in frames] == result["sequence"]["frame_rgb_sha256"]
    for model, runs in result["models"].items():
        for mode, run in runs.items():
            detector = movenet.create_detector(model, compat="tfjs", smoothing=MODES[mode])
            detector.runtime = detector._pipeline.runtime = ReplayRuntime(get_spec(model), run["frames"])
            for record in run["frames"]:
                poses = detector.estimate_poses(frames[record["index"]], record["timestamp_ms"])
                compare_frame(poses, record["poses"], px_tol=1e-6, ids=model == "multipose")
            assert detector.runtime.input_mismatches == 0, (model, mode)


@requires_oracle_results
@pytest.mark.parametrize("video", ["pose_1", "pose_squats"])
def test_closed_loop_official_videos(video):
    result, frames = _sequence(video), _video_frames(video)
    for model, runs in result["models"].items():
        for mode, run in runs.items():
            detector = movenet.create_detector(model, compat="tfjs", smoothing=MODES[mode])
            deviations = []
            for record in run["frames"]:
                poses = detector.estimate_poses(frames[record["index"]], record["timestamp_ms"])
                if model == "multipose":
                    compare_frame(poses, record["poses"], px_tol=1e-3)
                    continue
                px_tol = 1.0 if record["index"] < 2 else 40.0
                deviations.append(compare_frame(poses, record["poses"], px_tol=px_tol, ids=False))
            if deviations:
                assert np.median(deviations) <= 8.0, (model, mode, np.median(deviations))


@requires_oracle_results
def test_official_video_test_pose_1():
    """The official library's own test: Lightning on pose_1.mp4 at 33.3333 ms, 60 px tolerance."""
    expected = json.loads((SHARED / "data" / "reference-tfjs-models" / "pose_1.json").read_text())
    frames = _video_frames("pose_1")
    for compat in ("tfjs", None):
        detector = movenet.create_detector("lightning", compat=compat)
        timestamp, deviations = 0.0, []
        for frame, reference in zip(frames, expected):
            pose = detector.estimate_poses(frame, timestamp)[0]
            timestamp += 33.3333
            deviations += [max(abs(k.x - reference[k.name]["x"]), abs(k.y - reference[k.name]["y"])) for k in pose.keypoints]
        # The official library itself gets max 38.0 px against this file on this machine (oracle README).
        assert max(deviations) <= 40.0 and np.median(deviations) <= 4.0, compat
