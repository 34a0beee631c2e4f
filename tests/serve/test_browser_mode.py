"""Browser mode without a browser: the keypoints message (checked field by field), a session that
analyses the browser's poses exactly as it analyses its own, refuses frames and loads no model; the
routes that serve onnxruntime-web, the JS pipeline and the models (types, COEP, revalidated
caching, nothing else from the weights folder); the page's headers per mode; the CSP; the options."""

import json
import socket

import pytest
import serve_helpers  # noqa: F401 - skips without the serve extra
from conftest import EXAMPLE_IMAGE
from serve_helpers import request

import movenet
from movenet.cli.main import build_parser
from movenet.cli.serve import config_from_args
from movenet.errors import InvalidOptionError
from movenet.serve import BackgroundServer, ServeConfig, protocol
from movenet.serve.analysers import make_analysers, run_analysers
from movenet.serve.inference import Settings
from movenet.serve.sessions import MAX_PENDING_KEYPOINTS, LiveSession

POSES = movenet.create_detector("multipose", threads=1).estimate_poses(EXAMPLE_IMAGE, 0.0)


def keypoints_payload(poses=POSES, frame=1, time_ms=40.0, width=1000, height=667):
    payload = json.loads(protocol.pack_keypoints(frame, time_ms, width, height, poses))
    payload.pop("type")
    return payload


def test_keypoints_message_round_trip():
    message = protocol.parse_keypoints(keypoints_payload(), 1920 * 1080)
    assert (message.frame_id, message.timestamp_ms, message.width, message.height) == (1, 40.0, 1000, 667)
    assert message.poses == tuple(POSES)  # Pose objects, ids and boxes included
    assert len(POSES) >= 1 and POSES[0].id == 1


def _broken(change):
    payload = keypoints_payload()
    change(payload)
    return payload


@pytest.mark.parametrize("change, code, words", [
    (lambda p: p.pop("time_ms"), 1003, "exactly the fields"),
    (lambda p: p.update(extra=1), 1003, "exactly the fields"),
    (lambda p: p.update(frame=-1), 1003, "frame must be an integer"),
    (lambda p: p.update(time_ms=float("inf")), 1003, "time_ms must be a finite number"),
    (lambda p: p.update(width=4000, height=4000), 1009, "over the limit"),
    (lambda p: p.update(poses={}), 1003, "poses must be a list of at most 6"),
    (lambda p: p.update(poses=p["poses"] * 7), 1003, "at most 6"),
    (lambda p: p["poses"][0].pop("box"), 1003, "{score, box, id, keypoints}"),
    (lambda p: p["poses"][0]["keypoints"].pop(), 1003, "needs 17 keypoints"),
    (lambda p: p["poses"][0]["keypoints"][3].__setitem__(2, 1.5), 1003, "keypoint score must be"),
    (lambda p: p["poses"][0]["keypoints"][3].__setitem__(0, 1e9), 1003, "x must be a finite number"),
    (lambda p: p["poses"][0]["keypoints"][3].__setitem__(1, "1"), 1003, "y must be a finite number"),
    (lambda p: p["poses"][0].update(box=[1, 2, 3]), 1003, "box must be"),
    (lambda p: p["poses"][0].update(id=True), 1003, "id must be an integer"),
    (lambda p: p["poses"][0].update(score=None), 1003, "pose score must be"),
])
def test_bad_keypoints_messages_name_the_problem(change, code, words):
    with pytest.raises(protocol.ProtocolError) as info:
        protocol.parse_keypoints(_broken(change), 1920 * 1080)
    assert info.value.code == code and words in str(info.value)


class _NoModel:
    """An engine that must not be asked for a model (browser mode)."""

    def detector(self, settings):
        raise AssertionError("browser mode built a detector")


async def _run(session, messages):
    """Feeds ASGI receive messages to `session.serve`; the sent texts and the close (code, reason)."""
    sent, closed = [], []
    queue = list(messages)

    async def receive():
        import asyncio

        await asyncio.sleep(0.01)  # let the work loop answer between messages (a client that keeps pace)
        while len(session._messages) > 2:
            await asyncio.sleep(0.01)
        if queue:
            return queue.pop(0)
        while session._messages or session._frame or session._ready.is_set():  # all answered, then leave
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
        return {"type": "websocket.disconnect"}

    async def send(text):
        sent.append(json.loads(text))

    async def close(code, reason):
        closed.append((code, reason))

    await session.serve(receive, send, close)
    return sent, closed


