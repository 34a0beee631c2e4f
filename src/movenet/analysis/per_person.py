"""Per-person state for analysers that span frames: one analyser per track id, in one place.

MultiPose video gives each person a track id (`Pose.id`); SinglePose gives one pose without an id.
`PerPerson` keeps one stateful analyser (anything with `update(...)` and `reset()`) per id, made on
first sight by a factory, and forgets people not seen for `max_age_ms`.
"""

from __future__ import annotations

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
