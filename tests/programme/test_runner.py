"""The session runner on synthetic poses with known answers: sets end at their target, rests are
timed, buttons (next, pause, redo, skip, stop) do what they say, per-set results (ROM against
target, tempo, holds, partials) are those of the exercise layer, tests are timed by it."""

import pytest
from programme_helpers import FPS, chair_frames, one_leg, squats, standing

from movenet.exercise import analyse_exercise
from movenet.exercise.chair import chair_stand_30s
from movenet.programme import SessionRunner, parse_programme
from movenet.programme.runner import ACTIVE, FINISHED, PAUSED, REST


def programme(body: str, name: str = "t"):
    return parse_programme(f'[programme]\nname = "{name}"\n' + body, "p.toml")


SQUATS = programme("""
[[item]]
exercise = "squat"
sets = 2
reps = 3
rest_s = 5
tempo = "3-1-3"
target_rom = { knee = { at_most = 100 }, left_hip = { at_most = 60 } }
""")


def feed(runner, frames):
    states = [runner.update(poses, t) for t, poses in frames]
    return states


def test_sets_end_at_the_target_then_rest_then_the_next_set():
    runner = SessionRunner(SQUATS, patient="P1")
    set1, _ = squats(4)  # one squat more than the target
    states = feed(runner, set1)
    # the set ended at the third counted repetition; the fourth squat fell into the rest
    done_at = next(i for i, s in enumerate(states) if s.phase == REST)
    assert states[done_at - 1].count == 2 and states[done_at].event == "set done"
    first = runner.results[0]
    assert first.reps == 3 and first.status == "done" and first.target_reps == 3
    assert runner.phase == REST
    t_end = set1[-1][0]
    rest_end = set1[done_at][0] + 5000.0
    rest = feed(runner, standing((rest_end - t_end) / 1000.0 + 0.5, t_end))
    assert rest[0].phase == REST and rest[0].remaining_s == pytest.approx((rest_end - rest_frames_t0(t_end)) / 1000.0, abs=0.01)
    assert rest[-1].phase == ACTIVE and rest[-1].title.endswith("set 2/2") and rest[-1].count == 0
    set2, _ = squats(3, t0=rest_end + 1000.0)
    feed(runner, set2)
    assert runner.phase == FINISHED
    result = runner.finish()
    assert [s.reps for s in result.sets] == [3, 3] and result.status == "completed"
    assert result.adherence == 1.0 and result.reps_done == 6 and result.planned_reps == 6


def rest_frames_t0(t_end):
    return standing(0.04, t_end)[0][0]


def test_a_set_stores_what_the_exercise_layer_reports():
    """With one clip per step (advance="stream") the set's report is analyse_exercise's, whole."""
    frames, _ = squats(3, bottom=[95.0, 125.0, 85.0])
    runner = SessionRunner(SQUATS, advance="stream")
    feed(runner, frames)
    runner.next()
    result = runner.finish().sets[0]
    expected = analyse_exercise(frames, "squat")
    assert result.report == expected.to_dict()
    assert result.reps == expected.reps == 2 and result.partial_reps == 1  # 125 deg: short of 120
    assert result.holds_ms == tuple(r.hold_ms for r in expected.primary.repetitions)
    rom = expected.primary.range_of_motion
    left = next(c for c in result.rom_checks if c.measure == "left_knee")
    assert left.min_deg == rom["left_knee"].min_deg and left.met  # 85 deg reached, target <= 100
    hip = next(c for c in result.rom_checks if c.measure == "left_hip")
    assert not hip.met and hip.min_deg == pytest.approx(rom["left_hip"].min_deg)
    assert any(w.startswith("range of motion: left_hip: reached") for w in result.warnings)
    # 2 s repetitions against a 3-1-3 tempo (7 s): all faster
    assert any("2 of 2 repetitions faster than the tempo 3-1-3" in w for w in result.warnings)


def test_partials_and_fewer_reps_than_prescribed():
    frames, _ = squats(2, bottom=[90.0, 135.0])  # the second one does not reach 120 deg
    runner = SessionRunner(SQUATS, advance="stream")
    feed(runner, frames)
    runner.next()
    r = runner.finish().sets[0]
    assert r.reps == 1 and r.partial_reps == 1 and r.status == "stopped"
    assert "1 of 3 repetitions" in r.warnings
    assert any(w.startswith("1 not counted: did not reach 120 deg") for w in r.warnings)


def test_pause_ignores_frames_and_stops_the_clocks():
    runner = SessionRunner(SQUATS)
    first, _ = squats(1)
    feed(runner, first)
    assert runner.state().count == 1
    t = first[-1][0]
    runner.pause(t)
    more, _ = squats(2, t0=t + 100)
    states = feed(runner, more)
    assert all(s.phase == PAUSED and s.count == 1 for s in states)
    runner.resume(more[-1][0])
    again, _ = squats(2, t0=more[-1][0] + 100)
    feed(runner, again)
    assert runner.results[0].reps == 3


def test_rest_timer_pauses_too_and_next_skips_it():
    runner = SessionRunner(SQUATS)
    frames, _ = squats(3)
    feed(runner, frames)
    assert runner.phase == REST
    t = frames[-1][0]
    remaining = runner.state(t).remaining_s
    runner.pause(t)
    runner.resume(t + 60_000)  # a minute's pause does not eat the rest
    assert runner.state(t + 60_000).remaining_s == pytest.approx(remaining)
    runner.next(t + 60_000)
    assert runner.phase == ACTIVE and runner.state().title.endswith("set 2/2")


