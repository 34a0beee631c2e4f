"""Chair-stand tests, on the `sit_to_stand` counter (a stand is counted when the person reaches
standing: the larger of the hip and knee angles back past 150 degrees, see `specs`).

- **30-second chair stand** (Jones, Rikli & Beam 1999, Res Q Exerc Sport 70(2):113-119): the
  number of full stands from a seated position in 30 s; a stand more than halfway up when the
  30 s end counts as a full stand.
- **Five-times sit-to-stand** (Csuka & McCarty 1985, Am J Med 78(1):77-81; timed as in the Short
  Physical Performance Battery, Guralnik et al. 1994, J Gerontol 49(2):M85-94: from the seated
  start to the full stand at the end of the fifth rise): the seconds to complete five stands.
The clock starts when the person first rises from the seat (the signal leaves the seated level,
`enter`), or at `start_ms` when given; a video may hold a lead-in before that. Keypoints cannot
see the arms-crossed rule; the tests assume it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from movenet.exercise.counter import ACTIVE, RepCounter
from movenet.exercise.repetition import Repetition

CST_SECONDS = 30.0
FIVE = 5


@dataclass(frozen=True)
class ChairStandReport:
    test: str  # "30s-chair-stand" or "five-times-sit-to-stand"
    start_ms: float | None  # when the clock started (None: the person never rose)
    stands: tuple[Repetition, ...]  # the stands within the test
    count: int  # 30-s test: stands, incl. a last one more than halfway up
    time_s: float | None  # five-times test: seconds to the fifth stand (None: fewer than five)
    note: str

    def to_dict(self) -> dict:
        return {
            "test": self.test, "start_ms": None if self.start_ms is None else round(self.start_ms, 1),
            "count": self.count, "time_s": None if self.time_s is None else round(self.time_s, 2),
            "stands_end_ms": [round(r.end_ms, 1) for r in self.stands], "note": self.note,
        }


class ChairStands:
    """Frame by frame (`update(pose, t)`), then `thirty_second()` or `five_times()`."""

    def __init__(self, start_ms: float | None = None, seconds: float = CST_SECONDS, **options) -> None:
        # the clinical tests count full stands on the hip and knee angles alone (their definition:
        # standing fully up); the sit_to_stand exercise also counts on the hips' height (front views)
        self.counter = RepCounter("sit_to_stand", **{"alternatives": (), **options})
        self.start_ms = start_ms
        self.seconds = seconds
        self.rose_ms: float | None = None
        self._was_seated = False
        self._finished = False
        self._last: tuple[float, str, float] | None = None  # (t, phase, value) of the last frame seen
        self._at_30s: tuple[str, float] | None = None  # (phase, value) at the last frame <= 30 s

    def update(self, pose, timestamp_ms: float) -> None:
        t = float(timestamp_ms)
        state = self.counter.update(pose, t)
        spec = self.counter.spec
        if not math.isnan(state.value):
            seated = state.value <= spec.enter_deg
            if self.rose_ms is None and self._was_seated and not seated and (self.start_ms is None or t >= self.start_ms):
                self.rose_ms = t
            self._was_seated = seated or (self._was_seated and state.value < spec.exit_deg)
            clock = self.clock_ms
            if clock is None or t <= clock + self.seconds * 1000.0:
                self._at_30s = (state.phase, state.value)
        self._last = (t, state.phase, state.value)

    @property
    def clock_ms(self) -> float | None:
        return self.start_ms if self.start_ms is not None else self.rose_ms

    def _finish(self) -> None:
        if not self._finished:
            self.counter.finish()
            self._finished = True

    def thirty_second(self) -> ChairStandReport:
        """The 30-s chair stand (call at the end of the stream)."""
        self._finish()
        seconds = self.seconds
        t0 = self.clock_ms
        if t0 is None:
            return ChairStandReport("30s-chair-stand", None, (), 0, None, "the person was never seen rising from a seat")
        end = t0 + seconds * 1000.0
        stands = tuple(r for r in self.counter.repetitions if t0 <= r.end_ms <= end)
        count, notes = len(stands), []
        spec = self.counter.spec
        halfway = (spec.enter_deg + spec.exit_deg) / 2.0
        if self._last is not None and self._last[0] >= end and self._at_30s is not None:
            phase, value = self._at_30s
            if phase == ACTIVE and value >= halfway:
                count += 1
                notes.append("the last stand was more than halfway up at the end of the 30 s: counted (Jones et al. 1999)")
        if self._last is not None and self._last[0] < end:
            notes.append(f"the video ends {(end - self._last[0]) / 1000:.1f} s before the {seconds:g} s were over")
        return ChairStandReport("30s-chair-stand", t0, stands, count, None, "; ".join(notes))

    def five_times(self) -> ChairStandReport:
        """The five-times sit-to-stand (call at the end of the stream)."""
        self._finish()
        t0 = self.clock_ms
        if t0 is None:
            return ChairStandReport("five-times-sit-to-stand", None, (), 0, None, "the person was never seen rising from a seat")
        stands = tuple(r for r in self.counter.repetitions if r.end_ms >= t0)[:FIVE]
        if len(stands) < FIVE:
            return ChairStandReport("five-times-sit-to-stand", t0, stands, len(stands), None, f"only {len(stands)} stands: the test needs {FIVE}")
        return ChairStandReport("five-times-sit-to-stand", t0, stands, FIVE, (stands[-1].end_ms - t0) / 1000.0, "")


def chair_stand_30s(frames: Iterable[tuple[float, object]], *, start_ms: float | None = None, seconds: float = CST_SECONDS, **options) -> ChairStandReport:
    """30-s chair stand over (timestamp_ms, pose or None) frames of one person."""
    test = ChairStands(start_ms, seconds, **options)
    for t, pose in frames:
        test.update(pose, t)
    return test.thirty_second()


def five_times_sit_to_stand(frames: Iterable[tuple[float, object]], *, start_ms: float | None = None, **options) -> ChairStandReport:
    """Five-times sit-to-stand time over (timestamp_ms, pose or None) frames of one person."""
    test = ChairStands(start_ms, **options)
    for t, pose in frames:
        test.update(pose, t)
    return test.five_times()
