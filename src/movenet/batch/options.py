"""What a batch task is given: the detector and output options, frozen and hashable.

`key()` names the options that change the outputs; a rerun with other options does the inputs
again instead of skipping them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class BatchOptions:
    model: str = "lightning"
    runtime: str | None = None
    precision: str = "fp32"
    weights: str | None = None
    threads: int = 1  # per worker: one single-threaded runtime per worker process
    compat: str | None = None
    refine: bool = False
    min_pose_score: float = 0.25
    max_poses: int | None = None
    multipose_max_dimension: int = 256
    smoothing: bool = True
    tracker: str | None = "box"
    threshold: float = 0.3  # drawing only
    save_media: bool = False  # annotated image / video beside the poses
    exercise: str | None = None  # task exercise: the exercise to count (movenet.exercise)
    fall_method: str = "default"  # task falls: the method (movenet.falls)
    fall_settings: tuple[tuple[str, float], ...] = ()  # task falls: the method's settings, (name, value) sorted
    fall_hold_s: float = 0.0  # task falls: hold the last frame this long at the end (movenet falls --hold-s)
    fall_pose_source: str = "video"  # task falls: video, rotation or ambianic (movenet falls --pose-source)

    def detector_kwargs(self, video: bool) -> dict:
        kwargs = {
            "runtime": self.runtime, "precision": self.precision, "weights": self.weights, "threads": self.threads,
            "compat": self.compat, "min_pose_score": self.min_pose_score, "max_poses": self.max_poses,
            "multipose_max_dimension": self.multipose_max_dimension,
        }
        if video:
            kwargs.update(smoothing=self.smoothing, tracker=self.tracker)
        else:
            kwargs.update(refine=self.refine)
        return kwargs

    def key(self, task: str) -> str:
        """Short hash of the task and every option that changes an output (not `threads`)."""
        fields = {k: v for k, v in asdict(self).items() if k != "threads"}
        text = json.dumps({"task": task, **fields}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]
