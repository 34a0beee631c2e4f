"""The watcher's pages in `movenet serve`, over real HTTP with a login: events filtered by camera,
acknowledged by the logged-in account (not by a viewer), evidence served only to a session with
the right role, camera health without passwords; and in Chromium: log in, open an event, the
WebM clip plays."""

import json
import time

import cv2
import numpy as np
import pytest
import serve_helpers  # noqa: F401 - skips without the serve extra
from serve_helpers import request

from movenet.serve import BackgroundServer, ServeConfig

pytest.importorskip("sqlalchemy", reason="the event store needs the db extra")
PASSWORD = "a-long-password"


def make_clip(path, frames=20):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"VP80"), 10, (160, 120))
    for i in range(frames):
        writer.write(np.full((120, 160, 3), (i * 12) % 255, np.uint8))
    writer.release()
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from movenet.accounts import AccountStore
    from movenet.events import EventRecord, EventStore
    from movenet.serve.cameras import EventPages
    from movenet.storage import Database

    folder = tmp_path_factory.mktemp("pages")
    database = Database(f"sqlite:///{folder / 'movenet.db'}")
    database.upgrade()
    accounts = AccountStore(database)
    for name, role, patient in (("ana", "admin", None), ("vic", "viewer", None), ("pat", "patient", "P1")):
        accounts.create(name, role=role, password=PASSWORD, patient_id=patient)
    events = EventStore(database)
    now = time.time()
    snapshot = folder / "snap.jpg"
    cv2.imwrite(str(snapshot), np.zeros((120, 160, 3), np.uint8))
    hall, _ = events.add_event(EventRecord("door", "fall", now - 60, now - 62, 4600, 0.9, room="hall"),
                               evidence=[("snapshot", snapshot, "image/jpeg")])
    events.merge_camera(hall, "window")
    events.add_evidence(hall, "clip", make_clip(folder / "clip.webm"), "video/webm")
    kitchen, _ = events.add_event(EventRecord("kitchen", "fall", now - 30, now - 32, 9000, 0.8, room="kitchen"))
    events.record_health("door", {"state": "connected", "connected": True, "fps": 15.0, "analysed_fps": 14.8, "frames": 900,
                                  "dropped": 3, "reconnects": 1, "cpu_percent": 31.0, "last_frame_age_s": 0.1,
                                  "last_error": None, "url": "rtsp://admin:***@10.0.0.5/stream1"})
    config = ServeConfig(port=0, threads=1, auth="on")
    with BackgroundServer(config, store=accounts, event_pages=EventPages(store=events)) as server:
        server.ids = {"hall": hall, "kitchen": kitchen}
        server.folder = folder
        yield server


def session(server, name):
    body = json.dumps({"name": name, "password": PASSWORD}).encode()
    status, headers, _ = request(server.url + "api/login", body, {"Content-Type": "application/json"})
    assert status == 200
    return {"Cookie": headers["set-cookie"].split(";")[0]}


def test_events_filtered_and_acknowledged(site):
    admin, viewer = session(site, "ana"), session(site, "vic")
    status, _, listed = request(site.url + "api/events", headers=viewer)
    assert status == 200 and [e["id"] for e in listed["events"]] == [site.ids["kitchen"], site.ids["hall"]]
    assert listed["cameras"] == ["door", "kitchen"]
    by_camera = request(site.url + "api/events?camera=window", headers=viewer)[2]["events"]
    assert [e["id"] for e in by_camera] == [site.ids["hall"]]  # merged: found by either camera
    url = f"{site.url}api/events/{site.ids['kitchen']}/ack"
    status, _, body = request(url, json.dumps({"note": "x"}).encode(), {**viewer, "Content-Type": "application/json"})
    assert status == 403 and "viewer" in body["error"]
    status, _, body = request(url, json.dumps({"note": "she is fine"}).encode(), {**admin, "Content-Type": "application/json"})
    assert status == 200 and body["acks"][0]["by"] == "ana" and body["acks"][0]["note"] == "she is fine"
    still_open = request(site.url + "api/events?unacknowledged=1", headers=admin)[2]["events"]
    assert [e["id"] for e in still_open] == [site.ids["hall"]]


def test_evidence_only_for_a_session_with_the_role(site):
    event = request(f"{site.url}api/events/{site.ids['hall']}", headers=session(site, "vic"))[2]
    clip = next(f for f in event["evidence"] if f["kind"] == "clip")
    url = f"{site.url}api/evidence/{clip['id']}"
    status, headers, body = request(url, headers=session(site, "vic"))
    assert status == 200 and headers["content-type"] == "video/webm" and body == (site.folder / "clip.webm").read_bytes()
    assert request(url)[0] == 401
    assert request(url, headers=session(site, "pat"))[0] == 403  # a patient account sees no camera
    assert request(f"{site.url}api/evidence/999", headers=session(site, "vic"))[0] == 404


def test_camera_health_page(site):
    viewer = session(site, "vic")
    status, _, page = request(site.url + "cameras", headers={**viewer, "Accept": "text/html"})
    assert status == 200 and b"/static/cameras.js" in page
    status, _, health = request(site.url + "api/cameras", headers=viewer)
    door = health["cameras"][0]
    assert door["camera"] == "door" and door["reconnects"] == 1 and door["url"] == "rtsp://admin:***@10.0.0.5/stream1"


def test_browser_logs_in_and_plays_the_clip(site):
    from browser import Browser, browser_missing, wait

    if browser_missing():
        pytest.skip(browser_missing())
    from selenium.webdriver.common.by import By

    with Browser(None) as browser:
        driver = browser.driver
        driver.get(site.url + "events")
        wait(driver, "return location.pathname === '/login'")  # redirected: not logged in
        driver.find_element(By.ID, "name").send_keys("vic")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait(driver, "return location.pathname === '/events' && document.querySelectorAll('#events tr').length === 2")
        driver.find_element(By.CSS_SELECTOR, f"tr[data-id='{site.ids['hall']}'] button.open").click()
        wait(driver, "const v = document.getElementById('clip'); return v.src && v.readyState >= 2")
        driver.execute_script("document.getElementById('clip').play()")
        played = wait(driver, "const v = document.getElementById('clip'); return v.currentTime > 0.3 && v.currentTime")
        size = driver.execute_script("const v = document.getElementById('clip'); return [v.videoWidth, v.videoHeight]")
        snapshot = wait(driver, "const i = document.getElementById('snapshot'); return i.complete && i.naturalWidth")
    assert played > 0.3 and size == [160, 120] and snapshot == 160
