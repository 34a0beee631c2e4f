"""The event store on SQLite and PostgreSQL: events with their outbox written together, replayed
keys kept once, merging, acknowledgements, retention that deletes files but never events, health
history; at-least-once delivery through failures and a restart; `movenet events` list, show,
export (JSON lines, CSV) and ack."""

import csv
import io
import json
import time

import pytest

from movenet.alerts.deliver import Deliverer
from movenet.events import EventNotFound, EventRecord, EventStore


@pytest.fixture
def store(database_url):
    from movenet.storage import Database

    database = Database(database_url)
    database.upgrade()
    yield EventStore(database)
    database.dispose()


def record(camera="hall", kind="fall", at=1_800_000_000.0, room="hall", track=None):
    return EventRecord(camera, kind, at, at - 2.0, 4600.0, 0.91, track_id=track, room=room, reason={"fall_s": 1.0})


def test_event_and_outbox_written_together_once(store):
    event_id, created = store.add_event(record(), targets=["mqtt", "apprise:0"])
    again, created_again = store.add_event(record(), targets=["mqtt", "apprise:0"])  # a replay of the same event
    assert created and not created_again and again == event_id
    due = store.due()
    assert [d["target"] for d in due] == ["mqtt", "apprise:0"] and due[0]["payload"]["event_type"] == "fall"
    assert due[0]["payload"]["id"] == event_id and due[0]["payload"]["cameras"] == ["hall"]
    store.merge_camera(event_id, "window")
    assert store.get(event_id)["cameras"] == ["hall", "window"]
    assert [e["id"] for e in store.list_events(camera="window")] == [event_id]
    with pytest.raises(EventNotFound):
        store.get(event_id + 100)


def test_acks_filters_and_retention(store, tmp_path):
    first, _ = store.add_event(record(at=1_800_000_000.0))
    second, _ = store.add_event(record(camera="kitchen", room="kitchen", at=1_800_000_100.0))
    store.ack(first, by="ana", note="checked")
    assert [e["id"] for e in store.list_events()] == [second, first]  # newest first
    assert [e["id"] for e in store.list_events(unacknowledged=True)] == [second]
    assert [e["id"] for e in store.list_events(since=1_800_000_050.0)] == [second]
    files = []
    for i, event in enumerate((first, second)):
        path = tmp_path / f"clip{i}.webm"
        path.write_bytes(b"x" * 1000)
        files.append(path)
        store.add_evidence(event, "clip", path, "video/webm")
    now = time.time()
    assert store.apply_retention(max_bytes=1500, now=now) == 1  # the oldest goes first
    assert not files[0].exists() and files[1].exists()
    assert store.get(first)["evidence"][0]["deleted"] and store.get(first)["acks"][0]["by"] == "ana"  # the event stays
    assert store.apply_retention(max_age_s=60, now=now + 120) == 1
    assert len(store.list_events()) == 2


def test_health_history(store):
    sample = {"state": "connected", "connected": True, "fps": 15.0, "analysed_fps": 15.0, "frames": 10, "dropped": 0,
              "reconnects": 0, "cpu_percent": 20.0, "last_frame_age_s": 0.1, "last_error": None, "url": "rtsp://h/x"}
    store.record_health("hall", sample, at=100.0)
    store.record_health("hall", {**sample, "connected": False, "state": "reconnecting"}, at=101.0)
    store.record_health("door", sample, at=101.0)
    latest = store.latest_health()
    assert latest["hall"]["state"] == "reconnecting" and latest["door"]["connected"]
    assert [h["at"] for h in store.health_history("hall")] == [100.0, 101.0]
    assert store.prune_health(4.5, now=105.0) == 1 and store.prune_health(3, now=105.0) == 2


def test_at_least_once_through_failures_and_a_restart(store):
    event_id, _ = store.add_event(record(), targets=["flaky"])
    attempts = []

    def flaky(event):
        attempts.append(event["id"])
        if len(attempts) < 3:
            raise ConnectionError("broker away")

    first = Deliverer(store, {"flaky": flaky})
    assert first.pass_once() == 0  # failed: retried later, never dropped
    assert store.pending()[0]["last_error"] == "broker away"
    # The process dies here; a new one (same store) finds the row and sends it when due.
    second = Deliverer(store, {"flaky": flaky})
    store.retry_now()
    assert second.pass_once() == 0
    store.retry_now()
    assert second.pass_once() == 1
    assert attempts == [event_id] * 3 and store.pending() == []
    assert store.deliveries(event_id)[0]["attempts"] == 3


def test_events_command(store, capsys, tmp_path):
    from movenet.cli.main import main

    url = store.db.url
    first, _ = store.add_event(record(at=1_800_000_000.0))
    store.add_event(record(camera="kitchen", room="kitchen", kind="long_lie", at=1_800_000_100.0))
    assert main(["events", "--db", url, "list", "--camera", "hall"]) == 0
    out = capsys.readouterr().out
    assert "fall" in out and "kitchen" not in out
    assert main(["events", "--db", url, "ack", str(first), "--by", "ana", "--note", "ok"]) == 0
    assert main(["events", "--db", url, "show", str(first)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["acks"][0]["by"] == "ana" and shown["deliveries"] == []
    assert main(["events", "--db", url, "export", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["event"] for r in rows] == ["fall", "long_lie"] and rows[0]["acknowledged"] == "True"
    target = tmp_path / "events.jsonl"
    assert main(["events", "--db", url, "export", "--unacknowledged", "--out", str(target)]) == 0
    assert [json.loads(line)["event"] for line in target.read_text().splitlines()] == ["long_lie"]
    assert main(["events", "--db", url, "show", "999"]) == 2
    assert "no event 999" in capsys.readouterr().err
    config = tmp_path / "watch.toml"
    config.write_text(f'[watch]\ndatabase = "{url}"\n[[cameras]]\nname = "hall"\nurl = "rtsp://h/x"\n')
    assert main(["events", "--config", str(config), "list", "--json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
