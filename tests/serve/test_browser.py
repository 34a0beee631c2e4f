"""The page in a real headless Chromium with a fake camera playing a clip made of the example photo:
the stream starts, the poses that come back are exactly the detector's on the frames the page sent
(replayed here), they are drawn where they are, switching the model works, an image upload gives
`estimate_poses`' poses, the analysis panel fills, a page on another origin is refused."""

import http.server
import threading

import numpy as np
import pytest
import serve_helpers  # noqa: F401 - skips without the serve extra
from browser import Browser, browser_missing, decode, panned_frames, wait, write_y4m
from conftest import EXAMPLE_IMAGE
from io_helpers import make_video

import movenet
from movenet.analysis.geometry import joint_angle
from movenet.serve import BackgroundServer, ServeConfig
from movenet.viz import LEFT_COLOR, RIGHT_COLOR

pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))
MAX_IMAGE_BYTES = 200_000


@pytest.fixture(scope="module")
def server():
    with BackgroundServer(ServeConfig(port=0, threads=1, max_image_bytes=MAX_IMAGE_BYTES)) as running:
        yield running


@pytest.fixture(scope="module")
def page(server, tmp_path_factory):
    clip = write_y4m(tmp_path_factory.mktemp("camera") / "clip.y4m", panned_frames(640, 480, 20), 30)
    with Browser(clip) as browser:
        browser.driver.get(server.url)
        wait(browser.driver, "return window.movenet?.settingsId === 1")
        yield browser.driver


READ_RECORD = """
const done = arguments[arguments.length - 1];
const records = window.movenet.record || [];
const analysis = window.movenet.lastAnalysis;  // of a recorded frame: it follows that frame's poses
window.movenet.record = null;
Promise.all(records.map((r) => new Promise((resolve) => {
  const reader = new FileReader();
  reader.onload = () => resolve({ timestamp: r.timestamp, result: r.result, format: r.format,
                                  size: [r.width, r.height], data: reader.result.split(",")[1] });
  reader.readAsDataURL(r.data instanceof Blob ? r.data : new Blob([r.data]));
}))).then((read) => done({ records: read, analysis }));
"""


def recorded(driver, count, condition="true"):
    """The frames recorded (from now, unless recording already) once `count` answers satisfy
    `condition` (JS on `r.result`)."""
    driver.execute_script("window.movenet.record = window.movenet.record || []")
    wait(driver, f"return (window.movenet.record || []).filter((r) => {condition}).length >= {count}")
    return driver.execute_async_script(READ_RECORD)["records"]


def replay(records, detector):
    """Our detector on the very frames the page sent, with their timestamps: its poses must be the
    page's (0.006 px: the wire rounds to 0.01 px)."""
    assert [r["result"]["frame"] for r in records] == list(range(records[0]["result"]["frame"], records[0]["result"]["frame"] + len(records)))
    for record in records:
        rgb = decode(record)
        assert rgb.shape == (480, 640, 3)
        expected = detector.estimate_poses(rgb, record["timestamp"])
        got = record["result"]["poses"]
        assert len(got) == len(expected) >= 1
        for pose, reference in zip(got, expected):
            array = np.array([(k["x"], k["y"], k["score"]) for k in pose["keypoints"]])
            np.testing.assert_allclose(array, reference.to_array(), atol=0.006)
            assert pose["id"] == reference.id


def test_stream_starts_and_poses_are_the_detectors(page):
    page.execute_script("window.movenet.record = []")  # from the very first frame
    page.find_element("id", "start").click()
    wait(page, "return (window.movenet.record || []).length >= 12")
    records = page.execute_async_script(READ_RECORD)["records"]
    assert all(r["result"]["settings_id"] == 1 and r["result"]["dropped"] == 0 for r in records)
    assert records[0]["result"]["frame"] == 1
    replay(records, movenet.create_detector("lightning", threads=1))
    frames = {decode(r).tobytes() for r in records}
    assert len(frames) > 1  # the camera moves: different frames, each sent once
    assert all(r["format"] == "jpeg" for r in records)


