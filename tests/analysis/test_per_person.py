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
