"""What the watcher tests share: configs, an MQTT subscriber, waiting for a condition."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

WAIT_S = 60.0  # generous: a loaded 2-core machine


def wait_for(condition, timeout_s: float = WAIT_S, every_s: float = 0.1, what: str = "the condition"):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every_s)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def write_config(tmp_path: Path, cameras: list[dict], *, mqtt: str | None = None, watch: dict | None = None,
                 notify: dict | None = None) -> Path:
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(v)

    settings = {"database": f"sqlite:///{tmp_path / 'watch.db'}", "evidence_dir": str(tmp_path / "evidence"),
                "health_interval_s": 1.0, "clip_before_s": 1.0, "clip_after_s": 1.0, **(watch or {})}
    lines = ["[watch]"] + [f"{k} = {value(v)}" for k, v in settings.items()]
    if mqtt:
        lines += ["", "[mqtt]", f"url = {value(mqtt)}"]
    if notify:
        lines += ["", "[notify]"] + [f"{k} = {value(v)}" for k, v in notify.items()]
    for camera in cameras:
        camera = dict(camera)
        falls = camera.pop("falls", {"confirm_s": 2.0})
        zones = camera.pop("zones", [])
        lines += ["", "[[cameras]]"] + [f"{k} = {value(v)}" for k, v in camera.items()]
        lines += ["[cameras.falls]"] + [f"{k} = {value(v)}" for k, v in falls.items()]
        for zone in zones:
            lines += ["[[cameras.zones]]"] + [f"{k} = {value(v)}" for k, v in zone.items()]
    path = tmp_path / "watch.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


class Subscriber:
    """Every message on `topics` of a broker, with its arrival time (paho, its own thread)."""

    def __init__(self, port: int, topics=("#",)) -> None:
        import paho.mqtt.client as mqtt

        self.messages: list[tuple[float, str, str, bool]] = []
        self._lock = threading.Lock()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        self.client.on_message = self._on_message
        self.client.on_connect = lambda c, *a: [c.subscribe(t, qos=1) for t in topics]
        self.client.reconnect_delay_set(0.2, 0.5)
        self.client.connect_async("127.0.0.1", port)
        self.client.loop_start()

    def _on_message(self, client, userdata, message) -> None:
        with self._lock:
            self.messages.append((time.time(), message.topic, message.payload.decode(), bool(message.retain)))

    def on(self, topic: str) -> list[str]:
        with self._lock:
            return [payload for _, t, payload, _ in self.messages if t == topic]

    def events(self, camera: str) -> list[dict]:
        return [json.loads(p) for p in self.on(f"movenet/{camera}/event")]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
