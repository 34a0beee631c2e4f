"""The picture of the web app (docs/images/serve_live.jpg, docs/get-started/web-app.md) (headless Chromium, fake camera).

    python tools/web_app_picture.py [--out docs/images/serve_live.jpg] [--clip squats|pose]

`--clip squats` (default): the fake camera plays a woman doing two squats and then a man lying on
the floor after a fall (tests/serve/browser.py: squat_and_fall_frames, 10 fps), with the squat
counter, the joint angles and the fall detector on (a fall confirmed after 1 s); the shot is taken
once the fall alarm shows, with the count of the two squats in the reps panel. `--clip pose`:
examples/pose.jpg panning, joint angles on, after `--seconds`. Speed figures on a shared machine vary.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "serve"))
from browser import Browser, panned_frames, squat_and_fall_frames, wait, write_y4m

from movenet.serve import BackgroundServer, ServeConfig

ALARM = "return document.getElementById('alert-box').classList.contains('alarm') && !document.getElementById('alert-box').hidden"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs" / "images" / "serve_live.jpg"))
    parser.add_argument("--clip", choices=["squats", "pose"], default="squats")
    parser.add_argument("--seconds", type=float, default=6.0, help="--clip pose: how long to stream before the shot")
    parser.add_argument("--window", default="1200x1600", help="browser window, WxH (tall enough for the panels)")
    args = parser.parse_args(argv)
    window = tuple(int(v) for v in args.window.split("x"))
    with tempfile.TemporaryDirectory() as folder:
        if args.clip == "squats":
            clip = write_y4m(Path(folder) / "clip.y4m", squat_and_fall_frames(), 10)
        else:
            clip = write_y4m(Path(folder) / "clip.y4m", panned_frames(640, 480, 60, step=2), 30)
        with BackgroundServer(ServeConfig(port=0)) as server, Browser(clip, window=window) as browser:
            driver = browser.driver
            driver.get(server.url)
            wait(driver, "return window.movenet?.settingsId === 1")
            driver.find_element("id", "angles-on").click()
            if args.clip == "squats":
                from selenium.webdriver.support.ui import Select

                driver.execute_script("document.getElementById('confirm-s').value = 1")
                driver.find_element("id", "falls-on").click()
                Select(driver.find_element("id", "exercise")).select_by_value("squat")
            driver.find_element("id", "start").click()
            if args.clip == "squats":
                wait(driver, ALARM)
            else:
                time.sleep(args.seconds)
            driver.execute_script("window.scrollTo(0, 0)")
            png = driver.get_screenshot_as_png()
            # down to the speed panel (CSS pixels are device pixels here: no scaling in headless)
            bottom = driver.execute_script("return document.getElementById('stats').getBoundingClientRect().bottom")
    shot = Image.open(io.BytesIO(png)).convert("RGB")
    shot.crop((0, 0, shot.width, min(shot.height, round(bottom) + 12))).save(args.out, quality=85)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
