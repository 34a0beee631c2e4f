"""The repetition counter on synthetic pose sequences with known repetitions, for every exercise
in the registry: exact counts under keypoint jitter, dropouts, pauses, partial and shallow
repetitions, spikes, long gaps, set-up, walking, and the bad-input contract."""

import math

import numpy as np
import pytest
from exercise_synthetic import (
    PROFILES,
    exercise_figure,
    figure,
    poses_for,
    to_pose,
    trajectory,
)

from movenet.errors import InvalidInputError, MovenetError
from movenet.exercise import RepCounter, get_exercise, list_exercises
from movenet.exercise.specs import UnknownExerciseError

EXERCISES = list_exercises()


def run(counter, frames):
    for t, pose in frames:
        counter.update(pose, t)
    counter.finish()
    return counter


def levels(name):
    """rest, a full-depth bottom (past depth), a shallow bottom (past enter, short of depth), a
    partial bottom (past exit, short of enter), in degrees."""
    s = get_exercise(name)
    d = s.direction
    return s.rest_deg, s.depth_deg + 10 * d, (s.enter_deg + s.depth_deg) / 2, (s.exit_deg + s.enter_deg) / 2


def test_every_exercise_has_a_synthetic_profile():
    assert sorted(PROFILES) == sorted(EXERCISES)
    assert {"squat", "push_up", "pull_up", "bicep_curl", "shoulder_press", "lunge", "sit_up", "jumping_jack", "glute_bridge", "sit_to_stand"} <= set(EXERCISES)


@pytest.mark.parametrize("name", EXERCISES)
@pytest.mark.parametrize("fps", [30.0, 5.0])
def test_exact_count_with_jitter(name, fps):
    rest, full, _, _ = levels(name)
    samples, truth = trajectory(rest, full, reps=5, period_ms=2000, fps=fps)
    c = run(RepCounter(name), poses_for(name, samples, jitter_px=1.5, seed=1))
    assert c.count == 5, [r.reason for r in c.partial_repetitions]
    assert c.partial_repetitions == ()
    for rep, (start, end) in zip(c.repetitions, truth):
        assert start - 100 < rep.start_ms < rep.end_ms < end + 250  # inside the true dip (+ the smoothing delay)
        assert not rep.shallow
        assert rep.range_deg > abs(get_exercise(name).enter_deg - get_exercise(name).start_deg)


@pytest.mark.parametrize("name", EXERCISES)
def test_partial_and_shallow_repetitions(name):
    rest, full, shallow, partial = levels(name)
    samples, _ = trajectory(rest, [full, partial, shallow, partial, full], reps=5, period_ms=2000)
    c = run(RepCounter(name), poses_for(name, samples, jitter_px=1.0))
    assert c.count == 3
    assert [r.shallow for r in c.repetitions] == [False, True, False]
    assert len(c.partial_repetitions) == 2
    assert all("did not reach" in r.reason for r in c.partial_repetitions)


@pytest.mark.parametrize("name", EXERCISES)
def test_dropouts_and_short_gaps_are_bridged(name):
    rest, full, _, _ = levels(name)
    samples, _ = trajectory(rest, full, reps=4, period_ms=2400)
    frames = poses_for(name, samples, jitter_px=1.0)
    rng = np.random.default_rng(3)
    frames = [(t, None if rng.random() < 0.15 or 3000 < t < 3500 else p) for t, p in frames]  # 15 % lost + a 0.5 s gap
    c = run(RepCounter(name), frames)
    assert c.count == 4


@pytest.mark.parametrize("name", EXERCISES)
def test_a_long_gap_ends_the_repetition_in_progress(name):
    rest, full, _, _ = levels(name)
    samples, truth = trajectory(rest, full, reps=3, period_ms=2000, hold_ms=2500)
    frames = poses_for(name, samples)
    start, end = truth[1]
    mid = (start + end) / 2  # the second repetition's bottom: lose the person for 1.5 s there
    frames = [(t, None if mid - 750 < t < mid + 750 else p) for t, p in frames]
    c = run(RepCounter(name, max_active_ms=10_000), frames)  # (the jumping jack's 2 s limit aside)
    assert c.count == 2
    assert len(c.partial_repetitions) == 1 and "lost the person" in c.partial_repetitions[0].reason


@pytest.mark.parametrize("name", EXERCISES)
def test_pauses_idle_and_single_frame_spikes_do_not_count(name):
    rest, full, _, _ = levels(name)
    samples, _ = trajectory(rest, full, reps=2, period_ms=2000, pause_ms=5000)
    frames = poses_for(name, samples, jitter_px=2.0, seed=5)
    spec = get_exercise(name)
    for i in (20, 60, 100, 340, 380):  # idle frames replaced by a one-frame jump to full depth
        kps = exercise_figure(name, spec.depth_deg)
        frames[i] = (frames[i][0], to_pose(kps))
    c = run(RepCounter(name), frames)
    assert c.count == 2 and c.partial_repetitions == ()


