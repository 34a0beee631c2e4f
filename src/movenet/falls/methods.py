"""The fall-detection methods, one frozen spec each, like the model registry.

- `default`: this project's per-person state machine (`movenet.falls.state`): a fast transition
  from upright to lying, confirmed by the person staying down; long-lie and recovered events.
- `learned`: the same machine with the end-of-fall test learned (`movenet.falls.learned`): a
  logistic regression over windowed pose features, trained on the dev clips with augmentations.
- `ambianic`: Ambianic's heuristic reproduced exactly (`movenet.falls.ambianic`): two frames about
  a second apart, the trunk turned by more than 60 degrees while tipping over; one person.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from movenet.errors import InvalidOptionError
from movenet.falls.ambianic import AmbianicSettings
from movenet.falls.learned import LearnedSettings, PersonLearnedState
from movenet.falls.state import FallSettings, PersonFallState


@dataclass(frozen=True)
class FallMethod:
    name: str
    description: str
    settings_type: type  # frozen dataclass of the method's settings, defaults documented there
    per_person: bool  # one state per track id, or the first pose only
    pose_source: str  # what `movenet falls` feeds it by default (movenet.falls.sources)
    source: str  # where the method comes from
    state_type: type = PersonFallState  # per-person machine (per_person methods)

    def settings(self, **overrides):
        """The method's settings with `overrides`; unknown or non-numeric values are errors."""
        fields = {f.name: f for f in dataclasses.fields(self.settings_type)}
        unknown = sorted(set(overrides) - set(fields))
        if unknown:
            raise InvalidOptionError(
                f"method {self.name!r} has no setting {unknown[0]!r}; its settings: {', '.join(fields)}"
            )
        for name, value in overrides.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise InvalidOptionError(f"{name} must be a number >= 0, got {value!r}")
        return self.settings_type(**{k: float(v) for k, v in overrides.items()})


_METHODS: dict[str, FallMethod] = {
    m.name: m
    for m in (
        FallMethod(
            "default",
            "per person: fast upright -> lying transition, confirmed by staying down; long lie, recovered",
            FallSettings, True, "video", "this project (README, Fall detection)",
        ),
        FallMethod(
            "learned",
            "per person: as default, the end of a fall decided by a logistic regression over windowed pose features",
            LearnedSettings, True, "video", "this project (tools/falls_train.py)", PersonLearnedState,
        ),
        FallMethod(
            "ambianic",
            "Ambianic's heuristic: trunk turned > 60 degrees between frames ~1 s apart; one person",
            AmbianicSettings, False, "ambianic", "ambianic/fall-detection 30a050f9, src/pipeline/fall_detect.py",
        ),
    )
}


def list_methods() -> list[str]:
    return list(_METHODS)


def get_method(name: str) -> FallMethod:
    if name not in _METHODS:
        raise InvalidOptionError(f"unknown fall method {name!r}; known: {', '.join(_METHODS)}")
    return _METHODS[name]
