"""`movenet watch` as a process, through faults: the broker down during a fall (delivered when it
is back), the watcher SIGKILLed with the alert still pending and started again (delivered, the
event stored once; the broker's last will says offline), SIGTERM (a clean stop), a camera password
(never in the log, `--status`, the store or the web page), a malformed config (one line, its
line number)."""

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from camera_servers import Mosquitto, RtspServer, why_no_mosquitto, why_no_rtsp
from conftest import REPO
from watch_helpers import Subscriber, wait_for, write_config

pytest.importorskip("sqlalchemy", reason="the watcher needs the db extra")
pytest.importorskip("paho.mqtt", reason="the MQTT tests need paho-mqtt (the mqtt extra)")
requires_servers = [pytest.mark.skipif(why_no_rtsp() is not None, reason=str(why_no_rtsp())),
                    pytest.mark.skipif(why_no_mosquitto() is not None, reason=str(why_no_mosquitto()))]
PASSWORD = "s3cr:t@pass"


def start_watch(config, log, *extra):
    return subprocess.Popen([sys.executable, "-m", "movenet", "watch", str(config), *extra], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=open(log, "ab"))


def rows(db, query):
    with sqlite3.connect(db) as connection:
        return connection.execute(query).fetchall()


def pending_failing(db) -> bool:
    try:
        return rows(db, "select count(*) from outbox where attempts > 0")[0][0] > 0
    except sqlite3.OperationalError:  # the tables are being made
        return False


@requires_servers[0]
@requires_servers[1]
def test_killed_during_a_fall_with_the_broker_down_loses_nothing(tmp_path):
    with RtspServer(user="cam", password=PASSWORD) as rtsp:
        broker = Mosquitto()  # not started yet: down during the fall
        url = rtsp.url(user="cam", password=PASSWORD)
        config = write_config(tmp_path, [{"name": "kitchen", "url": url, "room": "kitchen"}],
                              mqtt=f"mqtt://127.0.0.1:{broker.port}")
        db, log = tmp_path / "watch.db", tmp_path / "watch.log"
        first = start_watch(config, log)
        try:
            wait_for(lambda: db.exists() and pending_failing(db),
                     what="the fall stored, its delivery failing")
        finally:
            first.kill()  # SIGKILL: no goodbye, nothing flushed
            first.wait()
        assert rows(db, "select count(*) from outbox where delivered_at is null")[0][0] == 1
        broker.start()
        subscriber = Subscriber(broker.port)
        wait_for(lambda: subscriber.client.is_connected(), what="the subscriber")
        second = start_watch(config, log)
        try:
            message = wait_for(lambda: [m for m in subscriber.events("kitchen") if m["event"] == "fall"],
                               what="the pending alert after the restart")[0]
            wait_for(lambda: subscriber.on("movenet/status") and subscriber.on("movenet/status")[-1] == "online",
                     what="online")
            second.kill()  # the broker publishes the last will
            second.wait()
            wait_for(lambda: subscriber.on("movenet/status")[-1] == "offline", what="the last will")
            third = start_watch(config, log, "--serve", "0")  # with the web pages in the same process
            wait_for(lambda: subscriber.on("movenet/status")[-1] == "online", what="online again")
            import re
            import urllib.request

            pages = wait_for(lambda: re.search(r"pages: (http://\S+/)cameras", log.read_text()), what="the pages")
            wait_for(lambda: "kitchen" in urllib.request.urlopen(pages.group(1) + "api/cameras", timeout=10).read().decode(),
                     what="the camera on the page")
            page = urllib.request.urlopen(pages.group(1) + "api/cameras", timeout=10).read().decode()
            page += urllib.request.urlopen(pages.group(1) + "api/events", timeout=10).read().decode()
            time.sleep(1.0)
            third.send_signal(signal.SIGTERM)
            assert third.wait(60) == 0
        finally:
            for process in (second,):
                if process.poll() is None:
                    process.kill()
            subscriber.close()
            broker.close()
        status = subprocess.run([sys.executable, "-m", "movenet", "watch", str(config), "--status"], cwd=REPO,
                                capture_output=True, text=True, timeout=120)
    first_fall = rows(db, "select id from events where kind = 'fall' order by id")[0][0]
    assert message["id"] == first_fall  # the event of the killed run, not a new one
    assert rows(db, "select count(*) from outbox where delivered_at is null")[0][0] == 0
    text = log.read_text()
    assert "still to be delivered: sending them now" in text and text.rstrip().endswith("stopped")
    # The password is nowhere: log, status, stored health, events.
    dump = json.dumps(rows(db, "select * from camera_health")) + json.dumps(rows(db, "select * from events"))
    assert "cam:***@127.0.0.1" in page
    for place in (text, status.stdout + status.stderr, dump, page):
        assert PASSWORD not in place and "s3cr%3At%40pass" not in place
    assert "cam:***@127.0.0.1" in status.stdout
    assert status.returncode == 1 and " stopped " in status.stdout  # the last sample, at SIGTERM


