"""One frozen spec per exercise, in one registry: `list_exercises()`, `get_exercise(name)`; user
exercises join it from exercise files (`spec_file`, `register_exercise`).

A spec says which signal a repetition is counted on (an angle in degrees, see `signals`) and five
levels of that signal, from the start position towards the deep end of the movement (the `*_deg`
fields; a `Track` holds the same for the spec's alternative signals, which may be heights as a share
of the person's rest value rather than degrees):

    rest  ->  start  ->  exit  ->  enter  ->  depth
    (170)     (160)      (145)     (120)      (90)      squat: the knee angle, degrees

- `rest`: the typical value at the start position (the empty end of the depth bar).
- `start`: past it the movement has begun; the repetition's start time is taken here.
- `enter`: a repetition must reach it to count (its "bottom" has been reached).
- `exit`: passing back past it completes the repetition, which is counted then, on the way back
  to the start position. `enter`/`exit` form the hysteresis: noise smaller than their gap cannot
  make a second count.
- `depth`: full depth; a counted repetition that did not reach it is flagged `shallow`.
Then the time limits: `min_rep_ms` (shorter is not a repetition: a jerk or a detection glitch),
`max_active_ms` (longer past `enter` is not a repetition: sitting down, crouching, lying), and
`min_hold_ms` (an isometric hold at the bottom, e.g. a glute-bridge hold).

Where the numbers come from: each spec's `source`. Squat and push-up levels were checked on the
812 labelled ML Kit poses (`tools/exercise_thresholds.py`, README); round 3 (issue 20) added the
view-robust alternatives of the squat, push-up, pull-up, dip and sit-to-stand and re-chose their
checks on the tuning part of the WorkoutTracker clips and on URFD (docs/results/exercise.md); the
others are set from the usual descriptions of the movement and are not validated on real video.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from movenet.errors import InvalidOptionError, MovenetError
from movenet.exercise.view import VIEWS as _VIEWS
from movenet.exercise.signals import (
    Asymmetry,
    Height,
    Inclination,
    JointAngle,
    LargerOf,
    Signal,
)


class UnknownExerciseError(MovenetError, KeyError):
    """An exercise name that is not in the registry."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


# The measures of `posture.Posture` (their names are its fields) and the travel of the feet's
# midpoint and of the mid-hip point during a repetition (`checks`):
LEAN, TILT, HANDS_LOW, HIP_HEIGHT, HAND_HEIGHT = "lean", "tilt", "hands_low", "hip_height", "hand_height"
HIP_RAISE, SHOULDER_RAISE = "hip_raise", "shoulder_raise"
FEET_TRAVEL, HIP_TRAVEL, SHOULDER_TRAVEL, HAND_TRAVEL = "feet_travel", "hip_travel", "shoulder_travel", "hand_travel"
SHOULDER_DROP = "shoulder_drop"
_MEASURES = (LEAN, TILT, HANDS_LOW, HIP_HEIGHT, HAND_HEIGHT, HIP_RAISE, SHOULDER_RAISE, FEET_TRAVEL, HIP_TRAVEL, SHOULDER_TRAVEL, HAND_TRAVEL,
             SHOULDER_DROP)
_LABELS = {
    LEAN: "trunk lean", TILT: "trunk tilt in the image", HANDS_LOW: "hands below the knees", HIP_HEIGHT: "hip height", HAND_HEIGHT: "hand height",
    HIP_RAISE: "hips above the feet", SHOULDER_RAISE: "shoulders above the feet", FEET_TRAVEL: "feet travel",
    HIP_TRAVEL: "hip travel", SHOULDER_TRAVEL: "shoulder travel", HAND_TRAVEL: "hand travel", SHOULDER_DROP: "shoulder drop",
}


