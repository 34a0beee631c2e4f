"""Rotation retry: run a single-person detector again on the frame turned by 90 degrees when the
upright pass is unsure, and map the keypoints back to the upright frame.

MoveNet was trained mostly on upright people and is at its weakest on people lying horizontally;
turned by 90 degrees, a lying person looks upright to the model. `RotationRetry` wraps any
detector with `estimate_poses(image, timestamp_ms=None)`: the upright pass keeps the detector's
video state (crop tracking, smoothing); the turned passes are independent stills. `accept(pose)`
says whether a pass is sure enough; the first accepted pass wins (counter-clockwise first, as
Ambianic's fall detector does), and when none is accepted the upright poses are returned as they
were. Sees pixels, so it lives here below the analysis layers, which only see its poses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from movenet.errors import InvalidOptionError
from movenet.pipelines.single_pose import keypoints_box
from movenet.preprocess.image_input import to_rgb_array
from movenet.types import Pose

# name -> number of counter-clockwise quarter turns (numpy.rot90's k; PIL's ROTATE_90 is k=1).
TURNS = {"ccw": 1, "cw": 3}
DEFAULT_TURNS = ("ccw", "cw")  # Ambianic's order: ROTATE_90 (counter-clockwise), then ROTATE_270


def rotate_image(image: np.ndarray, turn: str) -> np.ndarray:
    """The (H, W, C) image turned by 90 degrees ("ccw" or "cw"); the result is (W, H, C)."""
    return np.ascontiguousarray(np.rot90(image, TURNS[turn]))


def unrotate_points(xy: np.ndarray, turn: str, height: int, width: int) -> np.ndarray:
    """(N, 2) x, y in pixels of the turned image -> pixels of the upright (H x W) image.

    Continuous coordinates (pixel edges at integers): turning counter-clockwise sends the upright
    point (x, y) to (y, W - x), clockwise to (H - y, x); these are the inverses."""
    xy = np.asarray(xy, dtype=np.float64)
    x, y = xy[:, 0], xy[:, 1]
    if turn == "ccw":
        return np.stack([width - y, x], axis=1)
    return np.stack([y, height - x], axis=1)


def unrotate_pose(pose: Pose, turn: str, height: int, width: int) -> Pose:
    """A pose found on the turned image, in pixels of the upright H x W image (scores unchanged)."""
    array = pose.to_array().astype(np.float64)
    array[:, :2] = unrotate_points(array[:, :2], turn, height, width)
    return Pose.from_array(array, pose.score, keypoints_box(array), pose.id)


class RotationRetry:
    """A detector that retries on the frame turned by 90 degrees while `accept(pose)` is False.

    `last_turn` is the orientation of the last returned pose: None (upright), "ccw" or "cw"."""

    def __init__(
        self,
        detector,
        accept: Callable[[Pose], bool],
        turns: Sequence[str] = DEFAULT_TURNS,
    ) -> None:
        unknown = [t for t in turns if t not in TURNS]
        if unknown:
            raise InvalidOptionError(f"unknown rotation {unknown[0]!r}; known: {', '.join(TURNS)}")
        spec = getattr(detector, "spec", None)
        if spec is not None and spec.multi_pose:
            raise InvalidOptionError(
                "the rotation retry is for single-person models (lightning, thunder): turned "
                "MultiPose passes would lose the track ids"
            )
        self.detector = detector
        self.accept = accept
        self.turns = tuple(turns)
        self.last_turn: str | None = None
        self.retries = 0  # frames on which a turned pass ran
        self.rescued = 0  # frames where a turned pass was accepted

    def estimate_poses(self, image, timestamp_ms: float | None = None) -> list[Pose]:
        poses = self.detector.estimate_poses(image, timestamp_ms)
        self.last_turn = None
        if poses and self.accept(poses[0]):
            return poses
        rgb = to_rgb_array(image)
        height, width = rgb.shape[:2]
        self.retries += 1
        for turn in self.turns:
            found = self.detector.estimate_poses(rotate_image(rgb, turn))
            if found and self.accept(found[0]):
                self.last_turn = turn
                self.rescued += 1
                track_id = poses[0].id if poses else None
                pose = unrotate_pose(found[0], turn, height, width)
                return [Pose(pose.keypoints, pose.score, pose.box, track_id)]
        return poses

    def reset(self) -> None:
        self.last_turn = None
        reset = getattr(self.detector, "reset", None)
        if reset is not None:
            reset()