@pytest.mark.parametrize("name", EXERCISES)
def test_too_quick_is_not_counted(name):
    rest, full, _, _ = levels(name)
    spec = get_exercise(name)
    samples, _ = trajectory(rest, full, reps=3, period_ms=spec.min_rep_ms * 0.6, fps=60.0, pause_ms=600)
    c = run(RepCounter(name, tau_ms=0.0), poses_for(name, samples))
    assert c.count == 0
    assert len(c.partial_repetitions) == 3 and all("too quick" in r.reason for r in c.partial_repetitions)


@pytest.mark.parametrize("name", EXERCISES)
def test_ending_at_the_bottom_is_partial_and_starting_there_waits(name):
    rest, full, _, _ = levels(name)
    samples, _ = trajectory(rest, full, reps=2, period_ms=2000)
    frames = poses_for(name, samples)
    # stops at the 2nd dip's bottom, 2 s before the end (round 3: 1.5 s before the end, a quarter of
    # the way back up, the squat's and pull-up's height signals have already passed their exit)
    c = run(RepCounter(name), frames[: len(frames) - 60])
    assert c.count == 1 and len(c.partial_repetitions) == 1
    assert "stream ended" in c.partial_repetitions[0].reason
    # it had reached the bottom with a full range: begun, cut off by the end (what labels of starts count)
    assert c.partial_repetitions[0].cut_off and c.cut_off == 1
    # a stream that begins at the bottom (set-up, tying shoes) waits for the start position first;
    # only the chair-stand counter may begin seated (the tests start seated)
    c = run(RepCounter(name), frames[60:])  # begins at the first dip's bottom (t = 2 s)
    expected = 2 if get_exercise(name).start_active else 1
    assert c.count == expected


def test_a_stream_ending_short_of_the_far_end_is_not_cut_off():
    """A second squat stopped by the end between `exit` and `enter` (on the way down, not yet at the
    bottom) is partial but not cut off: it never had a counted one's range."""
    rest, _, _, partial = levels("squat")
    samples, _ = trajectory(rest, [rest - 90, partial], reps=2, period_ms=2000)
    bottom = min(range(len(samples)), key=lambda i: samples[i][1] if samples[i][0] > 3000 else 1e9)
    c = run(RepCounter("squat"), poses_for("squat", samples[: bottom + 1]))
    assert c.count == 1 and len(c.partial_repetitions) == 1
    assert "stream ended" in c.partial_repetitions[0].reason and not c.partial_repetitions[0].cut_off and c.cut_off == 0


def test_hysteresis_noise_around_a_level_counts_once():
    # a squat that hovers around the exit level (145) with +-8 deg of noise on the way up
    t, frames, rng = 0.0, [], np.random.default_rng(0)
    values = [170] * 30 + list(np.linspace(170, 100, 30)) + list(np.linspace(100, 145, 20)) + [145 + rng.uniform(-8, 8) for _ in range(60)] + list(np.linspace(145, 172, 20)) + [172] * 30
    for v in values:
        frames.append((t, to_pose(figure(**PROFILES["squat"](v)))))
        t += 33.3
    c = run(RepCounter("squat"), frames)
    assert c.count == 1


def _hands_on_floor(kps):
    kps = kps.copy()
    kps[9:11, :2] = kps[15:17, :2] + [12.0, -4.0]  # wrists beside the ankles
    return kps


def test_posture_checks_reject_bends_crouches_and_lying():
    good = PROFILES["squat"]
    cases = {  # why -> pose of a value
        "leaning over": lambda v: figure(**{**good(v), "lean": (180 - v) * 0.9}),  # trunk ~85 deg at the bottom
        "hands at the floor": lambda v: _hands_on_floor(figure(**good(v))) if v < 150 else figure(**good(v)),
    }
    for why, make in cases.items():
        samples, _ = trajectory(170, 85, reps=2, period_ms=2000)
        c = run(RepCounter("squat"), [(t, to_pose(make(v))) for t, v in samples])
        assert c.count == 0, why
        assert len(c.partial_repetitions) == 2 and all(why in r.reason for r in c.partial_repetitions), [r.reason for r in c.partial_repetitions]
    # the same repetitions with the checks removed count
    samples, _ = trajectory(170, 85, reps=2, period_ms=2000)
    assert run(RepCounter("squat", checks=()), [(t, to_pose(cases["hands at the floor"](v))) for t, v in samples]).count == 2
    # down into a squat, then lying down with straight legs: not standing up again
    samples, _ = trajectory(170, 85, reps=1, period_ms=2000)
    frames = [(t, to_pose(figure(**good(v), body=0.0 if t < 2450 else 85.0))) for t, v in samples]  # lies down on the way up
    c = run(RepCounter("squat"), frames)
    assert c.count == 0 and "not upright" in c.partial_repetitions[0].reason


