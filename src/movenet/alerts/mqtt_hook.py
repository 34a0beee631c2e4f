"""`movenet falls SOURCE --mqtt URL [--camera NAME]`: each event of one source to an MQTT broker,
as `movenet watch` sends them (topics, Home Assistant discovery, last will: `movenet.alerts.mqtt`),
without the event store: events are queued in memory and retried with backoff while the broker
is away; `close()` waits up to `flush_s` for the queue to drain (what is left is reported)."""

from __future__ import annotations

import queue
import sys
import threading
import time

from movenet.alerts.mqtt import MqttAlerts

RETRY_FIRST_S = 0.5
RETRY_MAX_S = 10.0
FLUSH_S = 10.0


class MqttHook:
    def __init__(self, url: str, camera: str = "camera", room: str | None = None, *, flush_s: float = FLUSH_S,
                 log=None) -> None:
        self._log = log or (lambda line: print(line, file=sys.stderr))
        self.camera = camera
        self.flush_s = flush_s
        self.alerts = MqttAlerts(url, {camera: room}, log=self._log, on_connected=self._wake)
        self._queue: queue.Queue = queue.Queue()
        self._wake_event = threading.Event()
        self._stop = threading.Event()
        self.sent = 0
        self.alerts.start()
        self._thread = threading.Thread(target=self._run, name="movenet-mqtt-hook", daemon=True)
        self._thread.start()

    def _wake(self) -> None:
        self._wake_event.set()

    def __call__(self, event: dict) -> None:
        self._queue.put({**event, "event_type": event["event"], "camera": self.camera,
                         "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
        if event["event"] in ("fall", "recovered"):
            self.alerts.publish_state(self.camera, {"down": event["event"] == "fall", "connected": True})

    def _run(self) -> None:
        delay = RETRY_FIRST_S
        while True:
            try:
                event = self._queue.get(timeout=0.2)
            except queue.Empty:
                if self._stop.is_set():
                    return
                continue
            while True:
                try:
                    self.alerts.publish_event(event)
                    self.sent += 1
                    delay = RETRY_FIRST_S
                    break
                except Exception as exc:  # noqa: BLE001 - the broker away: wait and try again
                    if self._stop.is_set() and time.monotonic() > self._deadline:
                        self._log(f"warning: MQTT event not delivered before exit ({exc})")
                        return
                    self._wake_event.wait(delay)
                    self._wake_event.clear()
                    delay = min(delay * 2, RETRY_MAX_S)

    def close(self) -> None:
        self._deadline = time.monotonic() + self.flush_s
        self._stop.set()
        self._wake_event.set()
        self._thread.join(self.flush_s + 1)
        left = self._queue.qsize()
        if left:
            self._log(f"warning: {left} MQTT event(s) not delivered before exit")
        self.alerts.close()
