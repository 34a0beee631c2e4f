"""The learned fall method: a small classifier decides when a fall ends, over windowed pose features.

Same per-person machine as the default method (`movenet.falls.state`: references from the upright
frames, getting up, confirmation by staying down, long lie, recovered, a person lost during a fast
descent), with one test learned instead of hand-set: "this frame ends a fall" (the person is down
after a fast descent). Per frame and person, `FEATURES` (the person's own units, so nothing
depends on the distance to the camera) over the current frame and the last `WINDOW_S`, scored by
a logistic regression (standardised features, weights in `models/falls_learned.json`, numpy
only: no torch or scikit-learn at run time); the fall ends when the probability reaches
`threshold`. `tools/falls_train.py` fits it on the dev clips with augmentations that imitate
other cameras, and evaluates it leave-one-source-out and leave-one-subject-out.
"""

from __future__ import annotations

import json
import math
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from movenet.errors import InvalidInputError
from movenet.falls.signals import FrameSignals
from movenet.falls.state import MS, FallSettings, PersonFallState, Posture

WINDOW_S = 1.5  # a fall lasts 0.6-0.8 s (FALLS.md): the window holds it with its start
SPEED_STEP_S = 0.2  # downward speed of the hips over 0.2 s steps (6 frames at 30 fps, 3 at 15)
MODEL_FILE = "falls_learned.json"

FEATURES = (
    "inclination",  # smoothed trunk inclination / 90 degrees
    "hip_drop",  # torso lengths under the recent highest hip position
    "collapse",  # body height in the image / upright height
    "hip_floor",  # hip height above the floor line / standing hip height
    "trunk_ratio",  # trunk length in the image / upright trunk length
    "log_aspect",  # log of the box's width / height
    "max_speed",  # fastest downward hip speed in the window, torso lengths / s
    "drop_gain",  # hip drop gained over the window
    "incl_gain",  # inclination gained over the window / 90 degrees
    "height_loss",  # body height lost over the window (share of the upright height)
    "since_up",  # seconds since the last upright frame (at most 3)
    "mean_speed",  # hip drop / time since the last upright frame (at least 0.2 s): the descent's mean speed
    "seen",  # share of the window's frames in which the trunk was seen
)
CLIP = {  # every feature clipped to a physical range, so that no outlier dominates
    "inclination": (0.0, 2.0), "hip_drop": (-1.0, 3.0), "collapse": (0.0, 1.5), "hip_floor": (-1.0, 1.5),
    "trunk_ratio": (0.0, 1.5), "log_aspect": (-2.0, 2.0), "max_speed": (-2.0, 8.0), "drop_gain": (0.0, 3.0),
    "incl_gain": (0.0, 2.0), "height_loss": (0.0, 1.5), "since_up": (0.0, 3.0), "mean_speed": (-2.0, 8.0), "seen": (0.0, 1.0),
}
# A feature that cannot be measured (no upright reference yet) takes its upright value.
NEUTRAL = {"collapse": 1.0, "hip_floor": 1.0, "trunk_ratio": 1.0}


@dataclass(frozen=True)
class LearnedSettings(FallSettings):
    """The default method's settings (confirmation, long lie, getting up...) and the decision
    threshold on the classifier's probability; `model` 0 is the shipped model."""

    threshold: float = 0.9


