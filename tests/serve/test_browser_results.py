"""The page in headless Chromium (Debian's chromium + chromium-driver): uploaded results show in
the main view at full size, the annotated video plays there (H.264 in MP4: canPlayType and real
playback, frames decoded by the browser), the speed panel explains its terms, and Stop leaves no
stale figure in the panels."""

import numpy as np
import pytest
from PIL import Image
import serve_helpers  # noqa: F401 - skips without the serve extra
from browser import Browser, browser_missing, panned_frames, wait, write_y4m
from conftest import EXAMPLE_IMAGE
from io_helpers import make_video

from movenet.serve import BackgroundServer, ServeConfig

pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))


@pytest.fixture(scope="module")
def server():
    with BackgroundServer(ServeConfig(port=0, threads=1)) as running:
        yield running


@pytest.fixture(scope="module")
def page(server, tmp_path_factory):
    clip = write_y4m(tmp_path_factory.mktemp("camera") / "clip.y4m", panned_frames(640, 480, 20), 30)
    with Browser(clip) as browser:
        browser.driver.get(server.url)
        wait(browser.driver, "return window.movenet?.settingsId === 1")
        yield browser.driver


def visible(driver, element_id):
    return driver.execute_script(
        "const el = document.getElementById(arguments[0]); const r = el.getBoundingClientRect();"
        "return !el.hidden && getComputedStyle(el).visibility !== 'hidden' && r.width > 0 && r.height > 0", element_id)


def test_an_uploaded_image_shows_full_size_in_the_main_view(page):
    page.execute_script("window.movenet.lastUpload = null")
    page.find_element("id", "image-file").send_keys(str(EXAMPLE_IMAGE))
    result = wait(page, "return window.movenet.lastUpload")
    assert visible(page, "result-image") and visible(page, "result-close")
    size = page.execute_script("const c = document.getElementById('result-image'); return [c.width, c.height]")
    assert size == [1000, 667]  # the image at its own resolution, not a thumbnail
    stage = page.execute_script("return document.getElementById('stage').getBoundingClientRect().width")
    shown = page.execute_script("return document.getElementById('result-image').getBoundingClientRect().width")
    assert shown == pytest.approx(stage, abs=1)  # as wide as the main view
    assert page.find_element("id", "image-state").text == "1 pose(s)"
    # the poses are drawn on it: at every keypoint shown, the canvas differs from the photo
    drawn = page.execute_script(
        "const c = document.getElementById('result-image');"
        "return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)")
    canvas = np.asarray(drawn, np.uint8).reshape(667, 1000, 4)[:, :, :3].astype(int)
    photo = np.asarray(Image.open(EXAMPLE_IMAGE).convert("RGB")).astype(int)
    changed = np.abs(canvas - photo).max(axis=2) > 60
    threshold = float(page.execute_script("return document.getElementById('threshold').value"))
    shown = [k for k in result["poses"][0]["keypoints"] if k["score"] >= threshold]
    assert shown
    for k in shown:
        x, y = round(k["x"]), round(k["y"])
        assert changed[y - 4:y + 5, x - 4:x + 5].any(), k["name"]
    assert changed.mean() < 0.05  # the photo itself is untouched elsewhere
    page.find_element("id", "result-close").click()
    assert not visible(page, "result-image")


def test_the_annotated_video_plays_in_the_main_view(page, server, tmp_path):
    assert page.execute_script("return document.createElement('video').canPlayType('video/mp4; codecs=\"avc1.64001F\"')") == "probably"
    clip = make_video(tmp_path / "clip.mp4", n=12, size=(320, 240), fps=10.0)
    page.find_element("id", "video-file").send_keys(str(clip))
    wait(page, "return !document.getElementById('video-download').hidden")
    assert visible(page, "result-video")
    job = next(iter(server.state.jobs._jobs.values()))
    src = page.execute_script("return document.getElementById('result-video').src")
    assert src.endswith(f"/api/videos/{job.id}/annotated.mp4")
    # the browser decodes and plays it: metadata, frames, the clock advancing to the end
    played = page.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const v = document.getElementById('result-video');
        v.muted = true;
        const finish = () => done({ width: v.videoWidth, height: v.videoHeight, duration: v.duration,
                                    time: v.currentTime, ended: v.ended, error: v.error && v.error.code,
                                    frames: v.getVideoPlaybackQuality().totalVideoFrames });
        v.addEventListener('ended', finish, { once: true });
        v.addEventListener('error', finish, { once: true });
        v.currentTime = 0;
        v.play().catch((e) => done({ error: String(e) }));
    """)
    assert played["error"] is None, played
    assert (played["width"], played["height"]) == (320, 240)
    assert played["ended"] and played["duration"] == pytest.approx(1.2, abs=0.05)
    assert played["frames"] >= 10  # decoded and presented, not a single still
    page.find_element("id", "video-delete").click()  # its file goes: the preview closes with it
    wait(page, "return document.getElementById('video-state').textContent === 'deleted from the server'")
    assert not visible(page, "result-video")


def test_the_speed_panel_says_what_its_figures_mean(page):
    help_text = page.find_element("id", "stats-help").get_attribute("textContent")
    for term in ("fps", "round trip", "inference", "server", "frame to pose", "dropped"):
        assert term in help_text
    titles = page.execute_script("return Array.from(document.querySelectorAll('#stats > dl > dt')).map((d) => d.title)")
    assert len(titles) == 6 and all(titles)


def test_stop_clears_the_live_panels(page):
    page.find_element("id", "angles-on").click()
    page.find_element("id", "start").click()
    wait(page, "return document.getElementById('stat-fps').textContent !== '–'")
    wait(page, "return !document.getElementById('angles-table').hidden")
    page.find_element("id", "stop").click()
    for stat in ("stat-fps", "stat-rtt", "stat-inference", "stat-server", "stat-latency", "stat-dropped"):
        wait(page, f"return document.getElementById('{stat}').textContent === '–'", timeout=5)
    assert page.find_element("id", "angles-table").get_attribute("hidden") is not None
    page.find_element("id", "angles-on").click()
