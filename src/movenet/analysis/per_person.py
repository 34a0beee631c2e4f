"""Per-person state for analysers that span frames: one analyser per track id, in one place.

MultiPose video gives each person a track id (`Pose.id`); SinglePose gives one pose without an id.
`PerPerson` keeps one stateful analyser (anything with `update(...)` and `reset()`) per id, made on
first sight by a factory, and forgets people not seen for `max_age_ms`. `TrackJoin` gives a
person the tracker lost for a moment and found again under a new id their first id back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from movenet.types import Pose

T = TypeVar("T")

SINGLE = 0  # the key of the one person of a SinglePose stream (poses without a track id)


def person_key(pose: Pose) -> int:
    """The track id, or SINGLE for a pose without one."""
    return SINGLE if pose.id is None else int(pose.id)


class PerPerson(Generic[T]):
    """A dict of analysers keyed by track id, created on demand, dropped when stale."""

    def __init__(self, factory: Callable[[], T], max_age_ms: float | None = None) -> None:
        self._factory = factory
        self.max_age_ms = max_age_ms
        self._items: dict[int, T] = {}
        self._last_seen_ms: dict[int, float] = {}

    def get(self, key: int, timestamp_ms: float | None = None) -> T:
        if key not in self._items:
            self._items[key] = self._factory()
        if timestamp_ms is not None:
            self._last_seen_ms[key] = timestamp_ms
        return self._items[key]

    def drop_stale(self, timestamp_ms: float, keep: Callable[[T], bool] | None = None) -> list[int]:
        """Forget people not seen for more than `max_age_ms` (except those whose analyser
        `keep(analyser)` says to keep); returns their keys."""
        if self.max_age_ms is None:
            return []
        stale = [
            k for k, t in self._last_seen_ms.items()
            if timestamp_ms - t > self.max_age_ms and not (keep is not None and keep(self._items[k]))
        ]
        for key in stale:
            self._items.pop(key, None)
            self._last_seen_ms.pop(key, None)
        return stale

    def items(self) -> Iterator[tuple[int, T]]:
        return iter(sorted(self._items.items()))

    def __contains__(self, key: int) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def reset(self) -> None:
        self._items.clear()
        self._last_seen_ms.clear()


# A person lost by the tracker for a moment (a close-up whose box jumps, a few frames without a
# detection: the tracker forgets a track after temporal.tracker.MAX_AGE_MS = 1 s) comes back under
# a new id. A new id seen within REJOIN_MS of a known person's last sighting, with its centre
# within REJOIN_SHIFT of that person's size (the square root of their last box's area) of where
# they were and its size within REJOIN_SIZE of theirs, while that person is not seen, is taken for
# them: one person, one count. 3 s: longer than the tracker's 1 s, shorter than someone else
# walking into the same spot after the first has left. Half a body size: with a whole one, a dip
# was counted on the walkers of opencv_vtest.avi (tools/exercise_walking.py: ids of two walkers
# joined); with half, nothing is counted there.
REJOIN_MS = 3000.0
REJOIN_SHIFT = 0.5
REJOIN_SIZE = 1.5


EXTENT_MIN_SCORE = 0.2  # keypoints that outline a pose without a box (faint ones stray far)


def pose_extent(pose: Pose) -> tuple[float, float, float, float] | None:
    """(x_min, y_min, x_max, y_max) of a pose: its box (MultiPose), else the extent of its keypoints
    scoring at least EXTENT_MIN_SCORE; None with fewer than two of those."""
    if pose.box is not None:
        b = pose.box
        return b.x_min, b.y_min, b.x_max, b.y_max
    pts = [(k.x, k.y) for k in pose.keypoints if k.score >= EXTENT_MIN_SCORE]
    if len(pts) < 2:
        return None
    xs, ys = zip(*pts)
    return min(xs), min(ys), max(xs), max(ys)


def _centre_and_size(pose: Pose) -> tuple[float, float, float] | None:
    """(x, y, size) of a pose: the centre of its extent and the square root of its area."""
    extent = pose_extent(pose)
    if extent is None:
        return None
    x0, y0, x1, y1 = extent
    area = max(x1 - x0, 0.0) * max(y1 - y0, 0.0)
    return ((x0 + x1) / 2.0, (y0 + y1) / 2.0, math.sqrt(area)) if area > 0 else None


class TrackJoin:
    """Gives a person who comes back under a new track id their old key: `update({id: pose}, t)`
    -> {key: pose}, where key is the id the person was first seen under (`REJOIN_MS`,
    `REJOIN_SHIFT`). Poses without a track id (SINGLE) pass through."""

    def __init__(self, max_gap_ms: float = REJOIN_MS, max_shift: float = REJOIN_SHIFT, max_size_ratio: float = REJOIN_SIZE) -> None:
        self.max_gap_ms, self.max_shift, self.max_size_ratio = float(max_gap_ms), float(max_shift), float(max_size_ratio)
        self.reset()

    def reset(self) -> None:
        self._alias: dict[int, int] = {}  # track id -> the key of the person it is
        self._track_ms: dict[int, float] = {}  # track id -> last seen
        self._last: dict[int, tuple[float, tuple[float, float, float]]] = {}  # key -> (t, where) last seen

    def update(self, poses: dict[int, Pose], timestamp_ms: float) -> dict[int, Pose]:
        t = float(timestamp_ms)
        where = {track: _centre_and_size(pose) for track, pose in poses.items()}  # once a pose
        out: dict[int, Pose] = {}
        keys: dict[int, int] = {}
        for track in poses:
            if track == SINGLE or track in self._alias:
                keys[track] = self._alias.get(track, track)
        for track in [k for k in poses if k not in keys]:
            key = self._match(where[track], t, taken=keys.values()) if where[track] is not None else None
            keys[track] = self._alias[track] = track if key is None else key
        for track, key in keys.items():
            out[key] = poses[track]
            if where[track] is not None:
                self._last[key] = (t, where[track])
        for track in poses:
            self._track_ms[track] = t
        # bounded memory on endless streams: the tracker never brings back an id it has dropped
        for track in [k for k, seen in self._track_ms.items() if t - seen > self.max_gap_ms]:
            del self._track_ms[track]
            self._alias.pop(track, None)
        for key in [k for k, (seen, _) in self._last.items() if t - seen > self.max_gap_ms]:
            del self._last[key]
        return out

    def _match(self, where: tuple[float, float, float], t: float, taken) -> int | None:
        """The known person, not seen in this frame, last seen recently and near `where`."""
        best, best_shift = None, math.inf
        for key, (seen_ms, (x, y, size)) in self._last.items():
            if key in taken or t - seen_ms > self.max_gap_ms or t <= seen_ms:
                continue
            if max(size, where[2]) > self.max_size_ratio * min(size, where[2]):
                continue
            shift = math.hypot(where[0] - x, where[1] - y) / max(size, where[2])
            if shift <= self.max_shift and shift < best_shift:
                best, best_shift = key, shift
        return best
