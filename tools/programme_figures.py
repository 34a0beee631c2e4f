"""The pictures of docs/guide/programmes.md and docs/results/programmes.md: the report (HTML in
headless Chromium), the history page and the patient page (the fake camera playing the squat
clip the repository ships), from a demo database: 8 weeks of synthetic sessions of patient P001
(tools/programme_demo.py; not measurements) plus one real session on the squat clip.

    python tools/programme_figures.py [--out docs/images]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tools"), str(REPO / "tests" / "serve")]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic", "--hide-scrollbars"]


def screenshot_file(html: Path, png: Path, size: tuple[int, int]) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["chromium", *FLAGS, f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}",
                        f"--screenshot={png}", html.as_uri()], check=True, capture_output=True, timeout=120)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(REPO / "docs" / "images"))
    args = p.parse_args(argv)
    out = Path(args.out)
    from programme_demo import main as demo

    from movenet.cli.main import main as movenet
    from movenet.programme.store import ProgrammeStore
    from movenet.reports import render_html
    from movenet.storage import Database

    work = Path(tempfile.mkdtemp(prefix="movenet-figures-"))
    url = f"sqlite:///{work / 'demo.db'}"
    demo(["--db", url, "--patient", "P001", "--weeks", "8"])
    clip = REPO / "tests" / "fixtures" / "serve" / "squats_270x480.mp4"
    movenet(["session", "run", str(REPO / "examples" / "programmes" / "knee.toml"), "--patient", "P001", "--video", str(clip), "--db", url])
    store = ProgrammeStore(Database(url))
    report = work / "report.html"
    report.write_text(render_html(store, "P001", limit=2))
    screenshot_file(report, out / "programme_report.png", (940, 2600))
    print(f"wrote {out / 'programme_report.png'}")

    from browser import Browser, squat_and_fall_frames, wait, write_y4m

    from movenet.programme import load_programme
    from movenet.serve import BackgroundServer, ServeConfig
    from movenet.serve.programme_pages import install, programme_routes

    store.assign("demo", load_programme(REPO / "examples" / "programmes" / "knee.toml"))
    camera = write_y4m(work / "squats.y4m", squat_and_fall_frames(standing=20, fallen=0), 10)
    with BackgroundServer(ServeConfig(port=0, threads=1), extra_routes=programme_routes()) as server, \
            Browser(camera, window=(1280, 860)) as browser:
        install(server.app, url)
        page = browser.driver
        page.get(server.url + "patients/P001/history")
        wait(page, "return window.movenetHistory.rendered")
        page.set_window_size(1280, 2000)
        page.save_screenshot(str(out / "programme_history_page.png"))
        print(f"wrote {out / 'programme_history_page.png'}")
        page.set_window_size(1280, 860)
        page.get(server.url + "patients/demo")
        wait(page, "return document.getElementById('status').textContent.startsWith('connected')")
        page.find_element("id", "camera").click()
        wait(page, "return !document.getElementById('start').disabled")
        page.find_element("id", "start").click()
        wait(page, "return window.movenetProgramme.state && window.movenetProgramme.state.count >= 1", timeout=120)
        wait(page, "const s = window.movenetProgramme.state; return s && s.angle !== null && s.angle < 140", timeout=60)
        page.save_screenshot(str(out / "programme_patient_page.png"))
        print(f"wrote {out / 'programme_patient_page.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
