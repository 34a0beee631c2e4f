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


@dataclass(frozen=True)
class FallSettings:
    """The default method's settings (seconds, degrees, torso lengths); README "Fall detection"
    says how each was chosen."""

    confirm_s: float = 5.0
    long_lie_s: float = 60.0
    cooldown_s: float = 30.0
    min_score: float = 0.3
    max_fall_s: float = 1.2
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


class PersonFallState:
    """One person's state; `update(signals_or_None, timestamp_ms)` -> events of this frame."""

    def __init__(self, settings: FallSettings = FallSettings()) -> None:
        self.settings = settings
        self.reset()

    @property
    def long_lie_sent(self) -> bool:
        return self._long_lie_sent

    def reset(self) -> None:
        self.state = State.UPRIGHT
        self.posture: Posture | None = None
        self._hips: deque[tuple[float, float]] = deque()  # (t, hip y)
        self._incl: deque[tuple[float, float]] = deque()  # (t, inclination)
        self._torso: deque[tuple[float, float]] = deque()  # (t, torso px) of upright frames
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
        upright = inclination < cfg.up_inclination_deg and hip_drop < cfg.up_hip_drop and not wide
        lying = (inclination >= cfg.down_inclination_deg or wide) and hip_drop >= cfg.min_hip_drop
        if upright and self.state is State.UPRIGHT:  # the unit: upright frames only, kept otherwise
            _push(self._torso, (t, s.torso_px), t - cfg.reference_s * MS)
            self._unit = statistics.median(v for _, v in self._torso)
        return Posture(inclination, hip_drop, upright, lying, wide)

    # -- the machine ---------------------------------------------------------------------------
    def update(self, signals: FrameSignals | None, timestamp_ms: float) -> list[FallEvent]:
        t = float(timestamp_ms)
        if signals is None:
            self.posture = None
            return self._unseen(t)
        cfg = self.settings
        p = self.posture = self._posture(signals, t)
        # Getting up: while down, the trunk upright again or the hips back up; after a fall, both.
        trunk_up = p.inclination_deg < cfg.up_inclination_deg and not p.wide
        rising = (trunk_up and p.hip_drop < cfg.floor_hip_drop) or p.hip_drop < cfg.up_hip_drop
        standing = p.inclination_deg < cfg.up_inclination_deg and p.hip_drop <= cfg.stand_hip_drop and not p.wide
        if not (standing if self.state is State.FALLEN else rising):
            self._up_since = math.nan
        elif math.isnan(self._up_since):
            self._up_since = t
        got_up = not math.isnan(self._up_since) and t - self._up_since >= cfg.get_up_s * MS

        if self.state in (State.UPRIGHT, State.FALLING):
            if p.upright:
                self.state, self._last_up_ms = State.UPRIGHT, t
                self._top_hip_y = min(y for _, y in self._hips)
            elif p.lying and t - self._last_up_ms <= cfg.max_fall_s * MS:
                self.state, self._start_ms, self._down_ms = State.DOWN, self._last_up_ms, t
                self._up_since = math.nan
                self._seen = self._lying = 0
                self._reason = {
                    "fall_s": round((t - self._last_up_ms) / MS, 3),
                    "inclination_deg": round(p.inclination_deg, 1),
                    "hip_drop_torso_lengths": round(p.hip_drop, 3),
                }
            elif t - self._last_up_ms <= cfg.max_fall_s * MS:
                self.state = State.FALLING
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

    def _unseen(self, t: float) -> list[FallEvent]:
        """No pose this frame: timers run on, a person down counts as still down."""
        self._up_since = math.nan
        if self.state is State.FALLING and t - self._last_up_ms > self.settings.max_fall_s * MS:
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

    def _long_lie(self, t: float) -> list[FallEvent]:
        if self._long_lie_sent or t - self._down_ms < self.settings.long_lie_s * MS:
            return []
        self._long_lie_sent = True
        return [FallEvent("long_lie", None, self._start_ms, t, 1.0, {"down_ms": self._down_ms, "down_s": round((t - self._down_ms) / MS, 3)})]


def _expire(queue: deque, horizon: float) -> None:
    while queue and queue[0][0] < horizon:
        queue.popleft()


def _push(queue: deque, item: tuple[float, float], horizon: float) -> None:
    queue.append(item)
    _expire(queue, horizon)
