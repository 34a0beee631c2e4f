from movenet.analysis.per_person import SINGLE, PerPerson, person_key
from movenet.types import Pose


class Counter:
    def __init__(self):
        self.n = 0


def test_one_analyser_per_track_and_stale_ones_dropped():
    people = PerPerson(Counter, max_age_ms=1000)
    people.get(1, 0).n += 1
    people.get(2, 0).n += 5
    people.get(1, 500).n += 1
    assert [(k, c.n) for k, c in people.items()] == [(1, 2), (2, 5)]
    assert people.drop_stale(1200) == [2]
    assert 2 not in people and 1 in people and len(people) == 1
    people.reset()
    assert len(people) == 0


def test_person_key():
    pose = Pose.from_array([[0, 0, 1]] * 17, 1.0)
    assert person_key(pose) == SINGLE
    assert person_key(Pose(pose.keypoints, 1.0, None, 7)) == 7


def test_drop_stale_keeps_those_asked_for():
    people = PerPerson(Counter, max_age_ms=1000)
    people.get(1, 0).n = 1
    people.get(2, 0).n = 2
    assert people.drop_stale(2000, keep=lambda c: c.n == 2) == [1]
    assert [k for k, _ in people.items()] == [2]


def _at(x, y, w, track):
    """A pose whose box is w x w centred at (x, y), with a track id."""
    from movenet.types import Box

    pose = Pose.from_array([[x, y, 1.0]] * 17, 1.0)
    return Pose(pose.keypoints, 1.0, Box(x - w / 2, y - w / 2, x + w / 2, y + w / 2), track)


def test_track_join_gives_a_person_found_again_their_first_id():
    from movenet.analysis.per_person import REJOIN_MS, TrackJoin

    join = TrackJoin()
    assert set(join.update({1: _at(100, 100, 80, 1)}, 0)) == {1}
    # lost for 1.5 s, back under id 5 a quarter of a body size away: person 1
    assert set(join.update({5: _at(120, 100, 80, 5)}, 1500)) == {1}
    assert set(join.update({5: _at(125, 100, 80, 5)}, 1600)) == {1}  # and stays so
    # someone else while person 1 is seen: their own id, however close
    assert set(join.update({5: _at(125, 100, 80, 5), 6: _at(130, 100, 80, 6)}, 1700)) == {1, 6}
    # too far (a body size away), too different in size (twice as big), or too late: their own id
    join = TrackJoin()
    join.update({1: _at(100, 100, 80, 1)}, 0)
    assert set(join.update({2: _at(180, 100, 80, 2)}, 500)) == {2}
    join = TrackJoin()
    join.update({1: _at(100, 100, 80, 1)}, 0)
    assert set(join.update({2: _at(100, 100, 160, 2)}, 500)) == {2}
    join = TrackJoin()
    join.update({1: _at(100, 100, 80, 1)}, 0)
    assert set(join.update({2: _at(100, 100, 80, 2)}, REJOIN_MS + 1)) == {2}
    # poses without a track id pass through
    assert set(join.update({SINGLE: _at(0, 0, 10, None)}, REJOIN_MS + 2)) == {SINGLE}


def test_a_count_survives_a_new_track_id():
    """Squats by one person whose track id changes between the second and third squat (the tracker
    lost them for 1.2 s): one person, three squats."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "exercise"))
    from exercise_synthetic import poses_for, trajectory

    from movenet.exercise import analyse_exercise

    first, _ = trajectory(170, 80, reps=2, period_ms=2000, pause_ms=1500)  # squats at 1.5-3.5 s, 3.5-5.5 s, then standing
    third, _ = trajectory(170, 80, reps=1, period_ms=2000, pause_ms=1500, t0=first[-1][0] + 1200)
    frames = [(t, [Pose(p.keypoints, p.score, None, 1)]) for t, p in poses_for("squat", first)]
    # nobody detected for 1.2 s while standing, then back under track id 2 for the third squat
    frames += [(t, [Pose(p.keypoints, p.score, None, 2)]) for t, p in poses_for("squat", third)]
    report = analyse_exercise(frames, "squat")
    assert [(p.id, p.reps) for p in report.people] == [(1, 3)]


def test_track_join_forgets_old_ids():
    """An endless stream of short-lived tracks (a busy street) keeps the join's memory bounded:
    ids and people not seen for REJOIN_MS are dropped."""
    from movenet.analysis.per_person import REJOIN_MS, TrackJoin

    join = TrackJoin()
    for i in range(2000):  # a new track id every 100 ms, at one of five places
        join.update({i + 1: _at(100 + 300 * (i % 5), 100, 40, i + 1)}, i * 100.0)
    live = int(REJOIN_MS / 100.0) + 1
    assert len(join._alias) <= live and len(join._last) <= live and len(join._track_ms) <= live