def test_walking_is_neither_a_squat_nor_a_lunge():
    frames, t = [], 0.0
    for i in range(300):  # 10 s of gait at 1 stride/s: one knee bends to 115 deg at a time
        phase = (i % 30) / 30.0
        left = 180 - 65 * max(0.0, math.sin(2 * math.pi * phase))
        right = 180 - 65 * max(0.0, -math.sin(2 * math.pi * phase))
        kps = figure(knee=180, hip=175, origin=(100 + 3 * i, 300), anchor="hip")
        for side, knee in (("left", left), ("right", right)):
            k = figure(knee=knee, hip=175, origin=(100 + 3 * i, 300), anchor="hip")
            for part in ("knee", "ankle"):
                idx = [n for n in range(17)][["nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"].index(f"{side}_{part}")]
                kps[idx] = k[idx]
        frames.append((t, to_pose(kps)))
        t += 33.3
    for name in ("squat", "lunge", "sit_to_stand"):
        c = run(RepCounter(name), frames)
        assert c.count == 0 and c.partial_repetitions == (), name


def test_reset_and_spec_overrides():
    samples, _ = trajectory(170, 85, reps=2)
    frames = poses_for("squat", samples)
    c = run(RepCounter("squat"), frames)
    assert c.count == 2
    c.reset()
    assert c.count == 0 and c.repetitions == () and c.phase == "waiting"
    run(c, frames)
    assert c.count == 2
    # a deeper requirement turns the same repetitions into partial ones (round 3: the overrides are
    # the primary signal's levels; the hip height, which counts on its own levels, is left out)
    strict = run(RepCounter("squat", enter_deg=80.0, depth_deg=70.0, alternatives=()), frames)
    assert strict.count == 0 and len(strict.partial_repetitions) == 2
    with pytest.raises(MovenetError, match="levels must run"):
        RepCounter("squat", enter_deg=150.0)
    with pytest.raises(MovenetError, match="unknown exercise option"):
        RepCounter("squat", depth=3)


def test_bad_input():
    with pytest.raises(UnknownExerciseError) as info:
        RepCounter("burpee")
    assert all(name in str(info.value) for name in EXERCISES)
    assert isinstance(info.value, KeyError) and isinstance(info.value, MovenetError)
    c = RepCounter("squat")
    c.update(None, 0)
    with pytest.raises(InvalidInputError, match="increase"):
        c.update(None, 0)
    with pytest.raises(InvalidInputError, match="finite"):
        c.update(None, math.nan)
    with pytest.raises(InvalidInputError, match="17"):
        c.update(np.zeros((5, 3)), 10)
    with pytest.raises(InvalidInputError, match="17 COCO keypoints"):
        p = to_pose(figure())
        c.update(type(p)(p.keypoints[:10], 0.9), 20)
    # nobody, ever: count 0, no repetitions
    c = run(RepCounter("squat"), [(t * 33.0, None) for t in range(100)])
    assert c.count == 0 and c.partial_repetitions == ()
    # keypoints below the score threshold are not seen
    samples, _ = trajectory(170, 85, reps=2)
    faint = [(t, to_pose(figure(**PROFILES["squat"](v), score=0.2))) for t, v in samples]
    assert run(RepCounter("squat"), faint).count == 0
    assert run(RepCounter("squat", min_score=0.1), faint).count == 2


def _knee_bent_in_the_image_only(v):
    """Hips at standing height above the ankles, the knees pushed sideways in the image so the
    hip-knee-ankle angle is `v` (occluded or misplaced knees of a walker seen from above)."""
    kps = figure(**PROFILES["squat"](170.0))
    for hip, knee, ankle in ((11, 13, 15), (12, 14, 16)):
        top, bottom = kps[hip, :2], kps[ankle, :2]
        half = (bottom[1] - top[1]) / 2
        kps[knee, :2] = (top[0] + half * math.tan(math.radians((180.0 - v) / 2)), top[1] + half)
    return kps


