"""Random augmentation of one training sample: geometry (one affine map) and photometry.

Geometry: horizontal flip (left/right keypoints swapped), scale, translation, rotation up to
+-`rotate` degrees, composed into one matrix (`views.augmentation_matrix`) that moves pixels and
keypoints together. Photometry on the model input: brightness, contrast, saturation, hue, blur,
an occluding patch. Every draw comes from a generator seeded by (seed, epoch, sample index), so a
sample looks the same whatever process or worker makes it, and a resumed run repeats it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from movenet.errors import InvalidOptionError
from movenet.train.views import augmentation_matrix

# Left/right permutation of the 17 COCO keypoints (TRAINING.md; skeleton order).
FLIP_PERMUTATION = (0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15)
MAX_ROTATION = 180.0


@dataclass(frozen=True)
class AugmentConfig:
    """Probabilities and ranges; `none()` switches everything off (evaluation-like samples).

    Defaults: the CenterNet keypoint task's flip and colour jitter; scale and shift ranges of the
    common top-down COCO recipes (mmpose: scale 0.75-1.25, shift 0.1 of the crop); rotation off
    unless asked for (`--rotate`), applied to `rotate_prob` of the samples so that upright people
    stay the majority."""

    flip_prob: float = 0.5
    scale: tuple[float, float] = (0.75, 1.25)
    shift: float = 0.1  # fraction of the crop side, each axis
    rotate: float = 0.0  # degrees, uniform in [-rotate, rotate]
    rotate_prob: float = 0.5
    color_prob: float = 0.5
    brightness: float = 0.2  # fraction of 255
    contrast: float = 0.2
    saturation: float = 0.2
    hue: float = 10.0  # degrees of OpenCV's 0..180 hue scale
    blur_prob: float = 0.1
    blur_sigma: float = 1.5  # input pixels
    occlude_prob: float = 0.2
    occlude_size: tuple[float, float] = (0.1, 0.3)  # fraction of the input side

    def __post_init__(self) -> None:
        if not 0.0 <= self.rotate <= MAX_ROTATION:
            raise InvalidOptionError(f"rotation must be within 0..{MAX_ROTATION:g} degrees, got {self.rotate!r}")
        if not 0 < self.scale[0] <= self.scale[1]:
            raise InvalidOptionError(f"scale range must be 0 < low <= high, got {self.scale!r}")

    @classmethod
    def none(cls) -> AugmentConfig:
        return cls(flip_prob=0.0, scale=(1.0, 1.0), shift=0.0, rotate=0.0, rotate_prob=0.0, color_prob=0.0,
                   blur_prob=0.0, occlude_prob=0.0)


def sample_rng(seed: int, epoch: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, epoch, index])


@dataclass(frozen=True)
class Geometry:
    matrix: np.ndarray  # 3x3, continuous source coordinates -> augmented
    flip: bool


def draw_geometry(rng: np.random.Generator, config: AugmentConfig, center: tuple[float, float],
                  side: float) -> Geometry:
    """A random flip / scale / rotation about `center` plus a shift of up to `shift * side`."""
    flip = bool(rng.random() < config.flip_prob)
    scale = float(rng.uniform(*config.scale))
    rotated = config.rotate > 0 and rng.random() < config.rotate_prob
    degrees = float(rng.uniform(-config.rotate, config.rotate)) if rotated else 0.0
    shift = tuple(float(v) for v in rng.uniform(-config.shift, config.shift, 2) * side)
    return Geometry(augmentation_matrix(center, degrees, scale, flip, shift), flip)


def flip_keypoints(keypoints: np.ndarray) -> np.ndarray:
    """Swap left and right keypoints (rows) after a mirror image."""
    return keypoints[list(FLIP_PERMUTATION)]


def photometric(image: np.ndarray, rng: np.random.Generator, config: AugmentConfig) -> np.ndarray:
    """Colour jitter, blur and an occluding patch on an (S, S, 3) uint8 RGB model input."""
    out = image
    if rng.random() < config.color_prob:
        hsv = cv2.cvtColor(out, cv2.COLOR_RGB2HSV).astype(np.float32)
        hsv[..., 0] = (hsv[..., 0] + rng.uniform(-config.hue, config.hue)) % 180
        hsv[..., 1] *= rng.uniform(1 - config.saturation, 1 + config.saturation)
        out = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2RGB).astype(np.float32)
        mean = out.mean()
        out = (out - mean) * rng.uniform(1 - config.contrast, 1 + config.contrast) + mean
        out = np.clip(out + rng.uniform(-config.brightness, config.brightness) * 255, 0, 255).astype(np.uint8)
    if rng.random() < config.blur_prob:
        out = cv2.GaussianBlur(out, (0, 0), float(rng.uniform(0.3, config.blur_sigma)))
    if rng.random() < config.occlude_prob:
        size = out.shape[0]
        h, w = (int(rng.uniform(*config.occlude_size) * size) for _ in range(2))
        y, x = int(rng.integers(0, size - h + 1)), int(rng.integers(0, size - w + 1))
        out = out.copy()
        out[y:y + h, x:x + w] = rng.integers(0, 256, 3, dtype=np.uint8)
    return out