@dataclass(frozen=True)
class Check:
    """A posture condition: the median of `measure` over the frames past `enter` (phase "active"),
    or its last value when the repetition is counted (phase "rest"), must lie in [low, high]; an
    "active" check never seen past `enter` passes unless it is `required`.
    `measure`: "lean" (trunk lean from upright, degrees, any camera view: `posture.Posture`),
    "tilt" (the trunk's angle from upright in the image, 0-180: 180 head down),
    "hands_low" (1 when the wrists are below the knees, else 0), "hip_height" (the hips' height
    above the ankles as a share of the standing one), "hand_height" (the wrists' height above the
    ankles as a share of the standing hip height: 0.5 is about a standing person's knees),
    "hip_raise" / "shoulder_raise" (their height above the ankles in torso lengths: ~0 lying or
    sitting on the floor, ~0.9 kneeling),
    "feet_travel" / "hip_travel" / "shoulder_travel" / "hand_travel" (the farthest the midpoint of
    the ankles / the mid-hip point / the mid-shoulder point / the midpoint of the wrists moved during the repetition, from where it was 0.5 s
    before it began, in torso lengths: `checks`; the phase does not apply), "shoulder_drop" (the
    farthest the mid-shoulder point went down in the image, the same way), or a signal."""

    measure: str | Signal
    low: float = -math.inf
    high: float = math.inf
    phase: str = "active"
    why: str = ""  # what failing it means
    required: bool = False  # "active": a repetition that never shows it past `enter` fails
    views: tuple[str, ...] = ()  # the camera views where it is judged (`view`); () every view
    # (`required` for a travel check: a repetition whose travel is never measured fails)

    def __post_init__(self) -> None:
        if self.phase not in ("active", "rest") or not self.low < self.high:
            raise InvalidOptionError(f"a check needs phase 'active' or 'rest' and low < high; got {self.phase!r}, {self.low}, {self.high}")
        unknown = [v for v in self.views if v not in _VIEWS]
        if unknown:
            raise InvalidOptionError(f"a check's views are {', '.join(_VIEWS)}; got {unknown[0]!r}")
        if isinstance(self.measure, str) and self.measure not in _MEASURES:
            raise InvalidOptionError(f"a check measures {', '.join(map(repr, _MEASURES))} or a signal; got {self.measure!r}")

    @property
    def label(self) -> str:
        return _LABELS[self.measure] if isinstance(self.measure, str) else self.measure.label


def _lean(high: float, why: str, phase: str = "active", low: float = -math.inf) -> Check:
    return Check(LEAN, low, high, phase, why)


# Exercises done in place: the midpoint of the ankles (and, where the hips stay put too, the
# mid-hip point) moves less than half a torso length (~25 cm) during the repetition, from where it
# was 0.5 s before it began; a walking step moves the feet's midpoint by half a stride (~0.7).
IN_PLACE_TORSO = 0.5
# A forward or reverse lunge moves the feet's midpoint by half a lunge step (up to ~1 torso
# length) and back; walking, and walking lunges, carry it on.
LUNGE_TRAVEL_TORSO = 1.25


def _in_place(name: str, hips: bool = False, high: float = IN_PLACE_TORSO) -> tuple[Check, ...]:
    why = f"walking, not a {name}"
    feet = Check(FEET_TRAVEL, high=high, why=f"the feet moved: {why}")
    return (feet, Check(HIP_TRAVEL, high=high, why=f"the hips moved: {why}")) if hips else (feet,)


def _check_levels(what: str, levels: list[float]) -> None:
    sign = 1.0 if levels[3] > levels[0] else -1.0
    progress = [sign * v for v in levels]
    if not all(math.isfinite(v) for v in levels) or not (progress[0] < progress[1] < progress[2] < progress[3] <= progress[4]):
        raise InvalidOptionError(f"{what}: the levels must run rest -> start -> exit -> enter -> depth in one direction; got {levels}")


@dataclass(frozen=True)
class Track:
    """One signal a repetition can be counted on, with its five levels (rest, start, exit, enter,
    depth: the module docstring) in the signal's unit: degrees for angles; for a `relative` track
    the share of the person's own rest value (1.0: standing, hanging, in the plank; the signal's
    largest value of the last `BASELINE_WINDOW_MS`, the per-person calibration). A spec counts on
    its primary track (`ExerciseSpec.signal` and its `*_deg` levels) and on its `alternatives`:
    a repetition completed on any of them counts once (`counter`)."""

    signal: Signal
    rest: float
    start: float
    exit: float
    enter: float
    depth: float
    relative: bool = False
    views: tuple[str, ...] = ()  # the camera views it describes a repetition best in (`view`); () any

    def __post_init__(self) -> None:
        _check_levels(f"signal {self.signal.label!r}", self.levels)
        unknown = [v for v in self.views if v not in _VIEWS]
        if unknown:
            raise InvalidOptionError(f"signal {self.signal.label!r}: unknown view {unknown[0]!r}; known: {', '.join(_VIEWS)}")

    def trusted_in(self, view: str) -> bool:
        return not self.views or view in self.views

    @property
    def levels(self) -> list[float]:
        return [self.rest, self.start, self.exit, self.enter, self.depth]

    @property
    def direction(self) -> float:
        return 1.0 if self.enter > self.rest else -1.0

    @property
    def unit(self) -> str:
        return "of rest" if self.relative else "deg" if isinstance(self.signal, (JointAngle, Inclination, LargerOf, Asymmetry)) else "px"

    @property
    def label(self) -> str:
        return self.signal.label + (" (share of rest)" if self.relative else "")

    def level_text(self, value: float) -> str:
        return f"{value:g} deg" if self.unit == "deg" else f"{value:g} {self.unit}"

    def depth_fraction(self, value: float) -> float:
        """0 at `rest`, 1 at `depth`, clipped to [0, 1.2]."""
        fraction = (value - self.rest) / (self.depth - self.rest)
        return min(max(fraction, 0.0), 1.2)