def _text(payload):
    return {"type": "websocket.receive", "text": json.dumps(payload)}


def test_a_browser_mode_session_analyses_the_keypoints_it_is_sent():
    import asyncio
    import concurrent.futures

    from movenet.falls.synthetic import frames, scenario

    class Engine(_NoModel):
        executor = concurrent.futures.ThreadPoolExecutor(1)

    session = LiveSession(Engine(), Settings(), max_frame_bytes=10**6, max_pixels=10**6, inference="browser")
    analysers = {"angles": {}, "falls": {"confirm_s": 1}}
    sequence = frames(scenario("fall"))
    messages = [_text({"type": "settings", "inference": "browser", "analysers": analysers})]
    messages += [_text(json.loads(protocol.pack_keypoints(i, t, 640, 480, poses))) for i, (t, poses) in enumerate(sequence)]
    sent, closed = asyncio.run(_run(session, messages))
    assert closed == [] and sent[0]["type"] == "hello" and sent[0]["inference"] == "browser"
    assert sent[1]["type"] == "settings" and sent[1]["inference"] == "browser"
    analyses = [m for m in sent if m["type"] == "analysis"]
    assert [m["frame"] for m in analyses] == list(range(len(sequence)))  # every one, in order
    # the very results of the analysers run here on the same poses (rounded on the wire as the page does)
    reference = make_analysers(analysers, {}, {})
    for message, (t, poses) in zip(analyses, sequence):
        wire = protocol.parse_keypoints(keypoints_payload(poses, 0, t, 640, 480), 10**6).poses
        assert message["results"] == json.loads(protocol.dumps(run_analysers(reference, list(wire), t)))
    assert analyses[-1]["results"]["falls"]["alert"]["level"] == "alarm" and analyses[-1]["dropped"] == 0
    assert session.detector is None and session.frames == len(sequence)


def test_browser_mode_refuses_frames_and_server_mode_refuses_keypoints():
    import asyncio

    browser = LiveSession(_NoModel(), Settings(), max_frame_bytes=10**6, max_pixels=10**6, inference="browser-only")
    frame = {"type": "websocket.receive", "bytes": protocol.pack_frame(1, 1.0, b"\xff\xd8\xff\xe0")}
    sent, closed = asyncio.run(_run(browser, [frame]))
    assert sent[0]["inference"] == "browser"  # a session starts in the server's mode
    assert closed[0][0] == protocol.CLOSE_POLICY and "frames are not accepted" in closed[0][1]
    # browser-only: a page cannot switch to the server
    browser = LiveSession(_NoModel(), Settings(), max_frame_bytes=10**6, max_pixels=10**6, inference="browser-only")
    browser.switch_inference({"inference": "server"})
    assert browser.inference == "browser" and "--inference browser-only" in browser._messages[0][1]
    server = LiveSession(_NoModel(), Settings(), max_frame_bytes=10**6, max_pixels=10**6)
    sent, closed = asyncio.run(_run(server, [_text({"type": "keypoints", **keypoints_payload()})]))
    assert closed[0][0] == protocol.CLOSE_POLICY and "browser mode" in closed[0][1]


def test_a_slow_analysis_drops_the_oldest_keypoints_and_counts_them():
    session = LiveSession(_NoModel(), Settings(), max_frame_bytes=10**6, max_pixels=10**6, inference="browser")
    message = protocol.parse_keypoints(keypoints_payload(), 10**6)
    for _ in range(MAX_PENDING_KEYPOINTS + 5):
        session.offer_keypoints(message)
    assert len(session._messages) == MAX_PENDING_KEYPOINTS and session.dropped == 5


@pytest.fixture(scope="module")
def server():
    with BackgroundServer(ServeConfig(port=0, threads=1, inference="browser")) as running:
        yield running


