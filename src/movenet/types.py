"""Frozen result types. Coordinates are pixels of the image the caller gave (x right, y down)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movenet.skeleton import KEYPOINT_NAMES


@dataclass(frozen=True)
class Keypoint:
    name: str
    x: float
    y: float
    score: float

    def to_dict(self) -> dict:
        return {"name": self.name, "x": self.x, "y": self.y, "score": self.score}


@dataclass(frozen=True)
class Box:
    x_min: float
    y_min: float
    x_max: float
    y_max: float

    def to_list(self) -> list[float]:
        return [self.x_min, self.y_min, self.x_max, self.y_max]


@dataclass(frozen=True)
class Pose:
    keypoints: tuple[Keypoint, ...]
    score: float
    box: Box | None = None
    id: int | None = None  # track id; None for still images

    @classmethod
    def from_array(
        cls, xy_score: np.ndarray, score: float, box: Box | None = None, id: int | None = None
    ) -> Pose:
        """(17, 3) array of (x, y, score) in pixels -> Pose."""
        rows = np.asarray(xy_score, dtype=np.float64).tolist()  # Python floats in one step
        keypoints = tuple(Keypoint(name, x, y, s) for name, (x, y, s) in zip(KEYPOINT_NAMES, rows))
        return cls(keypoints, float(score), box, id)

    def to_array(self) -> np.ndarray:
        """(17, 3) float32 array of (x, y, score)."""
        return np.array([(k.x, k.y, k.score) for k in self.keypoints], dtype=np.float32)

    def to_dict(self) -> dict:
        return {
            "score": self.score,
            "box": self.box.to_list() if self.box is not None else None,
            "id": self.id,
            "keypoints": [k.to_dict() for k in self.keypoints],
        }
