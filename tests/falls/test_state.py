"""The default method's state machine on the shipped synthetic sequences, checked exactly.

Synthetic frames every 40 ms (movenet.falls.synthetic). The fall: standing until 1000 ms, then in
15 frames (k = 0..14, t = 1000 + 40 k) the trunk tips 6 degrees a frame and the hips drop 1.6/15
torso lengths a frame, lying from 1600 ms. The smoothed inclination is the median of the frames of
the last 150 ms (4 frames: k-3..k), 6 k - 9 degrees. Last upright frame: 6 k - 9 < 40 and hip drop
1.6 k / 15 < 0.3 -> k = 2, 1080 ms. First lying frame: 6 k - 9 >= 60 (hip drop 1.28 >= 0.4) ->
k = 12, 1480 ms, 400 ms after upright (<= max_fall_s 1.2 s). Confirmed 3 s later: 4480 ms.
"""

from __future__ import annotations

import pytest

from movenet.falls import FallDetector, FallSettings, State, detect_falls
from movenet.falls.signals import frame_signals
from movenet.falls.state import PersonFallState
from movenet.falls.synthetic import SCENARIOS, fall, frames, get_up, scenario

FALL_START_MS, DOWN_MS = 1080.0, 1480.0


def events_of(name_or_bodies, **settings):
    bodies = scenario(name_or_bodies) if isinstance(name_or_bodies, str) else name_or_bodies
    return [(e.event, e.start_ms, e.confirmed_ms) for e in detect_falls(frames(bodies), **settings)]


def test_fall_is_one_event_confirmed_after_the_confirmation_time():
    events = detect_falls(frames(scenario("fall")))
    assert [(e.event, e.track_id, e.start_ms, e.confirmed_ms) for e in events] == [("fall", None, FALL_START_MS, DOWN_MS + 3000.0)]
    reason = events[0].reason
    assert reason["fall_s"] == 0.4 and reason["down_ms"] == DOWN_MS
    assert reason["inclination_deg"] == 63.0  # 6 * 12 - 9
    assert reason["hip_drop_torso_lengths"] == pytest.approx(1.28)
    assert events[0].confidence == 1.0  # lying in every frame since


@pytest.mark.parametrize("confirm_s", [1.0, 5.0])
def test_confirmation_time_is_a_setting(confirm_s):
    assert events_of("fall", confirm_s=confirm_s) == [("fall", FALL_START_MS, DOWN_MS + confirm_s * 1000.0)]


@pytest.mark.parametrize("name", ["bend_over", "sit_down", "lie_down_slowly", "stumble"])
def test_no_event_for_everyday_movements(name):
    assert events_of(name) == []


def test_bending_over_reaches_down_but_is_cancelled_when_standing_up_before_confirmation():
    """Bending tips the trunk to 85 degrees but the hips stay up (0.1 torso lengths): never lying."""
    state = PersonFallState()
    seen = set()
    for t, poses in frames(scenario("bend_over")):
        state.update(frame_signals(poses[0]), t)
        seen.add(state.state)
    assert seen == {State.UPRIGHT, State.FALLING}


def test_lying_down_slowly_is_too_slow_for_a_fall_unless_allowed():
    """Crouch (1000-2000 ms), kneel (-3000), lie (-4500): lying first seen long after upright."""
    assert events_of("lie_down_slowly") == []
    assert events_of("lie_down_slowly", max_fall_s=10.0) != []


def test_stumble_getting_up_within_the_confirmation_time_is_no_event():
    assert events_of("stumble") == []
    assert events_of("stumble", confirm_s=0.5) != []


def test_standing_up_after_a_fall_is_recovered_and_long_lie_before_it():
    """Lying 1600-5600 ms, kneeling at 6400 ms (trunk 20, hips 0.9 torso lengths down), standing at
    7200 ms: hips within 0.5 of standing from 0.9 (1 - k / 20) <= 0.5, k = 9, 6760 ms; recovered
    get_up_s (0.4 s) later."""
    events = events_of("fall_and_get_up", long_lie_s=3.5)
    assert events == [
        ("fall", FALL_START_MS, DOWN_MS + 3000.0),
        ("long_lie", FALL_START_MS, 5000.0),  # the first frame at or after 1480 + 3500
        ("recovered", 6760.0, 7160.0),
    ]


def test_long_lie_once_and_only_after_a_fall():
    events = events_of(fall(lie_ms=70000.0))
    assert events == [("fall", FALL_START_MS, DOWN_MS + 3000.0), ("long_lie", FALL_START_MS, DOWN_MS + 60000.0)]


def test_cooldown_one_fall_one_event():
    """Fall, get up, fall again at once: the second fall is inside the 30 s cooldown."""
    first = get_up(fall(lie_ms=4000.0), stand_ms=1000.0)
    t0 = first[-1][0]
    second = [(t0 + 40.0 + t, b) for t, b in fall(lie_ms=5000.0)]
    kinds = [e for e, _, _ in events_of(first + second)]
    assert kinds == ["fall", "recovered"]
    assert [e for e, _, _ in events_of(first + second, cooldown_s=1.0)] == ["fall", "recovered", "fall"]


def test_frames_without_a_pose_count_as_still_down():
    seq = frames(scenario("fall"))
    lost = [(t, poses if t <= DOWN_MS + 200.0 else []) for t, poses in seq]  # the model loses the person
    events = detect_falls(lost)
    assert [(e.event, e.confirmed_ms) for e in events] == [("fall", DOWN_MS + 3000.0)]
    assert events[0].reason["seen_frames"] == 6  # 1480..1680 ms


def test_two_people_each_their_own_state():
    falling = frames(scenario("fall"), track_id=1)
    standing = frames(scenario("sit_down"), track_id=2)
    detector = FallDetector()
    events = []
    for (t, a), (_, b) in zip(falling, standing):
        events += detector.update(a + b, t)
        if t == 3000.0:
            assert detector.states() == {1: State.DOWN, 2: State.UPRIGHT}
    assert [(e.event, e.track_id, e.confirmed_ms) for e in events] == [("fall", 1, DOWN_MS + 3000.0)]


def test_reset_forgets_everything():
    detector = FallDetector()
    for t, poses in frames(scenario("fall"))[:60]:
        detector.update(poses, t)
    assert detector.states() == {0: State.DOWN}
    detector.reset()
    assert detector.states() == {}
    assert [e.event for t, p in frames(scenario("fall")) for e in detector.update(p, t)] == ["fall"]


def test_every_scenario_runs_with_every_setting_at_its_default():
    assert set(SCENARIOS) == {"fall", "bend_over", "sit_down", "lie_down_slowly", "fall_and_get_up", "stumble"}
    assert FallSettings().confirm_s == 3.0
