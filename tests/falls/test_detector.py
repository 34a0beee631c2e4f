"""FallDetector: methods, settings, timestamps, people coming and going."""

from __future__ import annotations

import itertools

import pytest

from movenet import InvalidInputError, InvalidOptionError
from movenet.falls import FallDetector, State, get_method, list_methods
from movenet.falls.synthetic import SCENARIOS, STAND, body_pose, frames, scenario


def test_methods_registry_lists_valid_names():
    assert list_methods() == ["default", "learned", "ambianic"]
    assert get_method("ambianic").per_person is False
    with pytest.raises(InvalidOptionError, match="unknown fall method 'fancy'; known: default, learned, ambianic"):
        FallDetector("fancy")


def test_settings_are_checked_and_named():
    assert FallDetector(confirm_s=5).settings.confirm_s == 5.0
    assert FallDetector("ambianic", threshold=0.11).settings.threshold == 0.11
    with pytest.raises(InvalidOptionError, match="method 'default' has no setting 'threshold'; its settings: confirm_s"):
        FallDetector(threshold=0.1)
    with pytest.raises(InvalidOptionError, match="confirm_s must be a number >= 0"):
        FallDetector(confirm_s=-1)
    with pytest.raises(InvalidOptionError, match="must be a number"):
        FallDetector(confirm_s="3")


def test_timestamps_must_increase():
    detector = FallDetector()
    detector.update([], 0.0)
    with pytest.raises(InvalidInputError, match="timestamps must increase: got 0.0 ms after 0.0 ms"):
        detector.update([], 0.0)
    with pytest.raises(InvalidInputError, match="number of milliseconds"):
        detector.update([], "1")
    detector.reset()
    assert detector.update([], 0.0) == []


def test_people_not_seen_are_forgotten_unless_down():
    detector = FallDetector(forget_s=1.0)
    detector.update([body_pose(STAND, 1), body_pose(STAND, 2)], 0.0)
    for t, poses in frames(scenario("fall"), track_id=1)[1:60]:
        detector.update(poses, t)
    assert detector.states() == {1: State.DOWN}  # 2 left 2.4 s ago
    t = frames(scenario("fall"))[59][0]
    events = []
    for k in range(1, 150):  # 1 is lost by the tracker while down: kept, and confirmed
        events += detector.update([], t + 40.0 * k)
    assert [(e.event, e.track_id) for e in events] == [("fall", 1)]


def _new_id_after(lost_ms: tuple[float, float], new_id: int = 2):
    """A fall and getting up 7 s later (track 1), the person lost by the tracker for `lost_ms`
    and seen again under `new_id`; then an empty room for 70 s. The events, (event, track id)."""
    from dataclasses import replace

    from movenet.falls.synthetic import fall, get_up

    out = []
    for t, poses in frames(get_up(fall(lie_ms=7000.0)), track_id=1):
        if lost_ms[0] <= t < lost_ms[1]:
            poses = []
        elif t >= lost_ms[1]:
            poses = [replace(p, id=new_id) for p in poses]
        out.append((t, poses))
    out += [(out[-1][0] + 40.0 * k, []) for k in range(1, 1750)]
    detector = FallDetector()
    events = [e for t, poses in out for e in detector.update(poses, t)]
    return [(e.event, e.track_id) for e in events]


def test_a_person_found_again_under_a_new_id_where_they_went_down_keeps_their_state():
    """MultiPose's tracker forgets a person after 1 s unseen: found again lying where they went
    down (2 s later, new id 2), they are the fallen person 1, whose getting up is then seen. Without
    it, person 1 stayed down unseen and a long lie was sent a minute after they had got up."""
    assert _new_id_after((4000.0, 6000.0)) == [("fall", 1), ("recovered", 1)]
    # first seen again already standing (lost until then): not taken for them (it could be a
    # helper walking in), so the long lie still comes: a false alarm rather than a missed one
    assert _new_id_after((4000.0, 9500.0)) == [("fall", 1), ("long_lie", 1)]


def test_duplicate_ids_use_the_first_pose():
    detector = FallDetector()
    one = frames(scenario("fall"), track_id=3)
    other = frames(scenario("sit_down"), track_id=3)
    events = []
    for (t, a), (_, b) in zip(one, other):
        events += detector.update(a + b, t)
    assert [e.event for e in events] == ["fall"]


def test_ambianic_looks_at_the_first_pose_only_and_skips_frames():
    detector = FallDetector("ambianic")
    falling, sitting = frames(scenario("fall")), frames(scenario("sit_down"))
    wanted = 0
    for (t, a), (_, b) in zip(falling, sitting):
        wanted += detector.due(t)
        detector.update(b + a, t)  # the sitting person first: theirs never sees the fall
    assert wanted == 7  # 0, 1, ..., 6 s: one frame a second
    assert FallDetector().due(0.0) is True


def test_scenarios_are_plain_pose_sequences():
    for name in SCENARIOS:
        seq = frames(scenario(name))
        assert all(b[0] - a[0] == pytest.approx(40.0) for a, b in itertools.pairwise(seq)), name
