"""MQTT alerts with paho-mqtt (the `mqtt` extra): events, camera states, availability (a last
will), and Home Assistant MQTT discovery.

Topics (prefix `movenet` by default):
- `movenet/status`: `online` (retained) while the process runs; the broker publishes the last
  will `offline` (retained) when the connection is lost without a goodbye (a crash, a kill).
- `movenet/<camera>/availability`: `online` / `offline` (retained): the camera's stream.
- `movenet/<camera>/event`: each event as JSON (QoS 1, not retained), with `event_type` for Home
  Assistant's event entity: `fall`, `long_lie`, `recovered` (and the detector's other kinds).
- `movenet/<camera>/state`: `{"down": bool, "connected": bool, "fps", "people", ...}` (retained).
Discovery (retained, under `homeassistant/`): per camera a `binary_sensor` with
`device_class: safety` (on = someone is down) and an `event` entity with the event types.

URL: `mqtt://[USER:PASSWORD@]HOST[:1883]` or `mqtts://...[:8883]` (TLS, the system's CAs; `?ca=FILE`
for a private CA). An event counts as delivered only when the broker acknowledged it (PUBACK).
"""

from __future__ import annotations

import json
import ssl
import threading
import urllib.parse
from dataclasses import dataclass

from movenet.errors import InvalidOptionError
from movenet.io.streams import redact_stream_url

DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}
KEEPALIVE_S = 30
PUBLISH_TIMEOUT_S = 5.0
EVENT_TYPES = ("fall", "long_lie", "recovered", "down_at_end")


@dataclass(frozen=True)
class MqttTarget:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None
    ca: str | None
    safe_url: str