# The window of a relative track's rest value: long enough to span a set's repetitions and the
# rests between them, short enough to follow a person who moves (as posture.TORSO_WINDOW_MS).
BASELINE_WINDOW_MS = 10_000.0


@dataclass(frozen=True)
class ExerciseSpec:
    name: str
    description: str
    signal: Signal
    rest_deg: float
    start_deg: float
    exit_deg: float
    enter_deg: float
    depth_deg: float
    min_rep_ms: float
    max_active_ms: float
    rest_name: str  # the start position, in words
    active_name: str  # the far end of the movement
    view: str  # the camera view the signal needs
    source: str  # where each number comes from
    min_hold_ms: float = 0.0
    start_active: bool = False  # a stream may begin at the far end (chair-stand tests begin seated; the primary signal only)
    checks: tuple[Check, ...] = ()  # posture conditions a counted repetition must meet
    alternatives: tuple[Track, ...] = ()  # more signals it may be counted on (view-robust ones)
    relative: bool = False  # the primary signal as a share of the person's rest value (`Track`)
    views: tuple[str, ...] = ()  # the views the primary signal describes a repetition best in (`Track`)

    def __post_init__(self) -> None:
        _check_levels(f"exercise {self.name!r}", [self.rest_deg, self.start_deg, self.exit_deg, self.enter_deg, self.depth_deg])
        if self.min_rep_ms < 0 or self.max_active_ms <= 0 or self.min_hold_ms < 0:
            raise InvalidOptionError(f"exercise {self.name!r}: times must be >= 0 (max_active_ms > 0)")
        if self.start_active and self.relative:
            raise InvalidOptionError(f"exercise {self.name!r}: a relative primary signal cannot start at the far end (its rest value is not known then)")

    @property
    def tracks(self) -> tuple[Track, ...]:
        """The primary signal with its levels, then the alternatives."""
        primary = Track(self.signal, self.rest_deg, self.start_deg, self.exit_deg, self.enter_deg, self.depth_deg, self.relative, self.views)
        return (primary, *self.alternatives)

    @property
    def direction(self) -> float:
        """+1 when the movement raises the signal (bridge: the hip opens), -1 when it lowers it."""
        return 1.0 if self.enter_deg > self.rest_deg else -1.0

    @property
    def counted_when(self) -> str:
        when = [f"back past {t.level_text(t.exit)} ({self.rest_name}) after reaching {t.level_text(t.enter)} ({self.active_name})" for t in self.tracks]
        if len(when) == 1:
            return when[0]
        return "; or ".join(f"{t.label} {w}" for t, w in zip(self.tracks, when)) + " (once per repetition)"

    def depth_fraction(self, value: float) -> float:
        """0 at `rest`, 1 at `depth`, clipped to [0, 1.2]: the depth bar."""
        fraction = (value - self.rest_deg) / (self.depth_deg - self.rest_deg)
        return min(max(fraction, 0.0), 1.2)

    def with_options(self, **overrides) -> ExerciseSpec:
        """A copy with some numbers changed (checked again); unknown fields are listed."""
        fields = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(overrides) - fields)
        if unknown:
            raise InvalidOptionError(f"unknown exercise option(s) {', '.join(unknown)}; known: {', '.join(sorted(fields - {'name', 'signal'}))}")
        return dataclasses.replace(self, **overrides)


