"""A camera's fall profile: the user's own labels and the settings adapted to them (the feedback loop).

The MoveNet documents ask for "a feedback loop that would allow users to help their local models
learn about their personal space". Per camera, a small JSON file keeps:
- **labels**: "this event was a false alarm" or "a fall at this time was missed", each with the
  poses of the recording around that time (keypoints only, no pixels, 2 decimals: ~40 kB a minute
  of one person at 30 fps);
- **settings**: per method, the settings fitted on those labels (`fit`), used by `movenet falls
  --profile`, `movenet falls eval --profile` and `movenet batch --task falls --profile`.

`fit(profile, method)` searches the settings that matter most for a camera (how fast a fall must
be, how far down, the view-independent thresholds; for the learned method its decision threshold),
one at a time among a few physically sensible values, keeping a change only when it lowers the
errors on the labelled windows (a missed fall counts `MISS_COST` false alarms: a missed fall is the
error users cannot forgive), at most `ROUNDS` rounds; ties keep the default. Everything the
detector got right before is not stored, so a profile only moves the settings as far as the
user's labels ask, and never so far that a plain fall is missed: every candidate must still
detect the reference falls (`REFERENCE_FALL_MS`: synthetic falls from standing to lying in 0.6 to
1 s, FALLS.md's 600-800 ms and slower), or it is not taken.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from movenet.errors import InvalidInputError, InvalidOptionError
from movenet.types import Pose

VERSION = 1
KINDS = ("false_alarm", "missed")
BEFORE_S, AFTER_S = 12.0, 3.0  # a false alarm at T (its confirmation): the movement is before it
MISSED_BEFORE_S, MISSED_AFTER_S = 5.0, 8.0  # a missed fall at T: its start, and the time on the floor
MISS_COST = 3.0
ROUNDS = 3
HOLD_S = 10.0
REFERENCE_FALL_MS = (600.0, 800.0, 1000.0)
# Candidate values per setting (the default is always among them): each within the range where
# every dev fall is still caught with Lightning and Thunder poses (docs/results/falls.md, the
# settings' sensitivity), so that a profile fitted on false alarms alone cannot trade away the
# falls the detector catches; for the learned method, its decision threshold.
CANDIDATES = {
    "default": {
        "max_fall_s": (1.3, 1.5),
        "min_hip_drop": (0.3, 0.4),
        "lying_aspect": (1.3, 1.5, 1.8),
        "down_inclination_deg": (50.0, 60.0, 70.0),
        "collapse_down": (0.5, 0.6),
        "min_descent_speed": (1.0, 1.5),
        "foreshortened": (0.75, 0.85),
    },
    "learned": {
        "threshold": (0.5, 0.8, 0.9, 0.95, 0.98),
        "min_hip_drop": (0.3, 0.4),
    },
}


@dataclass(frozen=True)
class Label:
    kind: str  # "false_alarm" or "missed"
    time_s: float  # the event's time (false alarm) or the fall's time (missed), in the recording
    recording: str  # the recording's name, for the user
    frames: list = field(default_factory=list, compare=False)  # [(timestamp_ms, [Pose])], the window
    frame_size: tuple[float, float] | None = None  # the recording's (width, height), when known


@dataclass
class Profile:
    labels: list[Label] = field(default_factory=list)
    settings: dict[str, dict[str, float]] = field(default_factory=dict)  # method -> fitted settings
    fit_report: dict = field(default_factory=dict)

    def settings_for(self, method: str) -> dict[str, float]:
        return dict(self.settings.get(method, {}))

    # -- file ------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "version": VERSION, "settings": self.settings, "fit": self.fit_report,
            "labels": [{"kind": lb.kind, "time_s": lb.time_s, "recording": lb.recording,
                        "frame_size": list(lb.frame_size) if lb.frame_size else None,
                        "frames": [_frame_dict(t, poses) for t, poses in lb.frames]} for lb in self.labels],
        }

    def save(self, path: str | Path) -> None:
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), separators=(",", ":")) + "\n")
        tmp.replace(path)


def load_profile(path: str | Path, missing_ok: bool = False) -> Profile:
    path = Path(path)
    if not path.is_file():
        if missing_ok:
            return Profile()
        raise InvalidInputError(f"{path}: no such fall profile (movenet falls feedback {path} ... creates one)")
    try:
        data = json.loads(path.read_text())
        if data.get("version") != VERSION:
            raise ValueError(f"version {data.get('version')!r}, expected {VERSION}")
        labels = [Label(d["kind"], float(d["time_s"]), str(d["recording"]),
                        [(float(f["t"]), [_pose(p) for p in f["poses"]]) for f in d["frames"]],
                        tuple(map(float, d["frame_size"])) if d.get("frame_size") else None) for d in data["labels"]]
        settings = {str(m): {str(k): float(v) for k, v in s.items()} for m, s in data.get("settings", {}).items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InvalidInputError(f"{path}: not a fall profile ({exc})") from None
    return Profile(labels, settings, data.get("fit", {}))


def _frame_dict(t: float, poses) -> dict:
    return {"t": round(t, 3), "poses": [{"id": p.id, "score": round(p.score, 4),
                                         "k": [[round(v, 2) for v in row] for row in p.to_array().tolist()]} for p in poses]}


def _pose(d: dict) -> Pose:
    import numpy as np

    return Pose.from_array(np.asarray(d["k"], dtype=np.float64), float(d["score"]), None, d.get("id"))


def window(frames, kind: str, time_s: float) -> list:
    """The frames of a recording that a label keeps: around the event or the missed fall."""
    before, after = (BEFORE_S, AFTER_S) if kind == "false_alarm" else (MISSED_BEFORE_S, MISSED_AFTER_S)
    lo, hi = (time_s - before) * 1000.0, (time_s + after) * 1000.0
    return [(t, list(poses)) for t, poses in frames if lo <= t <= hi]


def add_label(profile: Profile, kind: str, time_s: float, recording: str, frames,
              frame_size: tuple[float, float] | None = None) -> Label:
    if kind not in KINDS:
        raise InvalidOptionError(f"label {kind!r} is not one of {', '.join(KINDS)}")
    if not (isinstance(time_s, (int, float)) and math.isfinite(time_s) and time_s >= 0):
        raise InvalidOptionError(f"the time must be seconds >= 0 into the recording, got {time_s!r}")
    kept = window(frames, kind, time_s)
    if len(kept) < 2:
        end = frames[-1][0] / 1000.0 if frames else 0.0
        raise InvalidInputError(f"{recording}: no frames around {time_s:g} s (the recording has {end:.1f} s)")
    label = Label(kind, float(time_s), recording, kept, frame_size)
    profile.labels.append(label)
    return label


# -- fitting ----------------------------------------------------------------------------------------
def errors(labels, method: str, settings: dict, classifier=None) -> tuple[float, int, int]:
    """(cost, missed falls, false alarms) of `method` with `settings` on the labelled windows."""
    from movenet.falls.evaluate import LabelledClip, judge_clip

    missed = alarms = 0
    for i, label in enumerate(labels):
        if label.kind == "missed":
            clip = LabelledClip(label.recording, "fall", label.time_s * 1000.0, None, i)
            verdict = judge_clip(label.frames, clip, method, HOLD_S, classifier=classifier,
                                 frame_size=label.frame_size, **settings)
            missed += not verdict.detected
        else:
            clip = LabelledClip(label.recording, "no_fall", None, None, i)
            verdict = judge_clip(label.frames, clip, method, HOLD_S, classifier=classifier,
                                 frame_size=label.frame_size, **settings)
            alarms += verdict.false_alarms
    return MISS_COST * missed + alarms, missed, alarms


def catches_reference_falls(method: str, settings: dict, classifier=None) -> bool:
    """Whether `method` with `settings` still detects every reference fall (synthetic, 25 fps)."""
    from movenet.falls.detector import FallDetector
    from movenet.falls.synthetic import fall, frames

    for fall_ms in REFERENCE_FALL_MS:
        detector = FallDetector(method, classifier=classifier, **settings)
        found = []
        for t, poses in frames(fall(lie_ms=10000.0, fall_ms=fall_ms)):
            found += [e for e in detector.update(poses, t) if e.event == "fall"]
        if not found:
            return False
    return True


def fit(profile: Profile, method: str = "default", base: dict | None = None, classifier=None) -> dict:
    """Adapt `method`'s settings to the profile's labels (coordinate search, see the module); the
    fitted settings are stored in the profile and returned with the errors before and after."""
    from movenet.falls.methods import get_method

    if method not in CANDIDATES:
        raise InvalidOptionError(f"a profile adapts {', '.join(CANDIDATES)}, not {method!r}")
    if not profile.labels:
        raise InvalidInputError("the profile has no labels yet: add a false alarm or a missed fall first")
    defaults = asdict(get_method(method).settings())
    current = dict(base or {})
    before = errors(profile.labels, method, current, classifier)
    best = before
    for _ in range(ROUNDS):
        improved = None
        for name, values in CANDIDATES[method].items():
            for value in values:
                if value == current.get(name, defaults[name]):
                    continue
                trial = {**current, name: value}
                if not catches_reference_falls(method, trial, classifier):
                    continue
                result = errors(profile.labels, method, trial, classifier)
                if result[0] < best[0] and (improved is None or result[0] < improved[1][0]):
                    improved = (trial, result)
        if improved is None:
            break
        current, best = improved
    start = {**defaults, **(base or {})}
    changed = {k: v for k, v in current.items() if v != start.get(k)}
    profile.settings[method] = changed
    report = {"method": method, "labels": len(profile.labels), "settings": changed,
              "before": {"missed": before[1], "false_alarms": before[2]},
              "after": {"missed": best[1], "false_alarms": best[2]}}
    profile.fit_report[method] = report
    return report