def parse_mqtt_url(url: str) -> MqttTarget:
    parts = urllib.parse.urlsplit(url)
    safe = redact_mqtt_url(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise InvalidOptionError(f"{safe}: an MQTT broker URL is mqtt://[USER:PASSWORD@]HOST[:PORT] or mqtts://... (TLS)")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise InvalidOptionError(f"{safe}: the port is not a number") from None
    query = dict(urllib.parse.parse_qsl(parts.query))
    unquote = urllib.parse.unquote
    return MqttTarget(parts.hostname, port, parts.scheme == "mqtts", unquote(parts.username) if parts.username else None,
                      unquote(parts.password) if parts.password else None, query.get("ca"), safe)


def redact_mqtt_url(url: str) -> str:
    return redact_stream_url(url)


def topic_name(camera: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in camera)


class MqttAlerts:
    """One connection to the broker (paho's network thread), reconnecting by itself."""

    def __init__(self, url: str, cameras: dict[str, str | None] | None = None, *, prefix: str = "movenet",
                 discovery: bool = True, discovery_prefix: str = "homeassistant", client_id: str | None = None,
                 publish_timeout_s: float = PUBLISH_TIMEOUT_S, log=None, on_connected=None) -> None:
        try:
            import paho.mqtt.client as mqtt
        except ImportError as exc:
            raise InvalidOptionError("MQTT needs paho-mqtt: pip install 'movenet[mqtt]'") from exc
        self.target = parse_mqtt_url(url)
        self.cameras = dict(cameras or {})  # name -> room
        self.prefix, self.discovery, self.discovery_prefix = prefix.rstrip("/"), discovery, discovery_prefix.rstrip("/")
        self.publish_timeout_s = publish_timeout_s
        self._log = log or (lambda line: None)
        self._on_connected = on_connected  # e.g. send what waited for the broker now
        self._connected = threading.Event()
        self._mqtt = mqtt
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id or "", clean_session=True)
        if self.target.username is not None:
            self.client.username_pw_set(self.target.username, self.target.password)
        if self.target.tls:
            self.client.tls_set(ca_certs=self.target.ca, cert_reqs=ssl.CERT_REQUIRED)
        self.client.will_set(self.status_topic, "offline", qos=1, retain=True)
        self.client.reconnect_delay_set(min_delay=1, max_delay=10)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self._was_connected = False

    @property
    def status_topic(self) -> str:
        return f"{self.prefix}/status"

    def topic(self, camera: str, leaf: str) -> str:
        return f"{self.prefix}/{topic_name(camera)}/{leaf}"

    def start(self) -> MqttAlerts:
        self.client.connect_async(self.target.host, self.target.port, keepalive=KEEPALIVE_S)
        self.client.loop_start()
        return self

    def wait_connected(self, timeout_s: float) -> bool:
        return self._connected.wait(timeout_s)

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def _on_connect(self, client, userdata, flags, reason_code, properties=None) -> None:
        if reason_code.is_failure:
            self._log(f"MQTT {self.target.safe_url}: connection refused ({reason_code})")
            return
        client.publish(self.status_topic, "online", qos=1, retain=True)
        if self.discovery:
            for camera, room in self.cameras.items():
                for topic, config in discovery_configs(camera, room, self.prefix, self.discovery_prefix):
                    client.publish(topic, json.dumps(config), qos=1, retain=True)
        self._connected.set()
        self._log(f"MQTT {self.target.safe_url}: connected" + (" again" if self._was_connected else ""))
        self._was_connected = True
        if self._on_connected is not None:
            self._on_connected()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties=None) -> None:
        if self._connected.is_set():
            self._log(f"MQTT {self.target.safe_url}: disconnected ({reason_code}); reconnecting")
        self._connected.clear()

    def publish_event(self, event: dict) -> None:
        """Publish one event and wait for the broker's PUBACK; raises when it is not taken."""
        if not self._connected.is_set():
            raise ConnectionError(f"not connected to {self.target.safe_url}")
        info = self.client.publish(self.topic(event["camera"], "event"), json.dumps(event), qos=1, retain=False)
        if info.rc != self._mqtt.MQTT_ERR_SUCCESS:
            raise ConnectionError(f"publish to {self.target.safe_url} failed ({self._mqtt.error_string(info.rc)})")
        info.wait_for_publish(self.publish_timeout_s)
        if not info.is_published():
            raise TimeoutError(f"{self.target.safe_url} did not acknowledge within {self.publish_timeout_s:g} s")

    def publish_state(self, camera: str, state: dict) -> None:
        """The camera's state (retained); dropped while disconnected (the next one replaces it)."""
        if self._connected.is_set():
            self.client.publish(self.topic(camera, "state"), json.dumps(state), qos=1, retain=True)
            self.client.publish(self.topic(camera, "availability"), "online" if state.get("connected") else "offline",
                                qos=1, retain=True)

    def close(self) -> None:
        """Say goodbye (status offline, retained) and stop the network thread."""
        try:
            if self._connected.is_set():
                for camera in self.cameras:
                    self.client.publish(self.topic(camera, "availability"), "offline", qos=1, retain=True)
                self.client.publish(self.status_topic, "offline", qos=1, retain=True).wait_for_publish(2.0)
        finally:
            self.client.disconnect()
            self.client.loop_stop()


def discovery_configs(camera: str, room: str | None, prefix: str = "movenet",
                      discovery_prefix: str = "homeassistant") -> list[tuple[str, dict]]:
    """Home Assistant MQTT discovery: (topic, config) of the camera's binary sensor and event entity."""
    name = topic_name(camera)
    device = {"identifiers": [f"movenet_{name}"], "name": f"movenet {camera}", "manufacturer": "movenet",
              "model": "MoveNet fall detection"}
    if room:
        device["suggested_area"] = room
    availability = [{"topic": f"{prefix}/status"}, {"topic": f"{prefix}/{name}/availability"}]
    sensor = {
        "name": "Person down", "unique_id": f"movenet_{name}_person_down", "device_class": "safety",
        "state_topic": f"{prefix}/{name}/state", "value_template": "{{ 'ON' if value_json.down else 'OFF' }}",
        "json_attributes_topic": f"{prefix}/{name}/state", "availability": availability, "availability_mode": "all",
        "device": device,
    }
    event = {
        "name": "Fall event", "unique_id": f"movenet_{name}_fall_event", "event_types": list(EVENT_TYPES),
        "state_topic": f"{prefix}/{name}/event", "availability": availability, "availability_mode": "all",
        "device": device,
    }
    return [(f"{discovery_prefix}/binary_sensor/movenet_{name}/person_down/config", sensor),
            (f"{discovery_prefix}/event/movenet_{name}/fall/config", event)]
