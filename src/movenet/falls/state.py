"""The per-person fall state machine of the default method.

    UPRIGHT --leaves upright--> FALLING --lying within max_fall_s--> DOWN --down confirm_s--> FALLEN
       ^                           |                                   |                        |
       +--- not lying in time -----+------------- gets up -------------+    still down after long_lie_s:
       |                                                                    long_lie event
       +--------------------------------- stood up again: recovered event -------------------+

Per frame, from the person's own signals (`movenet.falls.signals`), with lengths in torso lengths
(the median hip-to-shoulder length of the person's upright frames of the last `reference_s`, kept
while they are down), so nothing depends on the distance to the camera:
- **upright**: trunk inclination (median of the last `smooth_s`) under `up_inclination_deg`, the
  hips less than `up_hip_drop` under their highest point of the last `reference_s`, and the box of
  the keypoints not wide: standing, walking, or sitting up straight.
- **lying**: the hips at least `min_hip_drop` under that highest point, and the trunk inclined at
  least `down_inclination_deg` or the box of the keypoints `lying_aspect` times wider than high
  (lying diagonally, or with a badly seen trunk). Bending over tips the trunk but leaves the hips
  up.
- **a fall** is the fast transition: lying at most `max_fall_s` after the last upright frame.
  Lying down on purpose takes longer, through kneeling, crouching or sitting (hips down first,
  trunk upright), and does not count.
- **confirmation**: the event only when the person is still down `confirm_s` after first lying,
  without having got up in between (for `get_up_s`: the trunk upright, box not wide, with the hips
  above floor level, less than `floor_hip_drop` down; or the hips back within `up_hip_drop`):
  separates a fall from bending, squatting or a stumble; sitting up on the floor is still down.
  Frames without a pose count as still down (MoveNet often loses people lying on the floor).
- **long lie**: still down `long_lie_s` after first lying: a second event, once.
- **recovered**: after a fall, the trunk upright (box not wide) with the hips back within
  `stand_hip_drop` of their height before the fall, for `get_up_s`.
- **cooldown**: no second fall event for the same person within `cooldown_s` of the last one.

View-independent evidence (on unless `view_independent` is 0), for cameras that see the fall along
the line of sight, close cameras and people lost on the floor:
- **collapsed** counts as lying: the body's height in the image (top to bottom of the keypoints
  seen) at most `collapse_down` of the person's own upright height (median of the upright frames
  of the last `reference_s`), with the hips within `floor_hip_frac` of their standing height above
  the **floor line** (where the feet stood while upright; without ankles seen,
  `FLOOR_TORSO_LENGTHS` under the hips) and at least `min_hip_drop` down. A person falling toward
  or away from the camera ends up short in the image with the hips on the floor line, although the
  trunk still looks upright (foreshortened) and the box is not wide; sitting on a chair keeps the
  hips about half their standing height up, a squat keeps more than half the height.
  The trunk must also look foreshortened (its length in the image at most `foreshortened` of the
  upright length: tilted at least ~40 degrees out of the image plane), which a crouch or a low
  sofa does not give, and the descent must be fast: the hip drop over the time since the last
  upright frame at least `min_descent_speed` torso lengths a second (a fall covers the ~1.7 torso
  lengths to the floor in 0.6-0.8 s, FALLS.md: over 2 a second; lowering oneself on purpose is
  slower).
- a collapsed body is never upright (it never becomes the reference), and after a fall seen by
  this evidence getting up needs the height back to `collapse_up` of the upright height or the
  trunk back to more than `foreshortened` of its length: lying along the line of sight, the
  trunk still looks upright.
- **lost during the descent**: a person no longer seen while falling, after the hips had dropped
  `lost_hip_drop` torso lengths at `min_descent_speed` or faster with the body shrinking (under
  `collapse_up` of its height), last seen low in the frame or at its edge (`EDGE_BOTTOM`,
  `EDGE_SIDE`; needs the frame size, `FallDetector.update(..., frame_size=)`), counts as down from
  the last frame they were seen (a person landing below the frame's bottom edge); walking out of
  the frame keeps the body's height, a person walking toward the camera grows, sitting down is
  slower, and a person lost in the middle of the view (a dark sofa) is not taken for down.
- **someone else**: while a person is down, a pose whose hips are more than `down_radius` torso
  lengths from where they went down is not them (a single-pose model that jumps to another person
  in the room, seated upright: it would read as getting up); it counts as a frame without a pose.
  Getting up happens where one lay: the hips rise within about a body length of it.
- **falls from furniture**: without an upright frame in the last `max_fall_s` (the person was
  lying on a bed or sitting low), the hips dropping at least `furniture_drop` torso lengths within
  `max_fall_s` into lying is a fall too.
"""

