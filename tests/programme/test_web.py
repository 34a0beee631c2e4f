"""The web app's programme pages and API behind the accounts, route by route over real HTTP and
WebSocket connections: admins see every patient, a therapist the patients linked to them, a
patient only themselves, viewers and strangers nothing."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "serve"))
import serve_helpers  # noqa: E402,F401 - skips without the serve extra
from serve_helpers import request  # noqa: E402

pytest.importorskip("sqlalchemy", reason="the programme pages need the db extra")

from movenet.serve import BackgroundServer, ServeConfig  # noqa: E402
from movenet.serve.programme_pages import install, programme_routes  # noqa: E402

PASSWORD = "a-long-password"
ACCOUNTS = {"ana": ("admin", None), "tess": ("therapist", None), "tom": ("therapist", None),
            "pat": ("patient", "P1"), "pia": ("patient", "P2"), "vic": ("viewer", None)}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    import datetime as dt

    from programme_demo import PROGRAMME, synthetic_history

    from movenet.accounts import AccountStore
    from movenet.programme import load_programme
    from movenet.programme.store import ProgrammeStore
    from movenet.storage import Database

    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'movenet.db'}"
    database = Database(url)
    database.upgrade()
    accounts = AccountStore(database)
    for name, (role, patient) in ACCOUNTS.items():
        accounts.create(name, role=role, password=PASSWORD, patient_id=patient)
    store = ProgrammeStore(database)
    programme = load_programme(PROGRAMME)
    start = dt.datetime(2025, 1, 6, tzinfo=dt.timezone.utc)
    ids = {code: store.save_sessions(synthetic_history(programme, code, n, start, seed=n), programme) for code, n in (("P1", 6), ("P2", 3))}
    for code in ids:
        store.assign(code, programme)
    store.link_therapist("P1", "tess")
    config = ServeConfig(port=0, threads=1, auth="on", database=url)
    with BackgroundServer(config, store=accounts, extra_routes=programme_routes()) as running:
        install(running.app, url)
        running.ids = ids
        running.cookies = {name: login(running, name) for name in ACCOUNTS}
        yield running


def login(server, name):
    body = json.dumps({"name": name, "password": PASSWORD}).encode()
    status, headers, _ = request(server.url + "api/login", body, {"Content-Type": "application/json"})
    assert status == 200
    return headers["set-cookie"].split(";")[0]


def get(server, who, path, method="GET"):
    headers = {"Cookie": server.cookies[who]} if who else {}
    return request(server.url + path.lstrip("/"), headers=headers, method=method)


SEES_P1 = {"ana", "tess", "pat"}


@pytest.mark.parametrize("path", [
    "/patients/P1", "/patients/P1/history", "/api/patients/P1/programme", "/api/patients/P1/history",
    "/api/patients/P1/report.html", "/api/patients/P1/sessions/{P1}",
])
def test_each_route_for_each_account(server, path):
    path = path.replace("{P1}", str(server.ids["P1"][0]))
    for who in ACCOUNTS:
        status, _, body = get(server, who, path)
        expected = 200 if who in SEES_P1 else 403
        assert status == expected, (who, path, status, body)
        if status == 403:
            assert isinstance(body, dict) and body["error"]
    status, headers, _ = get(server, None, path)
    assert status in (401, 303) and (status == 401 or headers["location"].startswith("/login"))


def test_the_data_is_the_patients(server):
    _, _, h = get(server, "pat", "/api/patients/P1/history")
    assert h["patient"] == "P1" and h["sessions_total"] == 6
    _, _, prog = get(server, "tess", "/api/patients/P1/programme")
    assert prog["programme"]["name"] == "Knee strength and balance, weeks 1-4" and len(prog["steps"]) == 8
    _, _, page = get(server, "pat", "/patients/P1")
    assert b"/static/programme.js" in page
    _, _, report = get(server, "ana", "/api/patients/P1/report.html")
    assert b"Home-exercise report: patient P1" in report


@pytest.mark.parametrize("who, visible", [
    ("ana", ["P1", "P2"]), ("tess", ["P1"]), ("tom", []), ("pat", ["P1"]), ("pia", ["P2"]), ("vic", []),
])
def test_patient_lists(server, who, visible):
    status, _, body = get(server, who, "/api/patients")
    assert status == 200 and [p["patient"] for p in body] == visible


def test_no_session_of_another_patient_through_ones_own_path(server):
    other = server.ids["P2"][0]
    assert get(server, "pat", f"/api/patients/P1/sessions/{other}")[0] == 404
    assert get(server, "pat", f"/api/patients/P2/sessions/{other}")[0] == 403
    assert get(server, "pat", "/api/patients/..%2Fx/history")[0] in (400, 404)


def test_deleting_a_session(server):
    mine, theirs = server.ids["P1"][-1], server.ids["P2"][-1]
    assert get(server, "pia", f"/api/patients/P1/sessions/{mine}", "DELETE")[0] == 403
    assert get(server, "tom", f"/api/patients/P1/sessions/{mine}", "DELETE")[0] == 403
    assert get(server, "vic", f"/api/patients/P2/sessions/{theirs}", "DELETE")[0] == 403
    assert get(server, "pat", f"/api/patients/P1/sessions/{mine}", "DELETE")[:3:2] == (200, {"deleted": mine})
    assert get(server, "ana", f"/api/patients/P1/sessions/{mine}")[0] == 404
    assert get(server, "ana", "/api/patients/P1/history")[2]["sessions_total"] == 5


def test_live_programme_websocket(server):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    ws_url = server.url.replace("http", "ws") + "ws/programme/P1"
    with pytest.raises(InvalidStatus):  # no login: refused at the handshake
        connect(ws_url).close()
    with pytest.raises(InvalidStatus, match="403"):  # another patient: refused at the handshake too
        connect(ws_url, additional_headers={"Cookie": server.cookies["pia"]}).close()
    with connect(ws_url, additional_headers={"Cookie": server.cookies["pat"]}) as ws:
        assert json.loads(ws.recv(timeout=30))["type"] == "hello"
        ws.send(json.dumps({"type": "command", "command": "start"}))
        state = json.loads(ws.recv(timeout=30))["results"]["programme"]
        assert state["phase"] == "active" and state["title"] == "Squat to a chair, set 1/3" and state["target"] == 10
        ws.send(json.dumps({"type": "command", "command": "pause"}))
        assert json.loads(ws.recv(timeout=30))["results"]["programme"]["phase"] == "paused"
        ws.send(json.dumps({"type": "command", "command": "explode"}))
        assert "command must be one of" in json.loads(ws.recv(timeout=30))["message"]
        ws.send(json.dumps({"type": "command", "command": "stop"}))
        done = json.loads(ws.recv(timeout=30))["results"]["programme"]
        assert done["phase"] == "done" and isinstance(done["saved"], int)
    _, _, h = get(server, "ana", "/api/patients/P1/history")
    assert h["sessions"][0]["id"] == done["saved"] and h["sessions"][0]["reps_done"] == 0
