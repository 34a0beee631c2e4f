"""The analysis panels in a real headless Chromium whose fake camera plays a woman doing two squats,
then a man standing and lying on the floor after a fall (browser.squat_and_fall_frames: real
frames, 10 fps, looping): the fall alarm shows (visible, and a Web Audio beep: the page's
OscillatorNode is instrumented), the event is logged and the alarm clears when the clip loops and
he is up again; the reps panel shows the count; and every analysis the page got is what the
exercise and fall layers give on the frames the page sent (replayed here through the detector)."""

import pytest
import serve_helpers  # noqa: F401 - skips without the serve extra
from browser import (
    Browser,
    browser_missing,
    decode,
    squat_and_fall_frames,
    wait,
    write_y4m,
)

import movenet
from movenet.exercise import ExerciseSession
from movenet.falls import FallDetector
from movenet.serve import BackgroundServer, ServeConfig

pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))
FPS = 10
CONFIRM_S = 1  # the fall is confirmed after 1 s down (the clip shows him down for 3 s)

# Every call of OscillatorNode.start (the beep) is noted, with its frequency.
INSTRUMENT_AUDIO = """
window.beeps = [];
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  window.beeps.push({ t: performance.now(), hz: this.frequency.value });
  return start.apply(this, args);
};
"""
READ = """
const done = arguments[arguments.length - 1];
const records = window.movenet.record;
window.movenet.record = null;
Promise.all(records.map((r) => new Promise((resolve) => {
  const reader = new FileReader();
  reader.onload = () => resolve({ timestamp: r.timestamp, result: r.result, analysis: r.analysis || null,
                                  format: r.format, size: [r.width, r.height], data: reader.result.split(",")[1] });
  reader.readAsDataURL(r.data instanceof Blob ? r.data : new Blob([r.data]));
}))).then((read) => done(read));
"""


@pytest.fixture(scope="module")
def server():
    with BackgroundServer(ServeConfig(port=0, threads=1)) as running:
        yield running


@pytest.fixture(scope="module")
def page(server, tmp_path_factory):
    clip = write_y4m(tmp_path_factory.mktemp("camera") / "squats_fall.y4m", squat_and_fall_frames(), FPS)
    with Browser(clip) as browser:
        browser.driver.get(server.url)
        wait(browser.driver, "return window.movenet?.settingsId === 1")
        yield browser.driver


def text(page, selector):
    return page.execute_script("const el = document.querySelector(arguments[0]); return el && !el.hidden ? el.textContent : null", selector)


def test_fall_alarm_visible_and_audible_then_cleared_and_the_count(page):
    from selenium.webdriver.support.ui import Select

    page.execute_script(INSTRUMENT_AUDIO)
    page.execute_script("document.getElementById('confirm-s').value = arguments[0]", CONFIRM_S)
    page.find_element("id", "falls-on").click()
    Select(page.find_element("id", "exercise")).select_by_value("squat")
    wait(page, "return window.movenet.settingsId === 3")
    page.execute_script("window.movenet.record = []")  # every frame from the first, with its analysis
    page.find_element("id", "start").click()

    wait(page, "return document.querySelector('#reps-people .count')?.textContent === '2'")  # two squats
    assert "back past 145 deg (standing) after reaching 120 deg (bottom)" in text(page, "#reps-rule")
    assert "hips above the ankles (share of rest) back past 0.85 of rest" in text(page, "#reps-rule")
    assert text(page, "#reps-message").startswith("rep 2:")

    wait(page, "return document.getElementById('alert-box').classList.contains('alarm') && !document.getElementById('alert-box').hidden")
    assert text(page, "#alert-box") == text(page, "#stage-alert") == "Fall: person"  # in the panel and over the video
    assert "FALL: person" in text(page, "#fall-log li:first-child")
    beeps = page.execute_script("return window.beeps")
    assert len(beeps) >= 1 and all(b["hz"] == 880 for b in beeps)  # the alarm is heard

    wait(page, "return document.getElementById('stage-alert').hidden")  # the clip loops: he is up again
    assert text(page, "#alert-box") is None
    assert "recovered: person" in text(page, "#fall-log li:first-child")
    assert text(page, "#alerts-state").startswith("Watching: person")


def test_the_page_showed_what_the_libraries_compute_on_the_frames_it_sent(page):
    records = page.execute_async_script(READ)
    assert all(r["result"]["settings_id"] == 3 and r["result"]["dropped"] == 0 for r in records)
    assert records[0]["result"]["frame"] == 1 and len(records) >= 40
    detector = movenet.create_detector("lightning", threads=1)  # fresh, as each settings message makes
    reps, falls = ExerciseSession("squat"), FallDetector(confirm_s=CONFIRM_S)
    events, counts, compared = [], [], 0
    for record in records:
        t = record["timestamp"]
        image = decode(record)
        poses = detector.estimate_poses(image, t)
        got = record["result"]["poses"]
        assert len(got) == len(poses) and all(
            abs(k["x"] - e.x) < 0.006 and abs(k["y"] - e.y) < 0.006 for p, q in zip(got, poses) for k, e in zip(p["keypoints"], q.keypoints))
        state = reps.update(poses, t)[0]
        found = [e.to_dict() for e in falls.update(poses, t, frame_size=(image.shape[1], image.shape[0]))]
        analysis = record["analysis"]
        if analysis is None:  # the last frame's may not have arrived when recording stopped
            continue
        compared += 1
        shown = analysis["reps"]["people"][0]
        assert (shown["count"], shown["phase"], shown["partial"]) == (state.count, state.phase, len(reps.counters()[0].partial_repetitions))
        assert analysis["falls"].get("events", []) == found
        events += [e["event"] for e in found]
        counts.append(state.count)
    assert compared >= len(records) - 1
    assert max(counts) >= 2 and events[:2] == ["fall", "recovered"]


def test_reset_and_switching_exercise_start_the_count_over(page):
    from selenium.webdriver.support.ui import Select

    wait(page, "return Number(document.querySelector('#reps-people .count')?.textContent) >= 1")
    page.find_element("id", "reps-reset").click()
    wait(page, "return document.querySelector('#reps-people .count')?.textContent === '0'")
    Select(page.find_element("id", "exercise")).select_by_value("lunge")
    wait(page, "return document.getElementById('reps-rule').textContent.startsWith('lunge:')")
    assert text(page, "#reps-people .count") == "0"
    assert text(page, "#alerts-state").startswith("Watching:")  # the fall detector goes on


def test_video_upload_runs_the_analyses_on_and_offers_their_reports(page, tmp_path):
    from io_helpers import make_video

    clip = make_video(tmp_path / "clip.mp4", n=6, size=(320, 240), fps=10.0)
    page.find_element("id", "video-file").send_keys(str(clip))  # lunge and falls (default) are on
    wait(page, "return !document.getElementById('exercise-download').hidden")
    assert text(page, "#video-state") == "6 frames done; lunge: 0 rep(s), 0 partial; falls: no events"
    links = {name: page.find_element("id", f"{name}-download").get_attribute("href") for name in ("exercise", "falls")}
    assert links["exercise"].endswith("/exercise.json") and links["falls"].endswith("/falls.jsonl")
    report = page.execute_async_script("const done = arguments[arguments.length - 1];"
                                       "fetch(arguments[0]).then((r) => r.json()).then(done);", links["exercise"])
    assert (report["exercise"], report["reps"], report["frames"]) == ("lunge", 0, 6)
    page.find_element("id", "video-delete").click()
    wait(page, "return document.getElementById('exercise-download').hidden")
