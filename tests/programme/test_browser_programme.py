"""The patient page in a real headless Chromium whose fake camera plays two squats (the repository's
clip of tensorflow/tfjs-models' pose_squats.mp4, looping): start the camera and the programme,
the server's runner counts the set, the session ends and is saved; then the history page draws
its charts from the local script (SVG, nothing fetched elsewhere)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "serve"))
import serve_helpers  # noqa: E402,F401 - skips without the serve extra
from browser import Browser, browser_missing, squat_and_fall_frames, wait, write_y4m  # noqa: E402
from conftest import REPO  # noqa: E402

pytest.importorskip("sqlalchemy", reason="the programme pages need the db extra")
pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))

from movenet.serve import BackgroundServer, ServeConfig  # noqa: E402
from movenet.serve.programme_pages import install, programme_routes  # noqa: E402


def test_patient_page_runs_the_programme_and_saves_it(tmp_path):
    from movenet.programme import load_programme
    from movenet.programme.store import ProgrammeStore
    from movenet.storage import Database

    url = f"sqlite:///{tmp_path / 'movenet.db'}"
    store = ProgrammeStore(Database(url))
    store.assign("demo", load_programme(REPO / "examples" / "programmes" / "squats.toml"))
    clip = write_y4m(tmp_path / "squats.y4m", squat_and_fall_frames(standing=20, fallen=0), 10)
    with BackgroundServer(ServeConfig(port=0, threads=1), extra_routes=programme_routes()) as server, Browser(clip) as browser:
        install(server.app, url)
        page = browser.driver
        page.get(server.url + "patients/demo")
        wait(page, "return document.getElementById('status').textContent.startsWith('connected')")
        assert page.find_element("id", "title").text == "demo: Two squats"
        page.find_element("id", "camera").click()
        wait(page, "return !document.getElementById('start').disabled")
        page.find_element("id", "start").click()
        saved = wait(page, "return window.movenetProgramme.saved", timeout=120)
        results = page.execute_script("return window.movenetProgramme.results")
        assert [r["reps"] for r in results] == [2] and results[0]["status"] == "done"
        assert page.execute_script("return window.movenetProgramme.frames") > 30
        assert "saved" in page.find_element("id", "status").text
        stored = store.session(saved)
        assert stored["patient"] == "demo" and stored["source"] == "browser" and stored["sets"][0]["reps"] == 2
        page.get(server.url + "patients/demo/history")
        wait(page, "return window.movenetHistory.rendered")
        assert page.execute_script("return document.querySelectorAll('svg.chart').length") >= 3
        assert page.execute_script("return document.querySelectorAll('#sessions tbody tr').length") == 1
        errors = [m for m in browser.console() if "SEVERE" in m or "rror" in m]
        assert not errors, errors
