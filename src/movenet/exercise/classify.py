"""Pose classification (yoga and exercise positions): a normalised pose embedding and a small
classifier, numpy only, saved to a small JSON file.

**Embedding** (`embed`), as in the TensorFlow Lite pose-classification tutorial: keypoints are
moved so that the hip centre is the origin and divided by the pose size, `max(2.5 x torso length,
largest distance of a keypoint from the hip centre)`, so the embedding does not depend on where the
person is or how large they appear; keypoints scoring below `min_score` are put at the origin.
Appended: the 8 joint angles (elbows, shoulders, hips, knees) / 180, which do not depend on the
orientation of the body in the image either. 34 + 8 = 42 numbers.

**Classifier** (`PoseClassifier`): multinomial logistic regression on the standardised embedding,
L2-regularised, fitted by full-batch gradient descent (deterministic). `mirror=True` (default)
also trains on every pose mirrored left-right, so a tree pose on the left leg is the same class as
on the right. Saved as JSON: class names, standardisation, weights (a few kB).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from movenet.analysis import geometry
from movenet.errors import InvalidInputError
from movenet.skeleton import KEYPOINT_NAMES

TORSO_MULTIPLIER = 2.5  # the tutorial's pose size: 2.5 torso lengths (or the farthest keypoint)
FORMAT = "movenet-pose-classifier/1"
_ANGLES = [(joint, side) for joint in ("elbow", "shoulder", "hip", "knee") for side in ("left", "right")]
_MIRROR = [KEYPOINT_NAMES.index(n.replace("left_", "@").replace("right_", "left_").replace("@", "right_")) for n in KEYPOINT_NAMES]
EMBEDDING_SIZE = 2 * len(KEYPOINT_NAMES) + len(_ANGLES)


def embed(pose, min_score: float = geometry.DEFAULT_MIN_SCORE) -> np.ndarray:
    """The (42,) embedding of one pose (a Pose or a (17, 3) array)."""
    kps = geometry.as_array(pose).copy()
    seen = kps[:, 2] >= min_score
    hip = np.array(geometry.point(kps, "mid_hip")[:2])
    shoulder = np.array(geometry.point(kps, "mid_shoulder")[:2])
    xy = kps[:, :2] - hip
    torso = float(np.hypot(*(shoulder - hip)))
    spread = float(np.max(np.hypot(*xy[seen].T))) if seen.any() else 0.0
    size = max(TORSO_MULTIPLIER * torso, spread)
    if not size > 0:
        return np.zeros(EMBEDDING_SIZE)
    xy = np.where(seen[:, None], xy / size, 0.0)
    angles = [geometry.joint_angle(kps, j, s, min_score).value for j, s in _ANGLES]
    angles = [0.5 if math.isnan(a) else a / 180.0 for a in angles]
    return np.concatenate([xy.ravel(), angles])


def mirror(pose) -> np.ndarray:
    """The pose mirrored left-right (x negated, left and right keypoints swapped)."""
    kps = geometry.as_array(pose)[_MIRROR].copy()
    kps[:, 0] = -kps[:, 0]
    return kps


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    probabilities: dict[str, float]


class PoseClassifier:
    def __init__(self, classes: Sequence[str], mean: np.ndarray, scale: np.ndarray, weights: np.ndarray, bias: np.ndarray, min_score: float = geometry.DEFAULT_MIN_SCORE) -> None:
        self.classes = list(classes)
        self.mean, self.scale = np.asarray(mean, float), np.asarray(scale, float)
        self.weights, self.bias = np.asarray(weights, float), np.asarray(bias, float)
        self.min_score = min_score

    @classmethod
    def fit(cls, poses: Sequence, labels: Sequence[str], *, mirror_poses: bool = True, l2: float = 1e-3, steps: int = 2000, learning_rate: float = 0.5, min_score: float = geometry.DEFAULT_MIN_SCORE) -> PoseClassifier:
        if len(poses) != len(labels) or not poses:
            raise InvalidInputError(f"fit needs as many labels as poses, at least one; got {len(poses)} poses, {len(labels)} labels")
        classes = sorted(set(labels))
        if len(classes) < 2:
            raise InvalidInputError(f"a classifier needs at least 2 classes, got {classes}")
        x = [embed(p, min_score) for p in poses]
        y = [classes.index(label) for label in labels]
        if mirror_poses:
            x += [embed(mirror(p), min_score) for p in poses]
            y += y
        x, y = np.array(x), np.array(y)
        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
        z = (x - mean) / scale
        onehot = np.eye(len(classes))[y]
        w, b = np.zeros((z.shape[1], len(classes))), np.zeros(len(classes))
        for _ in range(steps):
            p = _softmax(z @ w + b)
            grad = (p - onehot) / len(z)
            w -= learning_rate * (z.T @ grad + l2 * w)
            b -= learning_rate * grad.sum(axis=0)
        return cls(classes, mean, scale, w, b, min_score)

    def probabilities(self, poses: Sequence) -> np.ndarray:
        z = (np.array([embed(p, self.min_score) for p in poses]) - self.mean) / self.scale
        return _softmax(z @ self.weights + self.bias)

    def predict(self, pose) -> Prediction:
        p = self.probabilities([pose])[0]
        best = int(np.argmax(p))
        return Prediction(self.classes[best], float(p[best]), {c: float(v) for c, v in zip(self.classes, p)})

    def to_dict(self) -> dict:
        return {
            "format": FORMAT, "classes": self.classes, "min_score": self.min_score,
            "embedding": f"hip-centred keypoints / max({TORSO_MULTIPLIER} torso, farthest keypoint), + 8 joint angles / 180",
            "mean": self.mean.round(6).tolist(), "scale": self.scale.round(6).tolist(),
            "weights": self.weights.round(6).tolist(), "bias": self.bias.round(6).tolist(),
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict()) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> PoseClassifier:
        try:
            d = json.loads(Path(path).read_text())
        except (OSError, ValueError) as exc:
            raise InvalidInputError(f"{path}: not a readable pose-classifier file ({exc})") from exc
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise InvalidInputError(f"{path}: not a pose-classifier file (format {FORMAT!r} expected)")
        return cls(d["classes"], d["mean"], d["scale"], d["weights"], d["bias"], d.get("min_score", geometry.DEFAULT_MIN_SCORE))


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
