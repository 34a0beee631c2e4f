"""Several cameras of one room: one alert per fall. An event of a room within `window_s` of an
earlier event of the same kind in the same room is the same incident (another camera saw it); a
camera that lost the person does not matter: any camera that confirms, alerts."""

from __future__ import annotations

from collections import deque


class RoomMerger:
    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._recent: deque[tuple[str, str, float, int]] = deque(maxlen=1000)  # room, kind, time, event id

    def find(self, room: str | None, kind: str, at: float) -> int | None:
        """The event this one merges into, or None (a new alert)."""
        if room is None or self.window_s <= 0:
            return None
        for other_room, other_kind, other_at, event_id in reversed(self._recent):
            if other_room == room and other_kind == kind and abs(at - other_at) <= self.window_s:
                return event_id
        return None

    def add(self, room: str | None, kind: str, at: float, event_id: int) -> None:
        if room is not None:
            self._recent.append((room, kind, at, event_id))

    def reset(self) -> None:
        self._recent.clear()