def test_the_page_is_cross_origin_isolated_only_where_it_runs_the_model(server):
    _, headers, _ = request(server.url)  # the default here: browser
    assert headers["cross-origin-embedder-policy"] == "require-corp"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    _, headers, _ = request(server.url + "?inference=server")
    assert "cross-origin-embedder-policy" not in headers
    _, headers, _ = request(server.url + "api/info")
    assert "cross-origin-embedder-policy" not in headers  # nowhere else
    with BackgroundServer(ServeConfig(port=0, threads=1)) as plain:  # the default: server
        assert "cross-origin-embedder-policy" not in request(plain.url)[1]
        assert request(plain.url + "?inference=browser")[1]["cross-origin-embedder-policy"] == "require-corp"
        assert plain.state.engine._runtimes != {}  # server mode loads the default model at start


def test_the_csp_allows_webassembly_and_still_no_remote_or_inline_script(server):
    _, headers, _ = request(server.url)
    directives = dict(d.strip().split(" ", 1) for d in headers["content-security-policy"].split(";"))
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert directives["default-src"] == "'self'" and directives["connect-src"] == "'self'"
    assert "worker-src" not in directives  # workers fall back to script-src: this origin only
    assert "unsafe-eval'" not in headers["content-security-policy"].replace("wasm-unsafe-eval", "")
    assert "unsafe-inline" not in headers["content-security-policy"] and "http" not in headers["content-security-policy"]


@pytest.mark.parametrize("path, media", [
    ("static/ort/ort.wasm.min.mjs", "text/javascript"),
    ("static/ort/ort-wasm-simd-threaded.mjs", "text/javascript"),
    ("static/ort/ort-wasm-simd-threaded.wasm", "application/wasm"),
    ("static/ort/LICENSE", "text/plain; charset=utf-8"),
    ("static/browser/worker.js", "text/javascript"),
    ("models/lightning.onnx", "application/octet-stream"),
])
def test_runtime_and_model_files_are_served_isolated_and_revalidated(server, path, media):
    status, headers, body = request(server.url + path)
    assert status == 200 and headers["content-type"] == media
    assert headers["cross-origin-embedder-policy"] == "require-corp" and headers["cross-origin-resource-policy"] == "same-origin"
    assert headers.get_all("cache-control") == ["no-cache"]  # the route's own, not the default no-store
    status, again, body304 = request(server.url + path, headers={"If-None-Match": headers["etag"]})
    assert status == 304 and body304 == b""


def test_the_models_route_serves_the_onnx_models_and_nothing_else(server):
    from movenet.runtime.onnx_runtime import PACKAGE_WEIGHTS_DIR

    status, _, body = request(server.url + "models/lightning.onnx")
    assert status == 200 and body == (PACKAGE_WEIGHTS_DIR / "lightning.onnx").read_bytes()
    for path in ("models/lightning.safetensors", "models/posenet.onnx", "models/store.py", "models/../__init__.py",
                 "models/%2e%2e/serve/app.py", "models/"):
        assert request(server.url + path)[0] == 404, path
    info = request(server.url + "api/info")[2]["browser"]
    assert info["inference"] == "browser" and info["switchable"] is True
    assert info["models"]["lightning"]["files"]["fp32"] == "/models/lightning.onnx"
    assert info["models"]["thunder"]["spec"]["input_size"] == [256, 256]
    assert info["models"]["multipose"]["spec"]["multi_pose"] is True
    assert request(server.url + "static/main.js")[1].get_all("cache-control") == ["no-store"]  # the rest as before


def test_the_vendored_runtime_is_recorded_and_licensed():
    from movenet.serve.browser import ORT_DIR

    note = (ORT_DIR / "README.md").read_text()
    assert "onnxruntime-web 1.31.1" in note and "sha512-" in note
    assert "MIT License" in (ORT_DIR / "LICENSE").read_text()
    import hashlib

    for line in note.splitlines():  # every file kept is the one recorded
        if line.startswith("| `"):
            name, size, digest = (cell.strip(" `") for cell in line.strip("|").split("|"))
            data = (ORT_DIR / name).read_bytes()
            assert len(data) == int(size.replace(",", "")) and hashlib.sha256(data).hexdigest() == digest


