"""The app over real HTTP and WebSocket connections (a server on a free port, Python clients):
the scripts API gives `movenet predict`'s poses, live frames give the detector's poses, video jobs
give `movenet track`'s JSON lines; foreign origins and hosts, oversized and mistyped bodies, too
many sessions and protocol violations are refused with the right status or close code."""

import io
import json
import time

import cv2
import numpy as np
import pytest
import serve_helpers  # noqa: F401 - skips without the serve extra
from conftest import EXAMPLE_IMAGE, REPO
from io_helpers import make_video
from PIL import Image
from serve_helpers import request

import movenet
from movenet.cli.main import main
from movenet.serve import BackgroundServer, ServeConfig, protocol

JPEG = EXAMPLE_IMAGE.read_bytes()  # 44 kB, 1000x667
MAX_IMAGE_BYTES = 200_000
MAX_IMAGE_PIXELS = 2_000_000


@pytest.fixture(scope="module")
def server():
    config = ServeConfig(port=0, threads=1, max_sessions=2, max_image_bytes=MAX_IMAGE_BYTES,
                         max_image_pixels=MAX_IMAGE_PIXELS, max_video_bytes=2_000_000)
    with BackgroundServer(config) as running:
        yield running


def ws_url(server):
    return server.url.replace("http://", "ws://") + "ws"


def post_image(server, data=JPEG, content_type="image/jpeg", query="", headers=None):
    return request(f"{server.url}api/poses{query}", data, {"Content-Type": content_type, **(headers or {})})


def test_page_and_info(server):
    status, headers, body = request(server.url)
    assert status == 200 and b'<script type="module" src="/static/main.js">' in body
    assert "connect-src 'self'" in headers["content-security-policy"]
    status, _, info = request(server.url + "api/info")
    assert [m["name"] for m in info["models"]] == ["lightning", "thunder", "multipose"]
    assert info["settings"]["model"] == "lightning" and info["limits"]["image_bytes"] == MAX_IMAGE_BYTES
    assert len(info["edges"]) == 16 and info["colors"]["left"] == [255, 140, 0]
    for name in ("main.js", "capture.js", "transport.js", "draw.js", "panels.js", "analysis.js", "upload.js", "style.css"):
        assert request(f"{server.url}static/{name}")[0] == 200
    assert "/api/poses" in request(server.url + "api/openapi.json")[2]["paths"]


def test_api_poses_equals_movenet_predict(server, tmp_path, capsys):
    status, _, body = post_image(server)
    assert status == 200
    assert main(["predict", str(EXAMPLE_IMAGE), "--json", str(tmp_path / "p.json"), "--threads", "1"]) == 0
    expected = json.loads((tmp_path / "p.json").read_text())[0]
    assert body == {"width": expected["width"], "height": expected["height"], "model": "lightning", "poses": expected["poses"]}


def test_api_poses_with_settings(server):
    photo = (REPO / "examples" / "three_people.jpg").read_bytes()
    status, _, body = post_image(server, photo, query="?model=multipose&max_poses=2")
    assert status == 200 and body["model"] == "multipose"
    reference = movenet.create_detector("multipose", max_poses=2, threads=1).estimate_poses(REPO / "examples" / "three_people.jpg")
    assert body["poses"] == [p.to_dict() for p in reference] and len(reference) == 2
    status, _, body = post_image(server, query="?model=posenet")
    assert status == 400 and "lightning, thunder, multipose" in body["error"]
    status, _, body = post_image(server, query="?colour=red")
    assert status == 400 and "known: model, precision" in body["error"]


def test_oversized_uploads_get_413(server):
    status, _, body = post_image(server, JPEG + b"\0" * MAX_IMAGE_BYTES)
    assert status == 413 and f"limit of {MAX_IMAGE_BYTES} bytes" in body["error"]
    big = io.BytesIO()  # small file, too many pixels (a decompression bomb in miniature)
    Image.new("RGB", (2000, 1200)).save(big, "PNG")
    status, _, body = post_image(server, big.getvalue(), "image/png")
    assert status == 413 and "2000x1200 is over the limit of 2000000 pixels" in body["error"]


def test_wrong_types_get_415(server):
    status, _, body = post_image(server, content_type="text/plain")
    assert status == 415 and "text/plain" in body["error"]
    status, _, body = post_image(server, b"GIF89a" + b"\0" * 100)  # declared JPEG, is not
    assert status == 415 and "first bytes" in body["error"]
    status, _, body = post_image(server, JPEG[:200])  # a JPEG's start, then nothing
    assert status == 415 and "truncated" in body["error"]