def test_redo_skip_and_stop():
    runner = SessionRunner(SQUATS)
    frames, _ = squats(3, bottom=[90.0, 95.0, 100.0])
    feed(runner, frames)
    assert runner.phase == REST and runner.results[0].reps == 3
    t = frames[-1][0]
    runner.redo(t)  # in the rest: the set just done starts over
    assert runner.phase == ACTIVE and runner.results == () and runner.state().title.endswith("set 1/2")
    again, _ = squats(3, t0=t + 100)
    feed(runner, again)
    assert runner.results[0].reps == 3 and runner.results[0].start_ms == t
    runner.next(again[-1][0])  # skip the rest
    runner.skip(again[-1][0] + 10)
    result = runner.finish()
    assert [s.status for s in result.sets] == ["done", "skipped"]
    assert result.status == "stopped" and result.adherence == pytest.approx(0.5)
    # stop in the middle of a set: it is kept as stopped, the rest not done
    runner = SessionRunner(SQUATS)
    half, _ = squats(1)
    feed(runner, half)
    result = runner.finish(half[-1][0])
    assert [(s.status, s.reps) for s in result.sets] == [("stopped", 1), ("not done", 0)]


def test_timed_set_ends_on_time():
    p = programme('[[item]]\nexercise = "squat"\ntime_s = 4\n')
    runner = SessionRunner(p)
    frames, _ = squats(4)
    states = feed(runner, frames)
    end = next(i for i, s in enumerate(states) if s.phase == FINISHED)
    assert frames[end][0] - frames[0][0] == pytest.approx(4000.0, abs=1000.0 / FPS + 1)
    assert runner.finish().sets[0].target_reps is None


def test_chair_stand_trial_is_the_chair_stand_test():
    p = programme('[[item]]\ntest = "30s-chair-stand"\n[[item]]\ntest = "five-times-sit-to-stand"\n')
    frames = chair_frames(40.0)
    runner = SessionRunner(p)
    states = feed(runner, frames)
    first = runner.results[0]
    expected = chair_stand_30s([(t, poses[0]) for t, poses in frames])
    assert first.test.value == expected.count == 12 and first.test.unit == "stands"
    # the trial ended just after the 30 s from the first rise, not at the end of the stream
    end = next(i for i, s in enumerate(states) if s.event == "set done")
    assert frames[end][0] == pytest.approx(expected.start_ms + 30_000.0, abs=1000.0 / FPS + 1)
    runner.next(frames[-1][0])  # skip the rest; the five-times test gets a fresh stream
    feed(runner, chair_frames(16.0, t0=frames[-1][0] + 100))
    five = runner.finish().sets[1]
    assert five.test.value == pytest.approx(10.33, abs=0.15) and five.status == "done"


def test_single_leg_stance_per_side():
    p = programme('[[item]]\ntest = "single-leg-stance"\nside = "each"\nrest_s = 0\n')
    runner = SessionRunner(p)
    frames = one_leg(3.0, 0.0, lift_side="right") + standing(0.5, 3000.0)  # on the left leg for 3 s
    feed(runner, frames)
    left = runner.results[0]
    assert left.side == "left" and left.test.value == pytest.approx(3.0, abs=0.05)
    t = frames[-1][0]
    feed(runner, one_leg(2.0, t + 100, lift_side="right") + standing(0.5, t + 2100))  # the left leg again
    right = runner.finish().sets[1]
    assert right.side == "right" and right.test.value is None and right.status == "stopped"
    assert "stood on the left leg, the programme asks the right" in right.test.note


def test_keypoint_tracks_only_when_asked():
    frames, _ = squats(1)
    kept = SessionRunner(SQUATS, keep_tracks=True, advance="stream")
    feed(kept, frames)
    plain = SessionRunner(SQUATS, advance="stream")
    feed(plain, frames)
    a, b = kept.finish().sets[0], plain.finish().sets[0]
    assert len(a.tracks) == len(frames) and a.tracks[0]["poses"][0]["keypoints"]
    assert b.tracks is None and "tracks" not in b.to_dict(tracks=True)


def test_cues_say_what_to_do():
    runner = SessionRunner(SQUATS)
    assert runner.state().cue.startswith("t: 2 steps")
    frames, _ = squats(3)
    states = feed(runner, frames)
    assert states[0].cue.startswith("Bodyweight or loaded squat, set 1/2") and "3 repetitions, tempo 3-1-3" in states[0].cue
    rep_cues = [s.cue for s in states if s.event == "rep"]
    assert rep_cues[0] == "1/3: slower, 3 s down and 3 s up"
    assert runner.state().cue.startswith("3 repetitions. Rest 5 s. Next:")


def test_without_autostart_frames_wait_for_start():
    runner = SessionRunner(SQUATS, autostart=False)
    early, _ = squats(2)
    assert all(s.phase == "ready" and s.count == 0 for s in feed(runner, early))
    runner.start()
    later, _ = squats(3, t0=early[-1][0] + 100)
    feed(runner, later)
    assert runner.results[0].reps == 3 and runner.results[0].start_ms == later[0][0]  # its first frame