def test_poses_are_drawn_where_they_are(page):
    wait(page, "return window.movenet.last !== null")
    drawn = page.execute_script("""
        const last = window.movenet.last;
        const canvas = document.getElementById("overlay");
        const ctx = canvas.getContext("2d");
        const threshold = Number(document.getElementById("threshold").value);
        return { size: [canvas.width, canvas.height], threshold, points: last.poses[0].keypoints.map((k) =>
          ({ name: k.name, score: k.score, pixel: Array.from(ctx.getImageData(Math.round(k.x), Math.round(k.y), 1, 1).data) })) };
    """)
    assert drawn["size"] == [640, 480]
    body = [p for p in drawn["points"][5:] if p["score"] >= drawn["threshold"]]  # shoulders to ankles
    assert len(body) >= 8
    for point in body:
        color = LEFT_COLOR if point["name"].startswith("left_") else RIGHT_COLOR
        assert point["pixel"] == [*color, 255], point
    stats = page.execute_script("return window.movenet.stats.summary()")
    assert stats["fps"] > 0 and stats["rtt"] > 0 and stats["inference"] > 0
    assert page.find_element("id", "stat-fps").text not in ("", "–")


def test_switching_the_model(page):
    from selenium.webdriver.support.ui import Select

    page.execute_script("window.movenet.record = []")
    Select(page.find_element("id", "encoding")).select_by_value("rgba")  # raw pixels: the other path
    Select(page.find_element("id", "model")).select_by_value("multipose")
    page.find_element("id", "smoothing").click()  # off
    wait(page, "return window.movenet.settingsId === 3")
    records = recorded(page, 6, "r.result.settings_id === 3")
    after = [r for r in records if r["result"]["settings_id"] == 3]
    assert all(r["result"]["model"] == "multipose" and r["format"] == "rgba" for r in after)
    replay(after, movenet.create_detector("multipose", smoothing=False, threads=1))
    assert after[0]["result"]["poses"][0]["id"] == 1  # tracked (a fresh tracker; replay checks the rest)
    assert "multipose" in page.find_element("id", "status").text
    page.find_element("id", "smoothing").click()
    Select(page.find_element("id", "encoding")).select_by_value("jpeg")
    Select(page.find_element("id", "model")).select_by_value("lightning")
    wait(page, "return window.movenet.last.model === 'lightning' && window.movenet.settingsId === 5")


def test_analysis_panel_shows_joint_angles(page):
    page.find_element("id", "angles-on").click()
    wait(page, "return window.movenet.lastAnalysis !== null && !document.getElementById('angles-table').hidden")
    page.execute_script("window.movenet.record = []")
    wait(page, "return window.movenet.record.length >= 3")
    read = page.execute_async_script(READ_RECORD)
    records, analysis = read["records"], read["analysis"]
    rows = page.execute_script("return Array.from(document.querySelectorAll('#angles-table tr'), (r) => r.textContent)")
    assert len(rows) == 8 and rows[0].startswith("left elbow")
    sent = {r["result"]["frame"]: r["result"]["poses"] for r in records}
    keypoints = sent[analysis["frame"]][0]["keypoints"]  # the angles of that very frame's pose
    array = np.array([(k["x"], k["y"], k["score"]) for k in keypoints])
    angles = analysis["results"]["angles"]["people"][0]["angles"]
    for joint, side in (("knee", "left"), ("elbow", "right"), ("hip", "left")):
        value = joint_angle(array, joint, side).value
        assert angles[f"{side}_{joint}"] == pytest.approx(value, abs=0.05 + rounding_spread(array, joint, side))
    page.find_element("id", "angles-on").click()


def rounding_spread(array, joint, side, trials=200):
    """How far the angle moves when the keypoints move within the wire's rounding (0.005 px): the
    page sees rounded keypoints, the server computed on exact ones. Near 180 degrees the angle is
    ill-conditioned (a straight limb), so the bound grows there instead of a fixed tolerance."""
    rng = np.random.default_rng(0)
    base = joint_angle(array, joint, side).value
    moved = array.copy()
    spread = 0.0
    for _ in range(trials):
        moved[:, :2] = array[:, :2] + rng.uniform(-0.005, 0.005, size=array[:, :2].shape)
        spread = max(spread, abs(joint_angle(moved, joint, side).value - base))
    return spread


