"""`Watcher`: the cameras of a config, the event store, the alerts, the health log, until stopped.

Each camera runs in its own threads (`CameraWorker`), or in a Ray actor (`--engine ray`). Their
messages come to `handle()`: an event is merged into a recent one of the same room or written to
the store with its outbox rows, then the deliverer is woken; the clip is added to the event when
it is written. Every `health_interval_s` each camera's health goes to the log, the store and MQTT.
A camera whose analysis stopped on an error is started again (after `RESTART_S`). `stop()` (SIGTERM)
stops the cameras, writes pending evidence, makes a last delivery pass and says goodbye to MQTT.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from movenet.events import EventRecord, EventStore
from movenet.watch.config import WatchConfig
from movenet.watch.rooms import RoomMerger

log = logging.getLogger("movenet.watch")
RESTART_S = 5.0
RETENTION_EVERY_S = 3600.0
HEALTH_RETENTION_S = 30 * 24 * 3600.0
FLUSH_S = 5.0


def build_senders(config: WatchConfig, store: EventStore, mqtt=None) -> dict:
    from movenet.alerts.senders import AppriseSender, CommandSender, PostSender

    senders = {}
    if mqtt is not None:
        senders["mqtt"] = mqtt.publish_event
    attach = None
    if config.notify.attach != "none":
        def attach(event: dict) -> str | None:
            for item in event.get("evidence", []):
                if item["kind"] == "snapshot" and not item.get("deleted"):
                    found = store.evidence(item["id"])
                    return str(found[0]) if found else None
            return None
    for i, url in enumerate(config.notify.apprise):
        senders[f"apprise:{i}"] = AppriseSender(url, attach)
    if config.notify.on_event:
        senders["command"] = CommandSender(config.notify.on_event)
    if config.notify.post:
        senders["post"] = PostSender(config.notify.post)
    return senders


class Watcher:
    def __init__(self, config: WatchConfig, *, engine: str = "local", ray_address: str | None = None,
                 detector_factory=None) -> None:
        from movenet.storage import Database, data_dir

        self.config = config
        self.engine_name = engine
        self.ray_address = ray_address
        self.db = Database(config.database)
        self.db.upgrade()
        self.store = EventStore(self.db)
        self.evidence_dir = Path(config.evidence_dir) if config.evidence_dir else data_dir() / "evidence"
        self.evidence_dir.mkdir(parents=True, exist_ok=True)
        self.mqtt = None
        if config.mqtt is not None:
            from movenet.alerts.mqtt import MqttAlerts

            self.mqtt = MqttAlerts(config.mqtt.url, config.rooms(), prefix=config.mqtt.prefix,
                                   discovery=config.mqtt.discovery, discovery_prefix=config.mqtt.discovery_prefix,
                                   log=log.warning, on_connected=self._broker_back)
        from movenet.alerts.deliver import Deliverer

        self.deliverer = Deliverer(self.store, build_senders(config, self.store, self.mqtt), log=log.warning,
                                   on_delivered=self._delivered)
        self.merger = RoomMerger(config.merge_window_s)
        self._keys: dict[str, int] = {}
        self._states: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.latencies: list[tuple[str, float]] = []  # (target, seconds from confirmation to delivery)
        self._detector_factory = detector_factory
        self.engine = None

    # -- messages from the cameras ------------------------------------------------------------
    def handle(self, message: dict) -> None:
        with self._lock:
            kind = message.get("type")
            if kind == "event":
                self._event(message)
            elif kind == "evidence":
                event_id = self._keys.get(message["key"])
                if event_id is not None:
                    for file_kind, path, media in message["files"]:
                        self.store.add_evidence(event_id, file_kind, path, media)
            elif kind == "state":
                self._states.setdefault(message["camera"], {}).update({k: v for k, v in message.items() if k != "type"})
                if self.mqtt is not None:
                    self.mqtt.publish_state(message["camera"], self._states[message["camera"]])

    def _event(self, m: dict) -> None:
        merged = self.merger.find(m["room"], m["kind"], m["confirmed_at"])
        if merged is not None:
            self.store.merge_camera(merged, m["camera"])
            self._keys[m["key"]] = merged
            log.warning("%s seen by camera %s too: merged into event %d (room %s)", m["kind"].upper(), m["camera"],
                        merged, m["room"])
            return
        record = EventRecord(camera=m["camera"], kind=m["kind"], confirmed_at=m["confirmed_at"], started_at=m["started_at"],
                             stream_ms=m["stream_ms"], confidence=m["confidence"], track_id=m["track_id"], room=m["room"],
                             method=m.get("method", "default"), reason=m.get("reason", {}))
        evidence = [("snapshot", m["snapshot"], "image/jpeg")] if m.get("snapshot") else []
        event_id, created = self.store.add_event(record, targets=list(self.deliverer.senders), evidence=evidence)
        self._keys[m["key"]] = event_id
        self.merger.add(m["room"], m["kind"], m["confirmed_at"], event_id)
        if created:
            who = "person" if m["track_id"] is None else f"person {m['track_id']}"
            log.warning("%s: camera %s%s, %s (confidence %.2f): event %d", m["kind"].upper(), m["camera"],
                        f" ({m['room']})" if m["room"] else "", who, m["confidence"], event_id)
            self.deliverer.wake()

    def _broker_back(self) -> None:
        """Events that waited for the broker go now, not at their backoff time."""
        try:
            if self.store.retry_now({"mqtt"}):
                self.deliverer.wake()
        except Exception as exc:  # noqa: BLE001 - the deliverer's own schedule still applies
            log.error("retry after reconnect: %s", exc)

    def _delivered(self, row: dict, at: float) -> None:
        confirmed = row["payload"].get("confirmed_at")
        if confirmed:
            self.latencies.append((row["target"], at - confirmed))
        log.info("event %d delivered to %s", row["event_id"], row["target"])

    # -- running -------------------------------------------------------------------------------
    def start(self) -> Watcher:
        from movenet.watch.engines import engine_for

        pending = self.store.pending()
        if pending:
            log.warning("%d alert(s) from before are still to be delivered: sending them now", len(pending))
            self.store.retry_now()
        if self.mqtt is not None:
            self.mqtt.start()
        self.deliverer.start()
        self.engine = engine_for(self.engine_name, self.config, self.evidence_dir, self.handle,
                                 address=self.ray_address, detector_factory=self._detector_factory)
        self.engine.start()
        names = ", ".join(c.name for c in self.config.cameras)
        log.warning("watching %d camera(s): %s; events in %s; evidence in %s", len(self.config.cameras), names,
                    self.db.safe_url, self.evidence_dir)
        return self

    def sample_health(self) -> dict[str, dict]:
        samples = self.engine.health()
        for camera, sample in samples.items():
            self.store.record_health(camera, sample)
            connected = sample["connected"]
            line = (f"camera {camera}: {sample['state']}, {sample['fps']:.1f} fps read, {sample['analysed_fps']:.1f} "
                    f"analysed, {sample['dropped']} dropped, {sample['reconnects']} reconnects, CPU {sample['cpu_percent']:.0f} %")
            if sample.get("last_frame_age_s") is not None:
                line += f", last frame {sample['last_frame_age_s']:.1f} s ago"
            if not connected and sample.get("last_error"):
                line += f" ({sample['last_error']})"
            log.warning(line)
            state = self._states.setdefault(camera, {"down": False, "people": 0})
            state.update(connected=connected, fps=sample["analysed_fps"], state=sample["state"])
            if self.mqtt is not None:
                self.mqtt.publish_state(camera, state)
        return samples

    def run(self) -> None:
        """Until `stop()`: health samples, evidence retention, restarts of failed cameras."""
        next_health = time.monotonic() + self.config.health_interval_s
        next_retention = time.monotonic()
        while not self._stop.wait(0.2):
            now = time.monotonic()
            if now >= next_health:
                next_health = now + self.config.health_interval_s
                try:
                    self.sample_health()
                except Exception as exc:  # noqa: BLE001 - the database away: try at the next one
                    log.error("health: %s", exc)
                self.engine.restart_failed(RESTART_S)
            if now >= next_retention:
                next_retention = now + RETENTION_EVERY_S
                self.retention()

    def retention(self) -> None:
        try:
            removed = self.store.apply_retention(max_age_s=self.config.retention_days * 86400.0,
                                                 max_bytes=int(self.config.retention_mb * 1024 * 1024))
            self.store.prune_health(HEALTH_RETENTION_S)
            if removed:
                log.warning("retention: %d evidence file(s) deleted (the events stay)", removed)
        except Exception as exc:  # noqa: BLE001
            log.error("retention: %s", exc)

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        """Stop the cameras (pending evidence written), deliver what can go, say goodbye."""
        if self.engine is not None:
            self.engine.stop()
        try:
            self.sample_health()
        except Exception:  # noqa: BLE001
            pass
        self.deliverer.stop(FLUSH_S)
        if self.mqtt is not None:
            self.mqtt.close()
        left = self.store.pending()
        if left:
            log.warning("%d alert(s) not delivered yet: kept in the store, sent at the next start", len(left))
        log.warning("stopped")
        self.db.dispose()
