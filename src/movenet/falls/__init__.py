"""Fall detection above the pose detector: sees only poses and timestamps, never pixels.

    from movenet.falls import FallDetector
    detector = FallDetector(method="default")            # "learned", "ambianic"; settings as keywords
    events = detector.update(poses, timestamp_ms)         # per frame: list of FallEvent
    events = detector.finish(hold_s=0.0)                  # end of a recording: down_at_end events
    detector.reset()

Methods (`list_methods()`): `default`, this project's per-person state machine with
view-independent evidence (`movenet.falls.state`), `learned`, the same machine with its decision
taken by a small classifier (`movenet.falls.learned`), and `ambianic`, Ambianic's heuristic
reproduced exactly (`movenet.falls.ambianic`). `detect_falls(frames)` runs a whole sequence;
`movenet.falls.evaluate` scores methods on labelled clips; `movenet.falls.profile` keeps a
camera's feedback and adapts the settings to it.
"""

from movenet.falls.ambianic import AmbianicSettings
from movenet.falls.detector import FallDetector, detect_falls
from movenet.falls.events import EVENT_KINDS, EventWriter, FallEvent
from movenet.falls.learned import LearnedSettings
from movenet.falls.methods import FallMethod, get_method, list_methods
from movenet.falls.state import FallSettings, State

__all__ = [
    "EVENT_KINDS",
    "AmbianicSettings",
    "EventWriter",
    "FallDetector",
    "FallEvent",
    "FallMethod",
    "FallSettings",
    "LearnedSettings",
    "State",
    "detect_falls",
    "get_method",
    "list_methods",
]