from __future__ import annotations

import enum
import math
import statistics
from collections import deque
from dataclasses import dataclass

from movenet.falls.events import FallEvent
from movenet.falls.signals import FrameSignals

MS = 1000.0
# An adult's hips stand about 1.7 torso lengths above the floor (hip height ~0.53 of the stature,
# hip-to-shoulder ~0.30 of it: Drillis and Contini's segment proportions): the floor line under
# the hips when no ankle is seen.
FLOOR_TORSO_LENGTHS = 1.7
# "Low in the frame or at its edge": the body last seen reaching the frame's bottom tenth, or within
# 5 % of its left or right side (a person landing partly out of the view).
EDGE_BOTTOM, EDGE_SIDE = 0.9, 0.05


@dataclass(frozen=True)
class FallSettings:
    """The default method's settings (seconds, degrees, torso lengths); README "Fall detection"
    says how each was chosen."""

    confirm_s: float = 5.0
    long_lie_s: float = 60.0
    cooldown_s: float = 30.0
    min_score: float = 0.3
    max_fall_s: float = 1.3
    down_inclination_deg: float = 60.0
    lying_aspect: float = 1.5
    min_hip_drop: float = 0.4
    up_inclination_deg: float = 40.0
    up_hip_drop: float = 0.3
    get_up_s: float = 0.3
    stand_hip_drop: float = 0.5
    floor_hip_drop: float = 1.6
    reference_s: float = 3.0
    smooth_s: float = 0.15
    collapse_down: float = 0.5
    collapse_up: float = 0.7
    floor_hip_frac: float = 0.4
    lost_hip_drop: float = 0.6
    furniture_drop: float = 0.0  # 0: off (see the docs: 5 false alarms on the dev clips, no fall needs it)
    foreshortened: float = 0.75
    down_radius: float = 2.0
    min_descent_speed: float = 1.5
    view_independent: float = 1.0  # 0: the rules before the view-independent evidence (comparisons)


class State(enum.Enum):
    UPRIGHT = "upright"
    FALLING = "falling"
    DOWN = "down"
    FALLEN = "fallen"


@dataclass(frozen=True)
class Posture:
    """One frame's posture of one person, in the person's own units."""

    inclination_deg: float  # smoothed trunk inclination
    hip_drop: float  # torso lengths under the recent highest hip position
    upright: bool
    lying: bool
    wide: bool  # the box of the keypoints at least lying_aspect times wider than high
    collapse: float = math.nan  # body height in the image / the person's upright height
    hip_floor: float = math.nan  # hip height above the floor line / standing hip height
    collapsed: bool = False  # short in the image with the hips near the floor line (lying counts it)
    trunk_ratio: float = math.nan  # trunk length in the image / the upright trunk length (unit)
    lying_shape: bool = False  # lying by the trunk or the box (the rules before the view-independent evidence)
    aspect: float = math.nan  # the box's width / height


