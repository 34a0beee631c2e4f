"""Analysis above the detector: pure geometry on poses and per-person state. Never runs a model."""

from movenet.analysis.geometry import (
    JOINTS,
    SEGMENTS,
    Measurement,
    inclination_to_horizontal,
    inclination_to_vertical,
    joint_angle,
    segment_direction,
    torso_length,
)
from movenet.analysis.per_person import PerPerson, person_key

__all__ = [
    "JOINTS",
    "SEGMENTS",
    "Measurement",
    "PerPerson",
    "inclination_to_horizontal",
    "inclination_to_vertical",
    "joint_angle",
    "person_key",
    "segment_direction",
    "torso_length",
]
