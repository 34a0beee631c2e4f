"""Alerts out of the event store: MQTT (with Home Assistant discovery), apprise notifications,
a command, an HTTP POST; delivered at-least-once by `Deliverer` from the store's outbox.
Nothing is contacted unless configured. MQTT needs the `mqtt` extra (paho-mqtt), apprise the
`notify` extra."""
