"""Figure: from a fall's confirmation to its MQTT message at a subscriber, p50/p95/max, with N
cameras (default 4) at 640x480, 15 fps in one `movenet watch`. The looped GMDCSA24 fall clip
gives a fall and a recovery per loop (confirm_s 2, cooldown_s 1); `confirmed_at` in each message is
the wall-clock arrival of the frame that confirmed it; the subscriber (Debian's mosquitto on
loopback) stamps arrival. Target: p95 under 1 s.

    flock /tmp/movenet-cpu.lock .venv/bin/python tools/bench_mqtt_latency.py --seconds 120 --out /tmp/mqtt.json
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import threading
import time
from pathlib import Path

from camera_bench import LoopingCameras, Mosquitto, bench_clip, dump, machine, write_config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cameras", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--out")
    args = parser.parse_args()
    logging.getLogger("movenet").setLevel(logging.ERROR)
    import paho.mqtt.client as mqtt

    from movenet.watch.config import load_config
    from movenet.watch.service import Watcher

    received = []
    with LoopingCameras(bench_clip(), args.cameras) as server, Mosquitto() as broker, tempfile.TemporaryDirectory() as folder:
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        client.on_connect = lambda c, *a: c.subscribe("movenet/+/event", qos=1)
        client.on_message = lambda c, u, m: received.append((time.time(), json.loads(m.payload)))
        client.connect("127.0.0.1", broker.port)
        client.loop_start()
        urls = [server.url(f"/cam{i}") for i in range(args.cameras)]
        config = write_config(Path(folder), urls, mqtt=f"mqtt://127.0.0.1:{broker.port}",
                              falls={"confirm_s": 2.0, "cooldown_s": 1.0}, health_interval_s=10)
        watcher = Watcher(load_config(config))
        thread = threading.Thread(target=lambda: (watcher.start(), watcher.run()), daemon=True)
        thread.start()
        time.sleep(args.seconds)
        watcher.stop()
        thread.join(30)
        watcher.close()
        client.loop_stop()
        # Where the time goes: confirmation -> stored (analysis thread to the store), stored ->
        # delivered (the outbox: the broker's PUBACK), delivered -> received (the subscriber).
        from sqlalchemy import text

        with watcher.db.session() as s:
            rows = s.execute(text("select e.id, e.confirmed_at, e.created_at, o.delivered_at from events e "
                                  "join outbox o on o.event_id = e.id")).all()
        stored = sorted(created - confirmed for _, confirmed, created, _ in rows)
        sent = sorted(delivered - created for _, _, created, delivered in rows if delivered)
    lags = sorted(at - event["confirmed_at"] for at, event in received)
    kinds: dict[str, int] = {}
    for _, event in received:
        kinds[event["event"]] = kinds.get(event["event"], 0) + 1
    p95 = lags[max(0, round(0.95 * len(lags)) - 1)] if lags else None
    dump({"machine": machine(), "cameras": args.cameras, "seconds": args.seconds, "messages": len(lags), "kinds": kinds,
          "p50_s": round(statistics.median(lags), 3) if lags else None, "p95_s": round(p95, 3) if p95 is not None else None,
          "max_s": round(max(lags), 3) if lags else None, "target_p95_s": 1.0,
          "confirmed_to_stored_p50_p95_s": [round(statistics.median(stored), 3), round(stored[int(0.95 * (len(stored) - 1))], 3)] if stored else None,
          "stored_to_delivered_p50_p95_s": [round(statistics.median(sent), 3), round(sent[int(0.95 * (len(sent) - 1))], 3)] if sent else None,
          "met": p95 is not None and p95 < 1.0}, args.out)


if __name__ == "__main__":
    main()
