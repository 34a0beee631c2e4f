"""The event store: events (one per alert, merged across the cameras of a room), acknowledgements,
evidence files with retention, per-camera health history, and the delivery outbox
(at-least-once). `EventStore(Database())`; `movenet events` is its command line."""

from movenet.events.store import EventNotFound, EventRecord, EventStore, event_dict

__all__ = ["EventNotFound", "EventRecord", "EventStore", "event_dict"]