def test_image_upload_gives_estimate_poses(page):
    page.execute_script("window.movenet.lastUpload = null")
    page.find_element("id", "image-file").send_keys(str(EXAMPLE_IMAGE))
    result = wait(page, "return window.movenet.lastUpload")
    expected = movenet.create_detector("lightning", threads=1).estimate_poses(EXAMPLE_IMAGE)
    assert result["poses"] == [p.to_dict() for p in expected]
    assert (result["width"], result["height"]) == (1000, 667)
    assert page.find_element("id", "image-json").is_displayed()
    assert page.find_element("id", "image-state").text == "1 pose(s)"


def test_video_upload_progress_downloads_and_delete(page, server, tmp_path):
    clip = make_video(tmp_path / "clip.mp4", n=6, size=(320, 240), fps=10.0)
    page.find_element("id", "video-file").send_keys(str(clip))
    wait(page, "return !document.getElementById('video-download').hidden")
    assert page.find_element("id", "video-state").text == "6 frames done"
    jobs = list(server.state.jobs._jobs.values())
    assert len(jobs) == 1 and jobs[0].state == "done"
    href = page.find_element("id", "jsonl-download").get_attribute("href")
    assert href.endswith(f"/api/videos/{jobs[0].id}/poses.jsonl")
    lines = page.execute_async_script("const done = arguments[arguments.length - 1];"
                                      "fetch(arguments[0]).then((r) => r.text()).then(done);", href)
    assert len(lines.splitlines()) == 6
    page.find_element("id", "video-delete").click()  # nothing kept on the server
    wait(page, "return document.getElementById('video-state').textContent === 'deleted from the server'")
    assert not jobs[0].folder.exists() and not server.state.jobs._jobs


def test_oversized_upload_from_the_page_gets_413(page):
    status = page.execute_async_script(f"""
        const done = arguments[arguments.length - 1];
        fetch("/api/poses", {{ method: "POST", headers: {{ "Content-Type": "image/jpeg" }},
                              body: new Uint8Array({MAX_IMAGE_BYTES + 1}) }})
          .then((r) => done(r.status), (e) => done(String(e)));
    """)
    assert status == 413


class _Foreign(http.server.BaseHTTPRequestHandler):
    page = b"<!doctype html><title>another site</title>"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args):
        pass


def test_a_page_on_another_origin_is_refused(page, server):
    # another port of this very machine: a different origin (a dev server, another local app)
    foreign = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Foreign)
    threading.Thread(target=foreign.serve_forever, daemon=True).start()
    try:
        page.switch_to.new_window("tab")
        page.get(f"http://127.0.0.1:{foreign.server_address[1]}/")
        target = f"127.0.0.1:{server.port}"
        outcome = page.execute_async_script(f"""
            const done = arguments[arguments.length - 1];
            const result = {{}};
            const ws = new WebSocket("ws://{target}/ws");
            ws.onopen = () => {{ result.ws = "open"; }};
            ws.onclose = (e) => {{ result.ws = result.ws || `closed ${{e.code}}`; finish(); }};
            const image = new Image();
            image.onload = () => {{ result.img = "loaded"; finish(); }};
            image.onerror = () => {{ result.img = "refused"; finish(); }};
            image.src = "http://{target}/api/openapi.json";
            fetch("http://{target}/api/info").then(() => {{ result.fetch = "read"; finish(); }},
                                                   () => {{ result.fetch = "refused"; finish(); }});
            function finish() {{ if (result.ws && result.img && result.fetch) done(result); }}
        """)
    finally:
        page.close()
        page.switch_to.window(page.window_handles[0])
        foreign.shutdown()
    assert outcome == {"ws": "closed 1006", "img": "refused", "fetch": "refused"}
