"""The default method's state machine on the shipped synthetic sequences, checked exactly.

Synthetic frames every 40 ms (movenet.falls.synthetic). The fall: standing until 1000 ms, then in
15 frames (k = 0..14, t = 1000 + 40 k) the trunk tips 6 degrees a frame and the hips drop 1.7/15
torso lengths a frame, lying from 1600 ms. The smoothed inclination is the median of the frames of
the last 150 ms (4 frames: k-3..k), 6 k - 9 degrees.
- Last upright frame: 6 k - 9 < 40 and hip drop 1.7 k / 15 < 0.3 -> k = 2, 1080 ms.
- First lying frame by the trunk alone: 6 k - 9 >= 60 -> k = 12, 1480 ms (hip drop 1.36 >= 0.4);
  by default the box of the keypoints gets 1.5 times wider than high first: k = 10, 1400 ms.
- Both within max_fall_s (1.2 s) of upright; the event confirm_s (5 s) after the first lying frame.
"""

from __future__ import annotations

import math

import pytest

from movenet.falls import FallDetector, FallSettings, State, detect_falls
from movenet.falls.signals import frame_signals
from movenet.falls.state import PersonFallState
from movenet.falls.synthetic import (
    SCENARIOS,
    body_pose,
    fall,
    frames,
    get_up,
    keyframes,
    scenario,
)

FALL_START_MS, DOWN_MS = 1080.0, 1400.0


def events_of(name_or_bodies, **settings):
    bodies = scenario(name_or_bodies) if isinstance(name_or_bodies, str) else name_or_bodies
    return [(e.event, e.start_ms, e.confirmed_ms) for e in detect_falls(frames(bodies), **settings)]


def aspect(body) -> float:
    a = body_pose(body).to_array()
    return (a[:, 0].max() - a[:, 0].min()) / (a[:, 1].max() - a[:, 1].min())


def test_the_box_gets_wide_at_frame_10():
    bodies = dict(scenario("fall"))
    assert aspect(bodies[1360.0]) < 1.5 <= aspect(bodies[1400.0])


def test_fall_is_one_event_confirmed_after_the_confirmation_time():
    events = detect_falls(frames(scenario("fall")))
    assert [(e.event, e.track_id, e.start_ms, e.confirmed_ms) for e in events] == [("fall", None, FALL_START_MS, DOWN_MS + 5000.0)]
    reason = events[0].reason
    assert reason["fall_s"] == 0.32 and reason["down_ms"] == DOWN_MS
    assert reason["inclination_deg"] == 51.0  # 6 * 10 - 9
    assert reason["hip_drop_torso_lengths"] == pytest.approx(1.7 * 10 / 15, abs=1e-3)
    assert events[0].confidence == 1.0  # lying in every frame since


def test_by_the_trunk_alone():
    assert events_of("fall", lying_aspect=math.inf) == [("fall", FALL_START_MS, 1480.0 + 5000.0)]


@pytest.mark.parametrize("confirm_s", [1.0, 3.0])
def test_confirmation_time_is_a_setting(confirm_s):
    assert events_of("fall", confirm_s=confirm_s) == [("fall", FALL_START_MS, DOWN_MS + confirm_s * 1000.0)]


@pytest.mark.parametrize("name", ["bend_over", "sit_down", "lie_down_slowly", "stumble"])
def test_no_event_for_everyday_movements(name):
    assert events_of(name) == []


def test_bending_over_is_never_lying():
    """Bending tips the trunk to 85 degrees but the hips stay up (0.1 torso lengths)."""
    state = PersonFallState()
    seen = set()
    for t, poses in frames(scenario("bend_over")):
        state.update(frame_signals(poses[0]), t)
        seen.add(state.state)
    assert seen == {State.UPRIGHT, State.FALLING}


def test_lying_down_slowly_is_too_slow_for_a_fall_unless_allowed():
    """Crouch (1000-2000 ms), kneel (-3000), lie (-4520): lying first seen long after upright."""
    assert events_of("lie_down_slowly") == []
    assert events_of("lie_down_slowly", max_fall_s=10.0) != []


def test_stumble_getting_up_within_the_confirmation_time_is_no_event():
    """Lying 1600-2600 ms, up again by 3400 ms: cancelled; with a 0.5 s confirmation, a fall."""
    assert events_of("stumble") == []
    assert events_of("stumble", confirm_s=0.5) == [  # fall: the next frame after 1900 ms
        ("fall", FALL_START_MS, DOWN_MS + 520.0), ("recovered", 3200.0, 3520.0)]