_KNEE = JointAngle("knee", "mean")
_ELBOW = JointAngle("elbow", "mean")
_HIP_ASYMMETRY = Asymmetry("hip")
# Checks that tell apart exercises whose counted signal is the same (chosen, round 2; they also
# make the automatic mode possible, `auto`): a lunge bends the front hip to ~90 deg and keeps the
# back one near straight (~170), a squat bends both alike, so their difference splits at 45;
# a pull-up lifts the body by about an arm's length (~1 torso length), a press or a pull-down not
# at all; a press starts with the hands at the shoulders (elbows ~90 deg), a jumping jack and an
# arm raise keep the elbows straight (~170): 150 between them.
LUNGE_HIP_ASYMMETRY = 45.0
# The trunk's tilt from upright in the image (`posture`: not the lean estimated from its
# foreshortening): a body hanging from a bar or held on dip bars stays within 40 deg of upright in
# the image, head up, in any view (with the camera's roll: 55, below); a body lying on the floor,
# or head down, does not (round 3, WorkoutTracker tuning clips and URFD: people getting down onto
# the floor, head first).
# Checks of the trunk's angle must hold with the camera rolled by 10 degrees (a phone propped at a
# slant). With the old limits (hanging trunk tilt <= 45, plank lean >= 50, standing lean <= 45 when
# back) a 10-degree roll of the WorkoutTracker poses rejected real repetitions of 3 clips (tilt 47 in
# pull-up_9, lean 42-43 in push-up_25 and push-up_41) and a 20-degree roll of 6 (`python
# tools/exercise_robustness.py`, Thunder). With 55 / 40 / 55: none at 10 degrees, 3 at 20, and no
# new false count on URFD or the walkers of opencv_vtest.avi (tools/exercise_heldout.py,
# exercise_counts.py, exercise_walking.py); people lying down or bent over are at 70-90.
UPRIGHT_TILT_DEG = 55.0
PLANK_LEAN_DEG = 40.0
STANDING_LEAN_DEG = 55.0
# A plank's hip angle is ~170-180 deg side-on; seen at an angle the image folds it (140 at the bottom
# of push-up_41, Thunder, round 3), head-on it means nothing (not judged); a bend, a crawl or a
# kneeling person is at 60-110 (URFD). It must be seen from the front or at an angle (someone
# getting down onto the floor at the edge of the picture, legs out of it: urfd_63); side-on close-ups
# may leave the knees out (push-up_48).
PLANK_HIP_DEG = 125.0
DIP_TILT_DEG = 60.0  # dips lean forward (chest dips ~30-45 deg), push-ups are horizontal (~70-90)
DIP_DROP_TORSO = 0.3  # the body goes down by about half a forearm (~0.5 torso lengths)
DIP_ARMS_TORSO = 0.6  # at the top the shoulders are an arm's length (~1.1 torso lengths) above the hands
DIP_BOTTOM_TORSO = 0.72  # at the bottom a forearm's length (~0.5); a standing person's hanging arms ~0.8-1.1
_WRISTS_ABOVE_SHOULDERS = Height("wrist", "shoulder")
_SHOULDERS_ABOVE_WRISTS = Height("shoulder", "wrist")
_HIPS_ABOVE_ANKLES = Height("hip", "ankle")
PULL_UP_RISE_TORSO = 0.3
STRAIGHT_ELBOW_DEG = 150.0