def test_foreign_origin_and_host_refused_over_http(server):
    status, _, body = post_image(server, headers={"Origin": "http://evil.example"})
    assert status == 403 and "evil.example" in body["error"]
    status, _, _ = request(server.url + "api/info", headers={"Host": f"evil.example:{server.port}"})
    assert status == 421
    assert post_image(server, headers={"Origin": f"http://localhost:{server.port}"})[0] == 200


def _jpeg(rgb, quality=80):
    return cv2.imencode(".jpg", rgb[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()


def _frames():
    from browser import panned_frames

    return [_jpeg(f) for f in panned_frames(640, 480, 6)]


def test_live_frames_give_the_detectors_poses(server):
    from websockets.sync.client import connect

    reference = movenet.create_detector("lightning", threads=1)
    with connect(ws_url(server), origin=f"http://127.0.0.1:{server.port}") as ws:
        hello = json.loads(ws.recv())
        assert hello["type"] == "hello" and hello["settings"]["model"] == "lightning"
        for i, jpeg in enumerate(_frames()):
            t = 1000.0 + 33.4 * i
            ws.send(protocol.pack_frame(i + 1, t, jpeg))
            answer = json.loads(ws.recv())
            assert (answer["type"], answer["frame"], answer["width"], answer["height"]) == ("poses", i + 1, 640, 480)
            rgb = cv2.cvtColor(cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
            expected = reference.estimate_poses(rgb, t)
            got = np.array([[(k["x"], k["y"], k["score"]) for k in p["keypoints"]] for p in answer["poses"]])
            assert got.shape == (1, 17, 3)
            np.testing.assert_allclose(got[0], expected[0].to_array(), atol=0.006)  # rounded to 0.01 px
            assert answer["inference_ms"] > 0 and answer["server_ms"] >= answer["inference_ms"]


def test_settings_analysers_and_errors_keep_the_session(server):
    from websockets.sync.client import connect

    frames = _frames()
    with connect(ws_url(server)) as ws:  # a script: no Origin header
        json.loads(ws.recv())
        ws.send(json.dumps({"type": "settings", "model": "multipose", "smoothing": False, "analysers": {"angles": {}}}))
        settings = json.loads(ws.recv())
        assert settings["type"] == "settings" and settings["settings"]["model"] == "multipose"
        ws.send(protocol.pack_frame(1, 5.0, frames[0]))
        poses, analysis = json.loads(ws.recv()), json.loads(ws.recv())
        assert poses["model"] == "multipose" and poses["poses"][0]["id"] == 1
        assert analysis["type"] == "analysis" and analysis["frame"] == 1
        assert set(analysis["results"]["angles"]["people"][0]["angles"]) >= {"left_knee", "right_elbow"}
        ws.send(json.dumps({"type": "settings", "max_poses": 9}))
        error = json.loads(ws.recv())
        assert error["type"] == "error" and "1..6" in error["message"]
        ws.send(protocol.pack_frame(2, 10.0, b"\xff\xd8\xff\xe0" + b"\0" * 100))  # JPEG magic, no image
        error = json.loads(ws.recv())
        assert error["type"] == "error" and error["frame"] == 2 and "not a readable JPEG" in error["message"]
        ws.send(protocol.pack_frame(3, 15.0, frames[1]))
        assert json.loads(ws.recv())["frame"] == 3  # still going


def test_one_frame_in_flight_newer_frames_replace_waiting_ones(server):
    from websockets.sync.client import connect

    frames = _frames()
    with connect(ws_url(server)) as ws:
        json.loads(ws.recv())
        for i in range(6):  # no waiting: a client that does not keep to one frame in flight
            ws.send(protocol.pack_frame(i + 1, 100.0 + i, frames[i]))
        answered = []
        while not answered or answered[-1]["frame"] != 6:
            answered.append(json.loads(ws.recv()))
    ids = [a["frame"] for a in answered]
    assert ids == sorted(ids) and ids[-1] == 6
    assert len(ids) + answered[-1]["dropped"] == 6  # every frame answered or dropped, none queued
    assert answered[-1]["dropped"] >= 1


def test_protocol_violations_close_with_code_and_reason(server):
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    for message, code, words in (
        (protocol.pack_frame(1, 0.0, b"\x89PNG\r\n\x1a\n" + b"\0" * 40), 1003, "must be JPEG"),
        ('{"type": "launch"}', 1003, "unknown message type"),
        (b"\0" * (20 + 1920 * 1080 * 4 + 1), 1009, ""),
    ):
        with connect(ws_url(server), max_size=None) as ws:
            json.loads(ws.recv())
            ws.send(message)
            with pytest.raises(ConnectionClosed) as info:
                ws.recv()
        assert info.value.rcvd.code == code and words in info.value.rcvd.reason


def test_foreign_origin_websocket_refused(server):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    with pytest.raises(InvalidStatus) as info:
        connect(ws_url(server), origin="http://evil.example")
    assert info.value.response.status_code == 403
    with pytest.raises(InvalidStatus):
        connect(ws_url(server), additional_headers={"Host": f"evil.example:{server.port}"})


def test_too_many_sessions_get_busy(server):
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    with connect(ws_url(server)) as first, connect(ws_url(server)) as second:
        json.loads(first.recv()), json.loads(second.recv())
        with connect(ws_url(server)) as third, pytest.raises(ConnectionClosed) as info:
            third.recv()
        assert info.value.rcvd.code == 1013 and "busy: 2 live sessions" in info.value.rcvd.reason
    deadline = time.monotonic() + 10
    while server.state.sessions.open and time.monotonic() < deadline:
        time.sleep(0.05)
    with connect(ws_url(server)) as again:
        assert json.loads(again.recv())["type"] == "hello"


def _wait_done(server, job_id):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        _status, _, job = request(f"{server.url}api/videos/{job_id}")
        if job["state"] not in ("running", "receiving"):
            return job
        time.sleep(0.1)
    raise AssertionError("the video job did not finish")


def test_video_job_gives_track_output_and_leaves_nothing(server, tmp_path):
    clip = make_video(tmp_path / "clip.mp4", n=8, size=(320, 240), fps=10.0)
    status, _, job = request(server.url + "api/videos", clip.read_bytes(), {"Content-Type": "video/mp4"})
    assert status == 202 and job["state"] == "running"
    folder = server.state.jobs.get(job["id"]).folder
    assert oct(folder.stat().st_mode & 0o777) == "0o700"  # private
    job = _wait_done(server, job["id"])
    assert (job["state"], job["frames"], job["total"]) == ("done", 8, 8)
    assert sorted(p.name for p in folder.iterdir()) == ["annotated.mp4", "poses.jsonl"]  # the upload is gone
    status, headers, jsonl = request(server.url + job["downloads"]["poses"][1:])
    assert status == 200 and "attachment" in headers["content-disposition"]
    assert main(["track", str(clip), "--jsonl", str(tmp_path / "track.jsonl"), "--threads", "1"]) == 0
    assert [json.loads(line) for line in jsonl.decode().splitlines()] == \
        [json.loads(line) for line in (tmp_path / "track.jsonl").read_text().splitlines()]
    status, _, video = request(server.url + job["downloads"]["video"][1:])
    (tmp_path / "annotated.mp4").write_bytes(video)
    capture = cv2.VideoCapture(str(tmp_path / "annotated.mp4"))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 8 and int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)) == 320
    assert request(f"{server.url}api/videos/{job['id']}", method="DELETE")[0] == 204
    assert not folder.exists()
    assert request(f"{server.url}api/videos/{job['id']}")[0] == 404


def test_video_uploads_checked(server, tmp_path):
    status, _, body = request(server.url + "api/videos", JPEG, {"Content-Type": "video/mp4"})
    assert status == 415 and "first bytes" in body["error"]
    status, _, body = request(server.url + "api/videos", b"\0" * 2_000_001, {"Content-Type": "video/mp4"})
    assert status == 413
    status, _, body = request(server.url + "api/videos", make_video(tmp_path / "c.mp4", n=2).read_bytes(), {"Content-Type": "text/plain"})
    assert status == 415
    broken = b"\0\0\0\x18ftypmp42" + b"\0" * 5000  # an mp4's first box, then nothing
    status, _, job = request(server.url + "api/videos", broken, {"Content-Type": "video/mp4"})
    job = _wait_done(server, job["id"])
    assert job["state"] == "failed" and "not a video" in job["error"]
    request(f"{server.url}api/videos/{job['id']}", method="DELETE")


def test_serve_refuses_remote_binding_without_the_flag(capsys):
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "--allow-remote" in capsys.readouterr().err


def test_live_fall_alert_and_reps_are_the_libraries_on_the_servers_poses(server):
    """Real frames (Ambianic's: a man standing 1 s, then on the floor 2 s) at 10 fps through the socket,
    with the reps and falls analysers on: the alert and the events are the fall layer's on the
    very poses the server computed; a reset message starts the detector over."""
    from browser import squat_and_fall_frames
    from websockets.sync.client import connect

    from movenet.exercise import ExerciseSession
    from movenet.falls import FallDetector

    frames = [_jpeg(f) for f in squat_and_fall_frames(320, 240, standing=10, fallen=20)[45:]]
    reference = movenet.create_detector("lightning", threads=1)
    falls, reps = FallDetector(confirm_s=1.0), ExerciseSession("squat")
    events, alerts = [], []
    with connect(ws_url(server)) as ws:
        json.loads(ws.recv())
        ws.send(json.dumps({"type": "settings", "analysers": {"reps": {"exercise": "squat"}, "falls": {"confirm_s": 1}}}))
        assert json.loads(ws.recv())["type"] == "settings"
        for i, jpeg in enumerate(frames):
            t = 50_000.0 + 100.0 * i  # capture times of a page that has been open a while
            ws.send(protocol.pack_frame(i + 1, t, jpeg))
            poses, analysis = json.loads(ws.recv()), json.loads(ws.recv())
            assert (poses["type"], analysis["type"], analysis["frame"]) == ("poses", "analysis", i + 1)
            rgb = cv2.cvtColor(cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
            expected = reference.estimate_poses(rgb, t)
            found = falls.update(expected, t)
            state = reps.update(expected, t)[0]
            got = analysis["results"]
            assert got["falls"].get("events", []) == [e.to_dict() for e in found]
            assert (got["reps"]["count"], got["reps"]["phase"]) == (state.count, state.phase)
            events += [(i, e["event"]) for e in got["falls"].get("events", [])]
            alerts.append((got["falls"]["alert"] or {}).get("level"))
        (fell, kind), = events
        assert kind == "fall" and 10 + 10 <= fell <= 10 + 15  # down from the first fallen frame, 1 s to confirm
        assert set(alerts[:10]) == {None} and "warning" in alerts[10:fell] and set(alerts[fell:]) == {"alarm"}
        ws.send(json.dumps({"type": "reset", "analysers": ["falls"]}))
        assert json.loads(ws.recv()) == {"type": "reset", "analysers": ["falls"]}
        ws.send(protocol.pack_frame(99, 60_000.0, frames[-1]))
        json.loads(ws.recv())
        assert json.loads(ws.recv())["results"]["falls"]["alert"] is None  # starts over: not seen falling


def test_video_job_with_exercise_and_falls_gives_the_commands_reports(server, tmp_path):
    from browser import squat_and_fall_frames

    clip = tmp_path / "squats_then_fall.mp4"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"mp4v"), 5.0, (320, 240))
    for rgb in squat_and_fall_frames(320, 240, standing=8, fallen=30):  # the fall confirmed 5 s after
        writer.write(rgb[:, :, ::-1])
    writer.release()
    status, _, job = request(server.url + "api/videos?exercise=squat&falls=default", clip.read_bytes(), {"Content-Type": "video/mp4"})
    assert status == 202
    job = _wait_done(server, job["id"])
    assert job["state"] == "done" and job["frames"] == 83
    # 2 squats, and a partial one: the man on the floor has his knees bent past 120 deg at the end
    assert job["analysis"] == {"exercise": "squat", "falls": "default", "reps": 2, "partial_reps": 1, "fall_events": {"fall": 1, "down_at_end": 1}}
    assert set(job["downloads"]) == {"video", "poses", "exercise", "falls"}
    _, _, report = request(server.url + job["downloads"]["exercise"][1:])
    _, _, events = request(server.url + job["downloads"]["falls"][1:])
    assert main(["exercise", str(clip), "--exercise", "squat", "--json", str(tmp_path / "ex.json"), "--threads", "1"]) == 0
    assert main(["falls", str(clip), "--events", str(tmp_path / "falls.jsonl"), "--threads", "1"]) == 0
    assert report == json.loads((tmp_path / "ex.json").read_text())
    assert [json.loads(line) for line in events.decode().splitlines()] == \
        [json.loads(line) for line in (tmp_path / "falls.jsonl").read_text().splitlines()]
    _, _, video = request(server.url + job["downloads"]["video"][1:])
    (tmp_path / "annotated.mp4").write_bytes(video)
    capture = cv2.VideoCapture(str(tmp_path / "annotated.mp4"))
    capture.set(cv2.CAP_PROP_POS_FRAMES, 82)
    last = cv2.cvtColor(capture.read()[1], cv2.COLOR_BGR2RGB)
    banner = last[2:12, 100:220].reshape(-1, 3).mean(axis=0)  # the fall banner, red, across the top
    assert banner[0] > 150 and banner[1] < 60, banner
    request(f"{server.url}api/videos/{job['id']}", method="DELETE")
    status, _, body = request(server.url + "api/videos?exercise=burpee", clip.read_bytes(), {"Content-Type": "video/mp4"})
    assert status == 400 and "known: squat" in body["error"]
    status, _, body = request(server.url + "api/videos?falls=magic", clip.read_bytes(), {"Content-Type": "video/mp4"})
    assert status == 400 and "known: default, learned, ambianic" in body["error"]