@dataclass(frozen=True)
class LogisticModel:
    """p = sigmoid(w . (x - mean) / std + b) over `features`."""

    features: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray
    weights: np.ndarray
    bias: float
    info: dict

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = ((np.asarray(x, dtype=np.float64) - self.mean) / self.std) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))

    def to_dict(self) -> dict:
        return {"kind": "logistic", "features": list(self.features), "mean": self.mean.tolist(),
                "std": self.std.tolist(), "weights": self.weights.tolist(), "bias": self.bias, "info": self.info}

    @classmethod
    def from_dict(cls, d: dict, where: str = "model") -> LogisticModel:
        try:
            features = tuple(d["features"])
            arrays = [np.asarray(d[k], dtype=np.float64) for k in ("mean", "std", "weights")]
            bias = float(d["bias"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError(f"{where}: not a fall classifier ({exc})") from None
        if d.get("kind") != "logistic" or features != FEATURES or any(a.shape != (len(FEATURES),) for a in arrays):
            raise InvalidInputError(f"{where}: a logistic model over the features {', '.join(FEATURES)} is expected")
        return cls(features, *arrays, bias, d.get("info", {}))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n")


@lru_cache(maxsize=1)
def shipped_model() -> LogisticModel:
    text = resources.files("movenet.falls").joinpath("models", MODEL_FILE).read_text()
    return LogisticModel.from_dict(json.loads(text), MODEL_FILE)


def load_model(path: str | Path) -> LogisticModel:
    path = Path(path)
    try:
        return LogisticModel.from_dict(json.loads(path.read_text()), str(path))
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"{path}: cannot read a fall classifier ({exc})") from None


def feature_vector(p: Posture, history: deque, t: float, since_up_s: float) -> np.ndarray:
    """The features of one frame: the posture now and the window (`history`: (t, hip drop,
    inclination, collapse, seen) of the last WINDOW_S, this frame included)."""
    def val(name: str, v: float) -> float:
        v = NEUTRAL.get(name, 0.0) if math.isnan(v) else v
        lo, hi = CLIP[name]
        return min(max(v, lo), hi)

    seen = [h for h in history if h[4]]
    drops = [h[1] for h in seen]
    incls = [h[2] for h in seen]
    heights = [h[3] for h in seen if not math.isnan(h[3])]
    speed = 0.0
    for i, (ti, di, *_rest) in enumerate(seen):  # fastest drop over SPEED_STEP_S steps
        for tj, dj, *_r in seen[i + 1:]:
            if tj - ti >= SPEED_STEP_S * MS:
                speed = max(speed, (dj - di) / ((tj - ti) / MS))
                break
    values = {
        "inclination": p.inclination_deg / 90.0, "hip_drop": p.hip_drop,
        "collapse": p.collapse, "hip_floor": p.hip_floor, "trunk_ratio": p.trunk_ratio,
        "log_aspect": math.log(max(min(p.aspect, 1e3), 1e-3)) if not math.isnan(p.aspect) else 0.0,
        "max_speed": speed, "drop_gain": p.hip_drop - min(drops) if drops else 0.0,
        "incl_gain": (p.inclination_deg - min(incls)) / 90.0 if incls else 0.0,
        "height_loss": (max(heights) - p.collapse) if heights and not math.isnan(p.collapse) else 0.0,
        "since_up": since_up_s, "mean_speed": p.hip_drop / max(since_up_s, SPEED_STEP_S), "seen": len(seen) / len(history) if history else 1.0,
    }
    return np.array([val(n, values[n]) for n in FEATURES])


class PersonLearnedState(PersonFallState):
    """The default machine with the learned end-of-fall test; `last_features` / `last_probability`
    are the latest frame's (for training and inspection)."""

    def __init__(self, settings: LearnedSettings = LearnedSettings(), model: LogisticModel | None = None,
                 by_rules: bool = False) -> None:
        self.model = model
        self.by_rules = by_rules  # training: the rules drive the states, the features are recorded
        super().__init__(settings)

    def reset(self) -> None:
        super().reset()
        self._window: deque = deque()
        self.last_features: np.ndarray | None = None
        self.last_probability = math.nan

    def update(self, signals: FrameSignals | None, timestamp_ms: float, frame_size=None) -> list:
        t = float(timestamp_ms)
        if signals is None:
            self._window.append((t, math.nan, math.nan, math.nan, False))
            self._trim(t)
        return super().update(signals, t, frame_size)

    def _trim(self, t: float) -> None:
        while self._window and self._window[0][0] < t - WINDOW_S * MS:
            self._window.popleft()

    def _posture(self, s: FrameSignals, t: float) -> Posture:
        p = super()._posture(s, t)
        self._window.append((t, p.hip_drop, p.inclination_deg, p.collapse, True))
        self._trim(t)
        since = (t - self._last_up_ms) / MS if not math.isnan(self._last_up_ms) else CLIP["since_up"][1]
        self.last_features = feature_vector(p, self._window, t, max(since, 0.0))
        return p

    def _falls(self, p: Posture, signals: FrameSignals, t: float, fast: bool, furniture: bool) -> bool:
        if self.by_rules:
            return super()._falls(p, signals, t, fast, furniture)
        model = self.model or shipped_model()
        self.last_probability = float(model.probability(self.last_features))
        return self.last_probability >= self.settings.threshold and p.hip_drop >= self.settings.min_hip_drop