def test_malformed_config_is_one_line_with_its_line_number(tmp_path, capsys):
    from movenet.cli.main import main

    bad = tmp_path / "bad.toml"
    bad.write_text('[watch]\nhealth_interval_s = 30\n\n[[cameras]]\nname = "hall"\nurl = "rtsp://h/x"\nmodel = "fast"\n')
    assert main(["watch", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{bad}:7: model must be one of lightning, thunder" in err
    bad.write_text('[[cameras]]\nname = "hall"\nurl = rtsp://h/x\n')
    assert main(["watch", str(bad), "--check"]) == 2
    assert f"{bad}:3:" in capsys.readouterr().err
    bad.write_text('[watch]\n')
    assert main(["watch", str(bad), "--check"]) == 2
    assert "no cameras" in capsys.readouterr().err
    good = write_config(tmp_path, [{"name": "hall", "url": "rtsp://user:pw@10.0.0.9/x", "zones": [
        {"name": "bed", "polygon": [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5]]}]}])
    assert main(["watch", str(good), "--check"]) == 0
    assert "1 camera(s) ok: hall" in capsys.readouterr().out


@requires_servers[0]
@requires_servers[1]
def test_falls_command_publishes_to_mqtt_with_a_password(tmp_path):
    """`movenet falls URL --mqtt mqtt://user:pass@... --camera NAME`: the event on the broker
    (which requires the password), discovery for the camera, the password in no output."""
    with RtspServer() as rtsp, Mosquitto(user="ha", password=PASSWORD) as broker:
        import paho.mqtt.client as mqtt

        messages = []
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        client.username_pw_set("ha", PASSWORD)
        client.on_connect = lambda c, *a: c.subscribe("#", qos=1)
        client.on_message = lambda c, u, m: messages.append((m.topic, m.payload.decode()))
        client.connect("127.0.0.1", broker.port)
        client.loop_start()
        from urllib.parse import quote

        url = f"mqtt://ha:{quote(PASSWORD, safe='')}@127.0.0.1:{broker.port}"
        done = subprocess.run([sys.executable, "-m", "movenet", "falls", rtsp.url(), "--mqtt", url, "--camera", "hall",
                               "--confirm-s", "2", "--threads", "1", "--max-frames", "90", "--read-timeout-s", "2"],
                              cwd=REPO, capture_output=True, text=True, timeout=180)
        wait_for(lambda: any(t == "movenet/hall/event" for t, _ in messages), what="the event on the broker")
        client.loop_stop()
    assert done.returncode == 0, done.stderr
    event = json.loads(next(p for t, p in messages if t == "movenet/hall/event"))
    assert event["event_type"] == "fall" and event["camera"] == "hall" and event["confirmed_ms"] == pytest.approx(4600, abs=200)
    assert any(t == "homeassistant/binary_sensor/movenet_hall/person_down/config" for t, _ in messages)
    assert PASSWORD not in done.stderr + done.stdout and quote(PASSWORD, safe="") not in done.stderr


@requires_servers[1]
def test_mqtt_over_tls_with_a_password(tmp_path):
    """mqtts:// with the broker's CA (?ca=FILE) and a user name and password: connected, the event
    acknowledged by the broker; a plain mqtt:// client cannot talk to the TLS port."""
    import shutil

    if shutil.which("openssl") is None:
        pytest.skip("needs openssl to make the broker's certificate")
    from urllib.parse import quote

    from movenet.alerts.mqtt import MqttAlerts

    with Mosquitto(user="ha", password=PASSWORD, tls=True) as broker:
        secure = MqttAlerts(f"mqtts://ha:{quote(PASSWORD, safe='')}@127.0.0.1:{broker.port}?ca={broker.ca}", {"hall": None}).start()
        plain = MqttAlerts(f"mqtt://ha:{quote(PASSWORD, safe='')}@127.0.0.1:{broker.port}", {"hall": None}).start()
        try:
            assert secure.wait_connected(20)
            secure.publish_event({"id": 1, "event": "fall", "event_type": "fall", "camera": "hall"})
            assert not plain.wait_connected(2)
            with pytest.raises(ConnectionError, match=r"not connected to mqtt://ha:\*\*\*@127.0.0.1"):
                plain.publish_event({"id": 1, "event": "fall", "camera": "hall"})
        finally:
            secure.close()
            plain.close()