def test_standing_up_after_a_fall_is_recovered_and_long_lie_before_it():
    """Lying 1600-8600 ms, kneeling at 9400 ms (trunk 20, hips 0.9 torso lengths down), standing at
    10200 ms: hips within 0.5 of standing when 0.9 (1 - k / 20) <= 0.5, k = 9, 9760 ms; recovered
    get_up_s (0.3 s) later, at the next frame, 10080 ms."""
    assert events_of("fall_and_get_up", long_lie_s=6.5) == [
        ("fall", FALL_START_MS, DOWN_MS + 5000.0),
        ("long_lie", FALL_START_MS, 7920.0),  # the next frame after 1400 + 6500
        ("recovered", 9760.0, 10080.0),
    ]


def test_long_lie_once_and_only_after_a_fall():
    events = events_of(fall(lie_ms=70000.0))
    assert events == [("fall", FALL_START_MS, DOWN_MS + 5000.0), ("long_lie", FALL_START_MS, DOWN_MS + 60000.0)]


def test_sitting_up_on_the_floor_is_still_down():
    """After the fall the person sits up on the floor (trunk upright, hips 1.7 torso lengths down,
    beyond floor_hip_drop 1.6): not got up, the fall is confirmed; with floor_hip_drop 1.8 it is
    getting up, and cancels it (the trunk has its full length: sitting, not lying toward the camera)."""
    from dataclasses import replace

    from movenet.falls.synthetic import LYING

    sitting_up = replace(LYING, trunk_deg=10.0)
    bodies = keyframes((0.0, scenario("fall")[0][1]), (1000.0, scenario("fall")[0][1]), (1600.0, LYING),
                       (2000.0, sitting_up), (9000.0, sitting_up))
    assert [e for e, _, _ in events_of(bodies)] == ["fall"]
    assert events_of(bodies, floor_hip_drop=1.8) == []


def test_cooldown_one_fall_one_event():
    """Fall, get up, fall again at once: the second fall is inside the 30 s cooldown."""
    first = get_up(fall(lie_ms=6000.0), stand_ms=1000.0)
    t0 = first[-1][0]
    second = [(t0 + 40.0 + t, b) for t, b in fall(lie_ms=6000.0)]
    assert [e for e, _, _ in events_of(first + second)] == ["fall", "recovered"]
    assert [e for e, _, _ in events_of(first + second, cooldown_s=1.0)] == ["fall", "recovered", "fall"]


def test_frames_without_a_pose_count_as_still_down():
    seq = frames(scenario("fall"))
    lost = [(t, poses if t <= DOWN_MS + 200.0 else []) for t, poses in seq]  # the model loses the person
    events = detect_falls(lost)
    assert [(e.event, e.confirmed_ms) for e in events] == [("fall", DOWN_MS + 5000.0)]
    assert events[0].reason["seen_frames"] == 6  # 1400..1600 ms


def test_two_people_each_their_own_state():
    falling = frames(scenario("fall"), track_id=1)
    sitting = frames(scenario("sit_down"), track_id=2)
    detector = FallDetector()
    events = []
    for (t, a), (_, b) in zip(falling, sitting):
        events += detector.update(a + b, t)
        if t == 3000.0:
            assert detector.states() == {1: State.DOWN, 2: State.UPRIGHT}
    assert [(e.event, e.track_id, e.confirmed_ms) for e in events] == [("fall", 1, DOWN_MS + 5000.0)]


def test_reset_forgets_everything():
    detector = FallDetector()
    for t, poses in frames(scenario("fall"))[:60]:
        detector.update(poses, t)
    assert detector.states() == {0: State.DOWN}
    detector.reset()
    assert detector.states() == {}
    assert [e.event for t, p in frames(scenario("fall")) for e in detector.update(p, t)] == ["fall"]


def test_the_shipped_scenarios_and_defaults():
    assert set(SCENARIOS) == {"fall", "bend_over", "sit_down", "lie_down_slowly", "fall_and_get_up", "stumble"}
    assert (FallSettings().confirm_s, FallSettings().max_fall_s, FallSettings().get_up_s) == (5.0, 1.3, 0.3)