_REGISTRY: dict[str, ExerciseSpec] = {
    spec.name: spec
    for spec in (
        ExerciseSpec(
            name="squat", description="bodyweight or loaded squat", signal=_KNEE,
            rest_deg=170, start_deg=160, exit_deg=145, enter_deg=120, depth_deg=90, views=("side",),
            alternatives=(Track(_HIPS_ABOVE_ANKLES, 1.0, 0.93, 0.85, 0.75, 0.55, relative=True),),
            min_rep_ms=500, max_active_ms=4000,
            checks=(
                _lean(65, "leaning over: a bend, not a squat"),
                Check(HANDS_LOW, high=0.5, why="hands at the floor: crouching or picking something up, not a squat"),
                Check(HAND_HEIGHT, low=0.5, why="hands near the floor: crouching or picking something up, not a squat", required=True),
                Check(HIP_HEIGHT, high=0.9, why="the hips did not go down: not a squat"),
                Check(_HIP_ASYMMETRY, high=LUNGE_HIP_ASYMMETRY, why="one hip bent, the other straight: a lunge or a step, not a squat"),
                *_in_place("squat"),
                _lean(STANDING_LEAN_DEG, "not upright when back: lying down is not standing up", "rest"),
            ),
            rest_name="standing", active_name="bottom", view="side or front",
            source="depth 90: thighs parallel to the floor (knee flexion ~90 deg, side view); enter 120 "
            "(60 deg of flexion, between a quarter squat and thighs parallel), exit/start 145/160: the "
            "usual hysteresis, checked on the ML Kit squats_up / squats_down poses (README); max_active "
            "4 s: a squat's bottom lasts ~1 s (pose_squats: 0.9-1.3 s past 120 deg). Posture checks "
            "chosen on the URFD clips (people bending or crouching down to pick something up, falls): "
            "a squat lowers the hips (to <= 0.9 of their standing height above the ankles: a side-view "
            "squat reaching 120 deg has them at ~0.85, pose_squats' bottoms at 0.58-0.66; added after "
            "walkers seen from above in opencv_vtest.avi were counted, see README), keeps the trunk within 65 "
            "deg of upright (pose_squats: 42-54 by this estimate; people bending down in URFD: 70-90), keeps the "
            "hands above the knees and above half the standing hip height (a standing person's knees: crouching "
            "and kneeling people touch the floor; pose_squats' hands stay at 0.93-1.06 of it, the URFD crouches' "
            "median 0.01-0.43; added because MultiPose sees the wrists at the shoes of urfd_53 too faintly for "
            "the below-the-knees test; required: urfd_43's hands at the floor are never seen by MultiPose, "
            "the ankles always are when the knee angle is), and ends upright (lying down with straight legs is not standing up). "
            "Round 3 (WorkoutTracker tuning clips): squats filmed from the front bend the knees towards the camera "
            "and the knee angle hardly changes in the image, so the hips' height above the ankles, as a share of "
            "the person's standing height, counts too: enter 0.75 and exit 0.85 (a side-view knee at 120 / 145 "
            "deg has them at ~0.85 / 0.95), depth 0.55 (thighs parallel: ~0.45-0.55); the knee angle describes a "
            "repetition seen from the side",
        ),
        ExerciseSpec(
            name="push_up", description="push-up (press-up)", signal=_ELBOW,
            rest_deg=170, start_deg=155, exit_deg=135, enter_deg=110, depth_deg=90, views=("side",),
            alternatives=(Track(_SHOULDERS_ABOVE_WRISTS, 1.0, 0.9, 0.8, 0.65, 0.5, relative=True),),
            min_rep_ms=400, max_active_ms=5000,
            checks=(
                _lean(180, "the body is not horizontal", low=PLANK_LEAN_DEG),
                Check(JointAngle("hip", "mean"), low=PLANK_HIP_DEG, why="the hips are bent: not a plank", views=("side",)),
                Check(JointAngle("hip", "mean"), low=PLANK_HIP_DEG, why="the hips are bent: not a plank", views=("front", "angled"), required=True),
                _lean(180, "the body is not horizontal when back: not a plank", "rest", low=PLANK_LEAN_DEG),
                Check(HAND_TRAVEL, high=IN_PLACE_TORSO, why="the hands moved: crawling or walking, not a push-up"),
            ),
            rest_name="arms straight", active_name="chest down", view="any",
            source="depth 90: upper arms parallel to the floor (the usual push-up standard); enter 110 and "
            "exit/start 135/155 checked on the ML Kit pushups_up / pushups_down poses (README). Round 3 "
            "(WorkoutTracker tuning clips and URFD): the shoulders' height above the hands, as a share of the "
            "plank's, counts push-ups filmed from the front or the head (the elbow angle foreshortens: 5-60 deg), "
            "0.65 / 0.8 (the tuning clips' bottoms 0.2-0.45); the hands stay in place (crawling moves them; the "
            "ankles, far and small in a head-on view, jump by a torso length in push-up_14); the hip angle is "
            "judged in every view but head-on at 125 deg, and must be seen from the front or at an angle (not "
            "side-on: close-ups never show the knees, push-up_48); the body is horizontal when back",
        ),
        ExerciseSpec(
            name="pull_up", description="pull-up or chin-up from a dead hang", signal=_ELBOW,
            rest_deg=170, start_deg=150, exit_deg=130, enter_deg=100, depth_deg=70,
            alternatives=(Track(_WRISTS_ABOVE_SHOULDERS, 1.0, 0.85, 0.7, 0.45, 0.25, relative=True),),
            min_rep_ms=400, max_active_ms=5000,
            checks=(
                Check(TILT, high=UPRIGHT_TILT_DEG, why="the body is not hanging upright"),
                Check(_WRISTS_ABOVE_SHOULDERS, low=0.0, phase="rest", why="the hands are not above the shoulders: not hanging from a bar"),
                Check(SHOULDER_TRAVEL, low=PULL_UP_RISE_TORSO, why="the body did not rise: a press or a pull-down, not a pull-up"),
            ),
            rest_name="hanging", active_name="chin up", view="any",
            source="elbow: a dead hang is ~170 deg, chin over the bar ~50-70 deg, enter 100 half the way. "
            "The wrists' height above the shoulders, as a share of the person's hanging value (~0.8-0.95 "
            "torso lengths on the WorkoutTracker tuning clips), falls to ~0-0.1 at the top in any view: "
            "enter 0.45 is past half the way, depth 0.25 the shoulders a quarter of the hang below the "
            "hands (chin at the bar). Checks chosen on those clips (round 3): the trunk within 55 deg of "
            "vertical *in the image* (the old estimate from the torso's foreshortening read knees tucked "
            "in front of the body as 40-45 deg of lean and rejected strict pull-ups filmed from the front); "
            "the hands above the shoulders when back (the old shoulder-angle test failed side views, "
            "111 deg); the shoulders, not the hips, must rise 0.3 torso lengths (close-ups leave the hips out of "
            "the frame: pull-up_24); min_rep 400 ms (fast sets: 384 ms from start to exit on videoplayback_1)",
        ),
        ExerciseSpec(
            name="bicep_curl", description="biceps curl, both arms or alternating", signal=JointAngle("elbow", "min"),
            rest_deg=165, start_deg=145, exit_deg=115, enter_deg=75, depth_deg=50,
            min_rep_ms=400, max_active_ms=5000,
            checks=(
                _lean(35, "not upright (standing or sitting)"),
                Check(JointAngle("shoulder", "mean"), high=60, why="the upper arms are raised: a pull-up, press or reach, not a curl"),
                *_in_place("curl", hips=True),
            ),
            rest_name="arm down", active_name="curled", view="side or front",
            source="chosen: the more bent elbow (alternating curls count each arm); arm down ~165 deg, full "
            "curl ~40-50 deg; not validated on real video",
        ),
        ExerciseSpec(
            name="shoulder_press", description="overhead (shoulder) press", signal=JointAngle("shoulder", "mean"),
            rest_deg=90, start_deg=110, exit_deg=130, enter_deg=150, depth_deg=165,
            min_rep_ms=400, max_active_ms=5000,
            checks=(
                _lean(35, "not upright (standing or sitting)"),
                Check(_ELBOW, high=STRAIGHT_ELBOW_DEG, phase="rest", why="the elbows stay straight: an arm raise or a jumping jack, not a press"),
                *_in_place("press", hips=True),
            ),
            rest_name="hands at shoulders", active_name="arms overhead", view="front",
            source="chosen: the upper arm's elevation (hip-shoulder-elbow) is ~90 deg or less with the hands at "
            "the shoulders and ~170 deg at lock-out; arms hanging (~10 deg) never pass `start`; not "
            "validated on real video",
        ),
        ExerciseSpec(
            name="lunge", description="forward, reverse or walking lunge", signal=_KNEE,
            rest_deg=170, start_deg=160, exit_deg=145, enter_deg=115, depth_deg=95,
            min_rep_ms=500, max_active_ms=4000, 
            checks=(
                _lean(45, "leaning over: not a lunge"),
                Check(HIP_HEIGHT, high=0.9, why="the hips did not go down: not a lunge"),
                Check(HAND_HEIGHT, low=0.25, why="hands at the floor: crouching, not a lunge"),
                Check(_HIP_ASYMMETRY, low=LUNGE_HIP_ASYMMETRY, why="both hips bend alike: a squat, not a lunge"),
                *_in_place("lunge", high=LUNGE_TRAVEL_TORSO),
                _lean(45, "not upright when back", "rest"),
            ),
            rest_name="standing", active_name="bottom", view="side",
            source="chosen: both knees bend to ~90 deg at the bottom (mean ~95 with the back knee), the hips "
            "drop (as for the squat); walking "
            "bends one knee at a time (mean stays >140); not validated on real video",
        ),
        ExerciseSpec(
            name="sit_up", description="sit-up (trunk raised from lying)", signal=Inclination("trunk", "horizontal"),
            rest_deg=10, start_deg=20, exit_deg=35, enter_deg=50, depth_deg=65,
            min_rep_ms=500, max_active_ms=5000,
            checks=(
                Check(HIP_RAISE, high=0.5, why="the hips are off the floor: kneeling, bending or getting up, not a sit-up", required=True),
                *_in_place("sit-up"),
            ),
            rest_name="lying", active_name="sitting up", view="side",
            source="chosen: the trunk's inclination to the horizontal, ~0-15 deg lying, 60-80 deg at the top of "
            "a full sit-up (a crunch reaches ~30); not validated on real video",
        ),
        ExerciseSpec(
            name="jumping_jack", description="jumping jack (star jump)", signal=JointAngle("shoulder", "mean"),
            rest_deg=20, start_deg=45, exit_deg=90, enter_deg=130, depth_deg=150,
            min_rep_ms=250, max_active_ms=2000,
            checks=(
                _lean(30, "not standing upright"),
                Check(_ELBOW, low=STRAIGHT_ELBOW_DEG, phase="rest", why="the elbows bend: a press, not a jumping jack"),
                *_in_place("jumping jack", hips=True),
            ),
            rest_name="arms down", active_name="arms overhead", view="front",
            source="chosen: arm elevation (hip-shoulder-elbow) ~10-30 deg with the arms down, 150-170 overhead; "
            "min_rep 250 ms allows ~2 jacks a second; not validated on real video",
        ),
        ExerciseSpec(
            name="glute_bridge", description="glute bridge (hip raise from lying)", signal=JointAngle("hip", "mean"),
            rest_deg=120, start_deg=135, exit_deg=145, enter_deg=155, depth_deg=165,
            min_rep_ms=500, max_active_ms=60000, checks=(_lean(180, "not lying", low=45), *_in_place("bridge")),
            rest_name="hips down", active_name="hips up", view="side",
            source="depth 165: shoulders, hips and knees in line; lying with knees bent is ~110-130 deg "
            "(PhysioPlus' rest pose: 100-130, raise: 155-180); holds are allowed (max_active 60 s), "
            "min_hold_ms can require one",
        ),
        ExerciseSpec(
            name="sit_to_stand", description="sit-to-stand (chair stand)",
            signal=LargerOf((JointAngle("hip", "mean"), JointAngle("knee", "mean"))),
            rest_deg=170, start_deg=160, exit_deg=150, enter_deg=120, depth_deg=100, views=("side",),
            alternatives=(Track(_HIPS_ABOVE_ANKLES, 1.0, 0.93, 0.85, 0.72, 0.62, relative=True),),
            min_rep_ms=400, max_active_ms=60000, start_active=True,
            checks=(
                *_in_place("sit-to-stand"),
                _lean(65, "leaning over: a bend, not a chair stand"),
                Check(HAND_HEIGHT, low=0.25, why="hands at the floor: crouching or picking something up, not a chair stand", required=True),
                _lean(45, "not upright when back: lying down is not standing up", "rest"),
            ),
            rest_name="standing", active_name="seated", view="side",
            source="chosen: the larger of the hip and knee angles: both are ~90-110 deg seated and ~170 "
            "standing, while bending at the hips to pick something up keeps the knees straighter; "
            "counted on reaching the stand (exit), as the chair-stand tests count; streams may begin "
            "seated; sitting may last (max_active 60 s). Round 2, for the automatic mode (URFD people "
            "crouching and bending were counted as chair stands): seated, the trunk is within 65 deg of "
            "upright (as the squat's bottom) and the hands are off the floor (above a quarter of the "
            "standing hip height: on the thighs, the chair or crossed on the chest). Round 3: the hips' height "
            "above the ankles as a share of standing (seated on a chair ~0.5-0.6: a seat is about knee high) "
            "counts chair stands filmed from the front, where the angles hardly change; not validated on real "
            "video (none with a known count). The hands must be seen off the floor when seated (required: "
            "the automatic mode counted URFD crouches, urfd_45, as chair stands with the hips' height)",
        ),
        ExerciseSpec(
            name="dip", description="dip on parallel bars or rings (bench dips too)", signal=_ELBOW,
            rest_deg=165, start_deg=150, exit_deg=135, enter_deg=110, depth_deg=90, views=("side",),
            alternatives=(Track(_SHOULDERS_ABOVE_WRISTS, 1.0, 0.9, 0.8, 0.7, 0.5, relative=True),),
            min_rep_ms=500, max_active_ms=5000,
            checks=(
                Check(TILT, high=DIP_TILT_DEG, why="the body is not upright: a push-up, not a dip"),
                Check(TILT, high=DIP_TILT_DEG, phase="rest", why="the body is not upright when back: not a dip"),
                Check(Height("shoulder", "wrist", "torso"), low=DIP_ARMS_TORSO, phase="rest", why="the arms are not straight under the shoulders: not supported on bars"),
                Check(Height("shoulder", "wrist", "torso"), high=DIP_BOTTOM_TORSO, why="the shoulders did not come down to the hands: not a dip"),
                Check(SHOULDER_DROP, low=DIP_DROP_TORSO, why="the body did not go down: the arms moved alone (a press-down), not a dip"),
                Check(HAND_TRAVEL, high=IN_PLACE_TORSO, why="the hands moved: not held on bars", required=True),
            ),
            rest_name="arms straight", active_name="bottom", view="any",
            source="written from the movement's description before any dip clip was looked at (the one "
            "WorkoutTracker dip clip is held out, round 3): arms locked ~165-180 deg at the top, upper arms "
            "parallel to the floor at the bottom (elbow ~90 deg, the usual standard), enter 110 as the "
            "push-up's; the shoulders above the hands by about an arm's length (~1.1 torso lengths) at the "
            "top and a forearm's (~0.5) at the bottom: depth 0.5 of the top, enter 0.7; the trunk within "
            "60 deg of vertical in the image (dips lean forward, a push-up is horizontal), the body drops "
            "(shoulders move >= 0.3 torso lengths; a cable press-down keeps them still), hands on the bars. "
            "Added after URFD (not held out for the dip): at the top the arms are straight under the shoulders "
            "(shoulders >= 0.6 torso lengths above the hands: people on the floor, urfd_61, Thunder), and both "
            "hands must be seen still during the repetition (a walker in the dark whose wrists flicker, "
            "urfd_45, Thunder; the feet are no test: on bars they go down with the body); min_rep 500 ms: "
            "a dip lowers the body ~25-30 cm and back, ~1 s even when fast (urfd_45's flicker: 0.40 s). After "
            "opencv_vtest (walking, the dev set): at the bottom the shoulders come down to a forearm's length "
            "above the hands (<= 0.72 torso lengths; people standing still far away, 23-px torsos, whose "
            "wrists flicker, have them at 0.7-0.9), and the shoulders go down in the picture, not just anywhere "
            "(their drop, not their travel, >= 0.3 torso lengths: the same people's shoulders wander sideways)",
        ),
    )
}


