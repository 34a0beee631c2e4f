"""The signal smoother and the range of motion: spikes, step response, frame-rate independence,
extremes and their times, angles against hand computations."""

import math

import numpy as np
import pytest
from exercise_synthetic import PROFILES, figure, to_pose, trajectory

from movenet.exercise import RangeOfMotion, measure_all
from movenet.exercise.smoothing import SignalSmoother


def smooth(values, fps=30.0, **kw):
    s = SignalSmoother(**kw)
    return [s.update(v, i * 1000.0 / fps) for i, v in enumerate(values)]


def test_no_output_before_three_samples_and_a_spike_is_removed():
    out = smooth([170.0, 171.0, 30.0, 169.0, 170.0], tau_ms=0.0)
    assert math.isnan(out[0]) and math.isnan(out[1])
    assert out[2] == 170.0  # the spike (30) is replaced by the median of (170, 171, 30)
    assert out[3:] == [169.0, 170.0]
    # a spike in the very first frame cannot pass either
    assert smooth([30.0, 170.0, 171.0], tau_ms=0.0)[2] == 171.0


def test_true_extremes_are_kept():
    # a quick bottom sampled at 5 fps: the deepest sample is 20 deg below its neighbours' median? no:
    # it is within spike_deg of them, so it is kept (a plain median would have cut it)
    out = smooth([170, 140, 105, 85, 100, 140, 170], fps=5.0, tau_ms=0.0)
    assert min(v for v in out if not math.isnan(v)) == 85


def test_low_pass_time_constant_is_frame_rate_independent():
    for fps in (10.0, 30.0, 60.0):
        n = int(fps)  # one second
        out = smooth([0.0] * 3 + [10.0] * n, fps=fps, tau_ms=80.0, spike_deg=100.0)
        i = 3 + round(80.0 * fps / 1000.0)  # about one time constant after the step (at sample 3)
        expected = 10.0 * (1 - math.exp(-((i - 2) * 1000.0 / fps) / 80.0))  # the first output is sample 2
        assert out[i] == pytest.approx(expected, abs=1e-9), fps


def test_nan_is_skipped_and_a_long_gap_restarts():
    s = SignalSmoother(tau_ms=0.0)
    for i, v in enumerate([10.0, 10.0, 10.0]):
        s.update(v, i * 33.0)
    assert math.isnan(s.update(math.nan, 100.0)) and s.value == 10.0
    assert math.isnan(s.update(50.0, 2000.0))  # 1.9 s later: starts over, needs 3 samples again
    with pytest.raises(ValueError):
        SignalSmoother(tau_ms=-1)


def test_angles_match_a_hand_computation():
    # right knee: hip (0, 0), knee (3, 4), ankle (0, 8) scaled x20: law of cosines -> 106.2602 deg
    kps = figure()
    kps[12, :2], kps[14, :2], kps[16, :2] = (0, 0), (60, 80), (0, 160)
    angles = measure_all(kps)
    assert angles["right_knee"] == pytest.approx(math.degrees(math.acos(-0.28)), abs=1e-6)
    # the synthetic figure is built from its angles: every joint within 1e-6 deg of them
    kps = figure(lean=20.0, hip=100.0, knee=95.0, shoulder=70.0, elbow=120.0)
    angles = measure_all(kps)
    for name, want in (("hip", 100.0), ("knee", 95.0), ("shoulder", 70.0), ("elbow", 120.0)):
        assert angles[f"left_{name}"] == pytest.approx(want, abs=1e-6)
        assert angles[f"right_{name}"] == pytest.approx(want, abs=1e-6)
    assert angles["trunk"] == pytest.approx(20.0, abs=1e-6)
    kps[16, 2] = 0.1  # the right ankle not seen: no right knee angle, no right shin
    angles = measure_all(kps)
    assert math.isnan(angles["right_knee"]) and math.isnan(angles["right_shin"]) and not math.isnan(angles["left_knee"])


def test_range_of_motion_extremes_times_and_spikes():
    samples, truth = trajectory(170, 70, reps=2, period_ms=2000, fps=30.0)
    rom = RangeOfMotion(["left_knee", "right_knee", "left_elbow"])
    for i, (t, v) in enumerate(samples):
        kps = figure(**PROFILES["squat"](v))
        if i in (15, 45, 150):  # one-frame glitches: the left knee keypoint lands on the hip
            kps[13, :2] = kps[11, :2] + [5, 5]
        rom.update(to_pose(kps) if i != 50 else None, t)
    r = rom.result()
    assert set(r) == {"left_knee", "right_knee", "left_elbow"}
    knee = r["left_knee"]
    assert knee.min_deg == pytest.approx(70.0, abs=2.0)  # not a glitch; the low-pass trims ~1.5 deg
    assert knee.max_deg == pytest.approx(170.0, abs=0.5)
    bottoms = [(s + e) / 2 for s, e in truth]
    assert min(abs(knee.min_ms - b) for b in bottoms) <= 120  # within the smoothing delay
    assert knee.frames == len(samples) - 1 - 2  # the None frame and the first two (filter filling)
    assert r["right_knee"].min_deg == pytest.approx(70.0, abs=2.0)
    assert r["left_elbow"].range_deg == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match="unknown measure"):
        RangeOfMotion(["left_ankle"])


def test_smoothing_reduces_jitter_and_keeps_the_depth():
    rng = np.random.default_rng(0)
    held = np.array(smooth(list(150.0 + rng.normal(0, 3.0, 300))))
    # at 30 fps, tau 40 ms: alpha = 0.56, so sqrt(alpha / (2 - alpha)) = 0.62 of white noise is
    # left (the spike filter takes a little more)
    assert np.nanstd(held) < 0.7 * 3.0
    samples, _ = trajectory(170, 90, reps=3, period_ms=2000, fps=30.0)
    noisy = np.array([v for _, v in samples]) + rng.normal(0, 3.0, len(samples))
    out = np.array(smooth(list(noisy)))
    assert 90.0 - 3 * 3.0 < np.nanmin(out) < 90.0 + 2.0  # the depth is not cut (noise may add to it)
