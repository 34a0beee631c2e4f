"""Balance and chair-stand tests on synthetic poses with known answers."""

import math

import numpy as np
import pytest
from exercise_synthetic import PROFILES, figure, to_pose

from movenet.exercise.balance import MIN_STANCE_MS, SingleLegStance, SwayMeter, sway_of
from movenet.exercise.chair import chair_stand_30s, five_times_sit_to_stand

FPS = 30.0
L_ANKLE, R_ANKLE = 15, 16


def standing(t_ms, lift=0.0, lift_side="right", lean=0.0, sway_px=0.0, shift_px=0.0):
    kps = figure(lean=lean, origin=(320.0 + sway_px * math.sin(2 * math.pi * t_ms / 1000.0), 300.0))
    i = R_ANKLE if lift_side == "right" else L_ANKLE
    kps[i, 1] -= lift * 100.0  # torso length 100 px
    kps[i, 0] += 15.0 * (lift > 0)
    kps[L_ANKLE if lift_side == "right" else R_ANKLE, 0] += shift_px
    return to_pose(kps)


def frames(seconds):
    return [i * 1000.0 / FPS for i in range(int(seconds * FPS))]


def test_single_leg_stance_time_leg_and_sway():
    test = SingleLegStance()
    for t in frames(6.0):
        up = 1000.0 <= t < 4500.0
        test.update(standing(t, lift=0.5 if up else 0.0, sway_px=4.0), t)
    best = test.finish()
    assert best.leg == "left" and best.ended_by == "the lifted foot came down"
    assert best.start_ms == pytest.approx(1000.0, abs=34) and best.duration_ms == pytest.approx(3500.0, abs=34)
    assert best.sway.rms_px == pytest.approx(4.0 / math.sqrt(2), abs=0.3)  # RMS of a sine of amplitude 4
    assert best.sway.rms_torso == pytest.approx(best.sway.rms_px / 100.0, rel=1e-6)
    assert best.sway.path_px == pytest.approx(4 * 4.0 * 3.5, rel=0.05)  # 4 amplitudes per period, 3.5 periods


@pytest.mark.parametrize("how, why", [
    ({"lean": 30.0}, "trunk tilted"),
    ({"shift_px": 60.0}, "standing foot moved"),
])
def test_single_leg_stance_ends_on_tilt_or_a_moving_foot(how, why):
    test = SingleLegStance()
    for t in frames(5.0):
        extra = how if t >= 3000.0 else {}
        test.update(standing(t, lift=0.5 if t >= 1000.0 else 0.0, **extra), t)
    best = test.finish()
    assert why in best.ended_by and best.duration_ms == pytest.approx(2000.0, abs=34)


def test_walking_steps_and_low_lifts_are_not_stances():
    test = SingleLegStance()
    for t in frames(6.0):
        step = int(t // 400) % 2  # a foot up for 0.4 s, alternating
        test.update(standing(t, lift=0.5, lift_side="right" if step else "left"), t)
    assert test.finish() is None and MIN_STANCE_MS > 400
    test = SingleLegStance()
    for t in frames(4.0):
        test.update(standing(t, lift=0.2), t)  # 0.2 torso lengths: within standing noise
    assert test.finish() is None


def test_single_leg_stance_limits_and_lost_person():
    test = SingleLegStance(max_time_s=2.0)
    for t in frames(4.0):
        test.update(standing(t, lift=0.5), t)
    best = test.finish()
    assert best.ended_by == "reached 2 s" and best.duration_ms == pytest.approx(2000.0, abs=34)
    test = SingleLegStance()
    for t in frames(5.0):
        test.update(standing(t, lift=0.5) if t < 2000 or t > 3500 else None, t)
    assert test.stances[0].ended_by == "lost the person" and test.stances[0].duration_ms == pytest.approx(2000.0, abs=34)


def test_sway_of_a_circle():
    pts = [(t, 10.0 * math.cos(2 * math.pi * t / 1000.0), 10.0 * math.sin(2 * math.pi * t / 1000.0)) for t in frames(2.0)]
    s = sway_of(pts, [50.0])
    assert s.rms_px == pytest.approx(10.0, abs=1e-6)
    assert s.path_px == pytest.approx((len(pts) - 1) * 2 * 10.0 * math.sin(math.pi / FPS), rel=1e-9)  # chords
    assert s.path_torso == pytest.approx(s.path_px / 50.0) and s.rms_torso == pytest.approx(0.2)
    assert s.mean_velocity_px_s == pytest.approx(s.path_px / (s.duration_ms / 1000.0))
    assert sway_of(pts[:1], [50.0]) is None
    meter = SwayMeter(start_ms=500.0, end_ms=1500.0)
    for t in frames(2.0):
        meter.update(standing(t, sway_px=5.0), t)
        meter.update(None, t + 1)  # nobody: skipped
    r = meter.result()
    assert r.duration_ms == pytest.approx(1000.0, abs=34) and r.rms_px == pytest.approx(5.0 / math.sqrt(2), abs=0.2)


def chair(seconds, period_ms=2500.0, seated_ms=1000.0):
    """Seated (hip and knee 95 deg) for `seated_ms`, then rise-and-sit cycles: a stand at each peak."""
    out = []
    for t in frames(seconds):
        v = 95.0 if t < seated_ms else 132.5 - 37.5 * math.cos(2 * math.pi * (t - seated_ms) / period_ms)
        out.append((t, to_pose(figure(**PROFILES["sit_to_stand"](v)))))
    return out


def test_five_times_sit_to_stand():
    report = five_times_sit_to_stand(chair(16.0))
    # first rise through 120 deg at 490 ms into the first cycle, fifth stand through 150 at 818 ms
    # into the fifth: 4 * 2.5 + 0.818 - 0.490 = 10.33 s
    assert report.count == 5 and report.time_s == pytest.approx(10.33, abs=0.15)
    short = five_times_sit_to_stand(chair(8.0))
    assert short.time_s is None and "only 3 stands" in short.note


def test_thirty_second_chair_stand_and_the_halfway_rule():
    report = chair_stand_30s(chair(40.0))
    assert report.start_ms == pytest.approx(1490.0, abs=100)  # the smoothed signal lags ~80 ms
    assert report.count == 12 and report.note == ""
    # start the clock so that the 30 s end while the person is at ~145 deg on the way up (~138
    # smoothed): more than halfway (135) from seated (120) to standing (150), so it counts
    report = chair_stand_30s(chair(40.0), start_ms=1760.0)
    assert report.count == 13 and "more than halfway" in report.note
    early = chair_stand_30s(chair(20.0))
    assert "ends" in early.note
    standing_only = chair_stand_30s([(t, standing(t)) for t in frames(3.0)])
    assert standing_only.count == 0 and standing_only.start_ms is None


def test_sway_rejects_nothing_silently():
    assert SwayMeter().result() is None
    assert np.isnan(sway_of([(0.0, 0.0, 0.0), (0.0, 1.0, 0.0)], [10.0]).mean_velocity_px_s)