def test_the_options():
    args = build_parser().parse_args(["serve", "--inference", "browser-only", "--max-browser-sessions", "200"])
    config = config_from_args(args)
    assert (config.inference, config.max_browser_sessions) == ("browser-only", 200)
    assert build_parser().parse_args(["serve"]).inference == "server"
    with pytest.raises(InvalidOptionError, match="--inference must be one of"):
        ServeConfig(inference="gpu")
    with pytest.raises(InvalidOptionError, match="--max-browser-sessions must be in"):
        ServeConfig(max_browser_sessions=0)


def test_behind_a_tls_proxy_a_logged_in_page_runs_the_model_and_sends_keypoints(tmp_path):
    """What the reverse-proxy setup of docs/guide/browser.md gives: the public Host and https Origin
    accepted, the runtime and the model behind the login like everything else, the session in
    browser mode from the start."""
    pytest.importorskip("sqlalchemy", reason="accounts need the db extra")
    from websockets.sync.client import connect

    from movenet.accounts import AccountStore
    from movenet.storage import Database

    database = Database(f"sqlite:///{tmp_path / 'accounts.db'}")
    database.upgrade()
    store = AccountStore(database)
    store.create("therapist", role="therapist", password="a-long-password")
    config = ServeConfig(port=0, threads=1, inference="browser-only", public_urls=("https://clinic.example.org",))
    proxied = {"Host": "clinic.example.org", "X-Forwarded-Proto": "https"}
    with BackgroundServer(config, store=store) as server:
        assert request(server.url + "models/lightning.onnx", headers=proxied)[0] == 401
        assert request(server.url + "static/ort/ort-wasm-simd-threaded.wasm", headers=proxied)[0] == 401
        body = json.dumps({"name": "therapist", "password": "a-long-password"}).encode()
        status, headers, _ = request(server.url + "api/login", body, {"Content-Type": "application/json",
                                                                     "Origin": "https://clinic.example.org", **proxied})
        assert status == 200
        cookie = headers["set-cookie"].split(";")[0]
        status, headers, _ = request(server.url, headers={"Cookie": cookie, **proxied})
        assert status == 200 and headers["cross-origin-embedder-policy"] == "require-corp"
        assert request(server.url + "models/lightning.onnx", headers={"Cookie": cookie, **proxied})[0] == 200
        sock = socket.create_connection(("127.0.0.1", server.port))
        with connect("ws://clinic.example.org/ws", sock=sock, origin="https://clinic.example.org",
                     additional_headers={"Cookie": cookie}) as ws:
            assert json.loads(ws.recv())["inference"] == "browser"
            ws.send(protocol.pack_keypoints(1, 40.0, 1000, 667, POSES))  # accepted: no close
            ws.send(json.dumps({"type": "settings", "inference": "server"}))
            assert "browser-only" in json.loads(ws.recv())["message"]


def test_server_inference_on_a_browser_server_takes_one_of_its_max_sessions():
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    config = ServeConfig(port=0, threads=1, inference="browser", max_sessions=1, max_browser_sessions=3)
    with BackgroundServer(config) as server:
        url = server.url.replace("http://", "ws://") + "ws"
        to_server = json.dumps({"type": "settings", "inference": "server"})
        with connect(url) as first, connect(url) as second, connect(url) as third:
            for ws in (first, second, third):
                assert json.loads(ws.recv())["inference"] == "browser"  # sessions start in the browser
            first.send(to_server)
            assert json.loads(first.recv())["inference"] == "server"
            second.send(to_server)  # the one server slot is taken
            with pytest.raises(ConnectionClosed) as info:
                second.recv()
            assert info.value.rcvd.code == protocol.CLOSE_BUSY and "--max-sessions" in info.value.rcvd.reason
            with connect(url) as fourth, connect(url) as fifth:  # the second's place; then 3 sessions at most
                assert json.loads(fourth.recv())["type"] == "hello"
                with pytest.raises(ConnectionClosed) as info:
                    fifth.recv()
            assert info.value.rcvd.code == protocol.CLOSE_BUSY and "--max-browser-sessions" in info.value.rcvd.reason
            first.send(json.dumps({"type": "settings", "inference": "browser"}))  # gives its slot back
            assert json.loads(first.recv())["inference"] == "browser"
            third.send(to_server)
            assert json.loads(third.recv())["inference"] == "server"