class PersonFallState:
    """One person's state; `update(signals_or_None, timestamp_ms)` -> events of this frame."""

    def __init__(self, settings: FallSettings = FallSettings()) -> None:
        self.settings = settings
        self.reset()

    @property
    def long_lie_sent(self) -> bool:
        return self._long_lie_sent

    def found_again(self, signals: FrameSignals) -> bool:
        """Whether a pose first seen under a new track id is this person, found again where they
        went down: they are down and not being seen, and the pose lies (trunk at least
        `down_inclination_deg` from upright, or a box `lying_aspect` times wider than high) with
        its hips within `down_radius` torso lengths of where they went down. Someone arriving to
        help walks in upright and is not taken for them."""
        cfg = self.settings
        lying = signals.inclination_deg >= cfg.down_inclination_deg or signals.aspect >= cfg.lying_aspect
        near = math.hypot(signals.hip_x - self._down_xy[0], signals.hip_y - self._down_xy[1]) <= cfg.down_radius * self._unit
        return self.state in (State.DOWN, State.FALLEN) and self.posture is None and self._unit > 0 and lying and near

    def reset(self) -> None:
        self.state = State.UPRIGHT
        self.posture: Posture | None = None
        self._hips: deque[tuple[float, float]] = deque()  # (t, hip y)
        self._incl: deque[tuple[float, float]] = deque()  # (t, inclination)
        self._torso: deque[tuple[float, float]] = deque()  # (t, torso px) of upright frames
        self._ref: deque[tuple[float, float, float, float]] = deque()  # (t, height, foot y, hip y) of upright frames
        self._height = self._floor_y = self._stand_hip_y = math.nan
        self._fall_drop = 0.0  # largest hip drop since the last upright frame
        self._by_collapse = False  # down by the view-independent evidence (collapsed, lost)
        self._last_seen_ms = math.nan
        self._last_collapse = self._last_hip_floor = math.nan
        self._at_edge = False  # last seen low in the frame or at its side (frame size known)
        self._down_xy = (math.nan, math.nan)  # hips where the person went down (last seen before)
        self._shape: deque[tuple[float, float, bool]] = deque()  # (t, hip y, lying-shaped) of the last max_fall_s
        self._unit = math.nan
        self._last_up_ms = math.nan
        self._top_hip_y = math.nan  # highest hip position before the fall
        self._start_ms = self._down_ms = math.nan
        self._up_since = math.nan
        self._last_fall_ms = -math.inf
        self._long_lie_sent = False
        self._seen = self._lying = 0
        self._reason: dict = {}

    # -- posture from the recent history -------------------------------------------------------
    def _posture(self, s: FrameSignals, t: float) -> Posture:
        cfg = self.settings
        _push(self._incl, (t, s.inclination_deg), t - cfg.smooth_s * MS)
        inclination = statistics.median(v for _, v in self._incl)
        _push(self._hips, (t, s.hip_y), t - cfg.reference_s * MS)
        if math.isnan(self._unit):
            self._unit = s.torso_px  # not seen upright yet: the best there is
        top = self._top_hip_y if self.state in (State.DOWN, State.FALLEN) else min(y for _, y in self._hips)
        hip_drop = (s.hip_y - top) / self._unit if self._unit > 0 else 0.0
        wide = s.aspect >= cfg.lying_aspect
        height = s.box_bottom - s.box_top
        collapse = height / self._height if self._height > 0 else math.nan
        standing_hip = self._floor_y - self._stand_hip_y
        hip_floor = (self._floor_y - s.hip_y) / standing_hip if standing_hip > 0 else math.nan
        view = cfg.view_independent > 0
        trunk_ratio = s.torso_px / self._unit if self._unit > 0 else math.nan
        collapsed = (view and collapse <= cfg.collapse_down and hip_floor <= cfg.floor_hip_frac
                     and hip_drop >= cfg.min_hip_drop and trunk_ratio <= cfg.foreshortened)
        upright = inclination < cfg.up_inclination_deg and hip_drop < cfg.up_hip_drop and not wide
        upright = upright and not (view and collapse <= cfg.collapse_down)
        lying_shape = (inclination >= cfg.down_inclination_deg or wide) and hip_drop >= cfg.min_hip_drop
        lying = lying_shape or collapsed
        if upright and self.state is State.UPRIGHT:  # the references: upright frames only, kept otherwise
            _push(self._torso, (t, s.torso_px), t - cfg.reference_s * MS)
            self._unit = statistics.median(v for _, v in self._torso)
            _push(self._ref, (t, height, s.foot_y, s.hip_y), t - cfg.reference_s * MS)
            self._height = statistics.median(h for _, h, _, _ in self._ref)
            self._stand_hip_y = statistics.median(y for _, _, _, y in self._ref)
            feet = [f for _, _, f, _ in self._ref if not math.isnan(f)]
            self._floor_y = statistics.median(feet) if feet else self._stand_hip_y + FLOOR_TORSO_LENGTHS * self._unit
        return Posture(inclination, hip_drop, upright, lying, wide, collapse, hip_floor, collapsed, trunk_ratio,
                       lying_shape, s.aspect)

    def _recent_drop(self, hip_y: float) -> float:
        """How far (torso lengths) the hips are under their highest lying-shaped position of the last
        max_fall_s (lying on a bed, then on the floor)."""
        recent = [y for _, y, lying in self._shape if lying]
        return (hip_y - min(recent)) / self._unit if recent and self._unit > 0 else 0.0

    # -- the machine ---------------------------------------------------------------------------
    def update(self, signals: FrameSignals | None, timestamp_ms: float,
               frame_size: tuple[float, float] | None = None) -> list[FallEvent]:
        """`frame_size` (width, height): where the frame's edges are, for a person lost at an edge."""
        t = float(timestamp_ms)
        if (signals is not None and self.settings.down_radius > 0 and self.state in (State.DOWN, State.FALLEN)
                and self._unit > 0 and math.hypot(signals.hip_x - self._down_xy[0], signals.hip_y - self._down_xy[1])
                > self.settings.down_radius * self._unit):
            signals = None  # far from where the person went down: someone else (a single-pose model switching)
        if signals is not None:
            self._at_edge = at_edge(signals, frame_size)
            if self.state not in (State.DOWN, State.FALLEN):
                self._down_xy = (signals.hip_x, signals.hip_y)
        if signals is None:
            self.posture = None
            return self._unseen(t)
        cfg = self.settings
        p = self.posture = self._posture(signals, t)
        # Getting up: while down, the trunk upright again or the hips back up; after a fall, both.
        # With the view-independent evidence, the body's height must come back too.
        tall = not (self._by_collapse and p.collapse < cfg.collapse_up and p.trunk_ratio <= cfg.foreshortened)
        trunk_up = p.inclination_deg < cfg.up_inclination_deg and not p.wide and tall
        rising = (trunk_up and p.hip_drop < cfg.floor_hip_drop) or (p.hip_drop < cfg.up_hip_drop and tall)
        standing = p.inclination_deg < cfg.up_inclination_deg and p.hip_drop <= cfg.stand_hip_drop and not p.wide and tall
        if not (standing if self.state is State.FALLEN else rising):
            self._up_since = math.nan
        elif math.isnan(self._up_since):
            self._up_since = t
        got_up = not math.isnan(self._up_since) and t - self._up_since >= cfg.get_up_s * MS

        self._last_seen_ms, self._last_collapse, self._last_hip_floor = t, p.collapse, p.hip_floor
        _push(self._shape, (t, signals.hip_y, p.inclination_deg >= cfg.down_inclination_deg or p.wide),
              t - cfg.max_fall_s * MS)
        if self.state in (State.UPRIGHT, State.FALLING):
            fast = t - self._last_up_ms <= cfg.max_fall_s * MS
            furniture = (not fast and cfg.view_independent > 0 and cfg.furniture_drop > 0 and p.lying
                         and self._recent_drop(signals.hip_y) >= cfg.furniture_drop)
            if p.upright:
                self.state, self._last_up_ms = State.UPRIGHT, t
                self._top_hip_y = min(y for _, y in self._hips)
                self._fall_drop = 0.0
            elif self._falls(p, signals, t, fast, furniture):
                start = self._last_up_ms if fast else self._descent_start(t)
                self._go_down(start, t, {
                    "fall_s": round((t - start) / MS, 3),
                    "inclination_deg": round(p.inclination_deg, 1),
                    "hip_drop_torso_lengths": round(p.hip_drop, 3),
                    **({"collapse": round(p.collapse, 3)} if not math.isnan(p.collapse) else {}),
                    **({"hip_floor": round(p.hip_floor, 3)} if not math.isnan(p.hip_floor) else {}),
                    "trunk_ratio": round(p.trunk_ratio, 3),
                    "descent_speed": round(p.hip_drop / max(t - start, 1.0) * MS, 3),
                    "evidence": "lying" if p.lying_shape else "collapsed",
                    **({"from": "furniture"} if not fast else {}),
                })
            elif fast:
                self.state = State.FALLING
                self._fall_drop = max(self._fall_drop, p.hip_drop)
            else:
                self.state = State.UPRIGHT  # left upright slowly: not a fall
        events: list[FallEvent] = []
        if self.state is State.DOWN:
            self._seen += 1
            self._lying += p.lying
            if got_up:
                self.state = State.UPRIGHT
            else:
                events.extend(self._confirm(t))
                if events:
                    self._up_since = math.nan
        elif self.state is State.FALLEN:
            if got_up:
                self.state, self._last_up_ms = State.UPRIGHT, t
                events.append(FallEvent("recovered", None, self._up_since, t, 1.0, {"fall_start_ms": self._start_ms}))
            else:
                events.extend(self._long_lie(t))
        return events

    def _falls(self, p: Posture, signals: FrameSignals, t: float, fast: bool, furniture: bool) -> bool:
        """Whether this frame ends a fall (the person is now down after a fast descent): the rules
        above; the learned method (`movenet.falls.learned`) replaces this test."""
        return p.lying and (fast or furniture) and (
            p.lying_shape or p.hip_drop / max(t - self._last_up_ms, 1.0) * MS >= self.settings.min_descent_speed)

    def _go_down(self, start_ms: float, down_ms: float, reason: dict) -> None:
        self.state, self._start_ms, self._down_ms = State.DOWN, start_ms, down_ms
        self._by_collapse = reason.get("evidence") != "lying"  # then getting up needs the height back
        self._up_since = math.nan
        self._seen = self._lying = 0
        self._reason = reason

    def _descent_start(self, t: float) -> float:
        """When the hips were last at their highest point of the last max_fall_s (a fall from furniture)."""
        recent = [(y, -ts) for ts, y, lying in self._shape if lying]
        if not recent:
            return t
        y, ts = min(recent)  # the highest position, its latest frame
        self._top_hip_y = y
        return -ts

    def _unseen(self, t: float) -> list[FallEvent]:
        """No pose this frame: timers run on, a person down counts as still down; a person lost while
        falling, after a drop with the body shrinking, is down from the last frame they were seen."""
        cfg = self.settings
        self._up_since = math.nan
        if (self.state is State.FALLING and cfg.view_independent > 0 and self._fall_drop >= cfg.lost_hip_drop
                and self._last_collapse < cfg.collapse_up and self._at_edge
                and self._fall_drop / max(self._last_seen_ms - self._last_up_ms, 1.0) * MS >= cfg.min_descent_speed):
            self._go_down(self._last_up_ms, self._last_seen_ms, {
                "fall_s": round((self._last_seen_ms - self._last_up_ms) / MS, 3),
                "hip_drop_torso_lengths": round(self._fall_drop, 3), "evidence": "lost during the descent",
                "collapse": round(self._last_collapse, 3), "hip_floor": round(self._last_hip_floor, 3),
                "descent_speed": round(self._fall_drop / max(self._last_seen_ms - self._last_up_ms, 1.0) * MS, 3),
            })
            return self._confirm(t)
        if self.state is State.FALLING and t - self._last_up_ms > cfg.max_fall_s * MS:
            self.state = State.UPRIGHT
        elif self.state is State.DOWN:
            return self._confirm(t)
        elif self.state is State.FALLEN:
            return self._long_lie(t)
        return []

    def _confirm(self, t: float) -> list[FallEvent]:
        cfg = self.settings
        if t - self._down_ms < cfg.confirm_s * MS or t - self._last_fall_ms < cfg.cooldown_s * MS:
            return []
        self.state, self._last_fall_ms, self._long_lie_sent = State.FALLEN, t, False
        confidence = self._lying / self._seen if self._seen else 0.0
        reason = {**self._reason, "down_ms": self._down_ms, "lying_frames": self._lying, "seen_frames": self._seen}
        return [FallEvent("fall", None, self._start_ms, t, confidence, reason)]

    def down_since_ms(self) -> float | None:
        """When the person was first seen down (DOWN or FALLEN), or None."""
        return self._down_ms if self.state in (State.DOWN, State.FALLEN) else None

    def finish(self, t: float) -> list[FallEvent]:
        """End of the stream (a recorded video's last frame): a person still down gets a
        `down_at_end` event, marked confirmed or not (DOWN: the confirmation time had not passed
        yet; FALLEN: the fall event was sent), with how long they had been down."""
        if self.state not in (State.DOWN, State.FALLEN):
            return []
        confirmed = self.state is State.FALLEN
        confidence = self._lying / self._seen if self._seen else 0.0
        reason = {**self._reason, "down_ms": self._down_ms, "down_s": round((t - self._down_ms) / MS, 3),
                  "fall_confirmed": confirmed, "confirm_s": self.settings.confirm_s}
        return [FallEvent("down_at_end", None, self._start_ms, t, 1.0 if confirmed else confidence, reason)]

    def _long_lie(self, t: float) -> list[FallEvent]:
        if self._long_lie_sent or t - self._down_ms < self.settings.long_lie_s * MS:
            return []
        self._long_lie_sent = True
        return [FallEvent("long_lie", None, self._start_ms, t, 1.0, {"down_ms": self._down_ms, "down_s": round((t - self._down_ms) / MS, 3)})]


def at_edge(s: FrameSignals, frame_size: tuple[float, float] | None) -> bool:
    """Whether the keypoints seen reach the frame's bottom tenth or its sides (False: size unknown)."""
    if not frame_size:
        return False
    width, height = frame_size
    return s.box_bottom >= EDGE_BOTTOM * height or s.box_left <= EDGE_SIDE * width or s.box_right >= (1 - EDGE_SIDE) * width


def _expire(queue: deque, horizon: float) -> None:
    while queue and queue[0][0] < horizon:
        queue.popleft()


def _push(queue: deque, item: tuple[float, float], horizon: float) -> None:
    queue.append(item)
    _expire(queue, horizon)