def test_a_squat_must_lower_the_hips_stay_in_place_and_a_pull_up_hang():
    samples, _ = trajectory(170, 85, reps=2, period_ms=2000)
    c = run(RepCounter("squat"), [(t, to_pose(_knee_bent_in_the_image_only(v))) for t, v in samples])
    assert c.count == 0 and all("hips did not go down" in r.reason for r in c.partial_repetitions)
    walking = [(t, to_pose(figure(**PROFILES["squat"](v), origin=(100 + 0.15 * t, 300)))) for t, v in samples]  # 1.5 torso lengths a second
    c = run(RepCounter("squat"), walking)
    assert c.count == 0 and all("feet moved" in r.reason for r in c.partial_repetitions)
    assert run(RepCounter("squat", checks=()), walking).count == 2
    samples, _ = trajectory(170, 60, reps=2, period_ms=2000)
    arms_down = [(t, to_pose(figure(shoulder=20.0, elbow=v))) for t, v in samples]  # curls, not pull-ups
    c = run(RepCounter("pull_up"), arms_down)
    assert c.count == 0 and all("not hanging from a bar" in r.reason for r in c.partial_repetitions)
    assert run(RepCounter("bicep_curl"), arms_down).count == 2


def test_floor_and_hand_checks():
    """Checks added in round 2: a squat must show its hands off the floor (also when kneeling puts
    the knees on the floor too), a sit-up its hips on the floor; a lunge with the hands at the floor
    is a crouch. Round 3: a push-up keeps its hands in place (not its plank seen: close-ups)."""
    samples, _ = trajectory(170, 85, reps=2, period_ms=2000)
    squat = PROFILES["squat"]

    def hands_at(v, height):  # wrists `height` (share of the hip height) above the ankles, beside the knees
        kps = figure(**squat(v))
        ankle_y = kps[15, 1]
        kps[9:11, :2] = [kps[13, 0] + 15, ankle_y - height * 175.0]  # 175 px: the standing hip height
        kps[13:15, 1] = max(kps[13, 1], ankle_y - 10) if v < 120 else kps[13:15, 1]  # knees down to the floor
        return kps

    c = run(RepCounter("squat"), [(t, to_pose(hands_at(v, 0.2) if v < 150 else figure(**squat(v)))) for t, v in samples])
    assert c.count == 0 and all("hand" in r.reason for r in c.partial_repetitions), [r.reason for r in c.partial_repetitions]
    unseen = []
    for t, v in samples:
        kps = figure(**squat(v))
        if v < 150:
            kps[9:11, 2] = 0.1  # the hands are never seen at the bottom
        unseen.append((t, to_pose(kps)))
    c = run(RepCounter("squat"), unseen)
    assert c.count == 0 and all("hand height not seen" in r.reason for r in c.partial_repetitions)
    # round 3: a push-up whose legs are never seen counts (close-ups leave the legs out of the
    # frame: push-up_48 of WorkoutTracker); crawling, which moves the hands, does not
    spec = get_exercise("push_up")
    samples, _ = trajectory(spec.rest_deg, spec.depth_deg - 10, reps=2)
    legless = []
    for t, v in samples:
        kps = exercise_figure("push_up", v)
        kps[13:17, 2] = 0.1
        legless.append((t, to_pose(kps)))
    assert run(RepCounter("push_up"), legless).count == 2
    crawling = [(t, to_pose(exercise_figure("push_up", v, origin=(100 + 0.1 * t, 300)))) for t, v in samples]  # a torso length a second
    c = run(RepCounter("push_up"), crawling)
    assert c.count == 0 and c.partial_repetitions and all("hands moved" in r.reason for r in c.partial_repetitions)
    # kneeling upright and back down to all fours moves the trunk as a sit-up does, hips high
    spec = get_exercise("sit_up")
    samples, _ = trajectory(spec.rest_deg, spec.depth_deg + 10, reps=2)
    kneeling = [(t, to_pose(figure(lean=90.0 - v, hip=90.0 + (90.0 - v), knee=90.0, shoulder=20.0))) for t, v in samples]
    c = run(RepCounter("sit_up"), kneeling)
    assert c.count == 0 and all("hips are off the floor" in r.reason for r in c.partial_repetitions), [r.reason for r in c.partial_repetitions]
    # a lunge whose hands go to the floor is a crouch
    samples, _ = trajectory(170, 85, reps=2, period_ms=2000)
    crouch = []
    for t, v in samples:
        kps = exercise_figure("lunge", v)
        if v < 140:
            kps[9:11, :2] = kps[15:17, :2] + [15.0, -5.0]
        crouch.append((t, to_pose(kps)))
    c = run(RepCounter("lunge"), crouch)
    assert c.count == 0 and all("hands at the floor" in r.reason for r in c.partial_repetitions)