# Exercises a user defined (`spec_file`, `--exercise-file`), by name, beside the built-in ones.
_USER: dict[str, ExerciseSpec] = {}


def list_exercises() -> list[str]:
    """The names `RepCounter` and `movenet exercise --exercise` accept: the built-in exercises, then
    those registered from exercise files."""
    return [*_REGISTRY, *_USER]


def is_builtin(name: str) -> bool:
    return _key(name) in _REGISTRY


def register_exercise(spec: ExerciseSpec) -> None:
    """Add a user-defined exercise to the registry (replacing one of that name defined before);
    built-in names are refused."""
    if not isinstance(spec, ExerciseSpec):
        raise InvalidOptionError(f"register_exercise takes an ExerciseSpec, got {type(spec).__name__}")
    if is_builtin(spec.name):
        raise InvalidOptionError(f"exercise {spec.name!r} is built in; a user-defined exercise needs another name")
    _USER[_key(spec.name)] = spec


def unregister_exercises() -> None:
    """Forget every user-defined exercise."""
    _USER.clear()


def _key(name) -> str:
    return str(name).strip().lower().replace("-", "_").replace(" ", "_")


def get_exercise(name: str | ExerciseSpec) -> ExerciseSpec:
    if isinstance(name, ExerciseSpec):
        return name
    key = _key(name)
    spec = _REGISTRY.get(key) or _USER.get(key)
    if spec is None:
        raise UnknownExerciseError(f"unknown exercise {name!r}; known: {', '.join(list_exercises())}")
    return spec
