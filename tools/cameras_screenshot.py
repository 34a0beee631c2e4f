"""Screenshot of the events page of `movenet serve` for docs/guide/cameras.md: a real `movenet
watch` run (GStreamer's RTSP server streaming the GMDCSA24 fall fixture, one camera) stores a
fall with its snapshot and clip; the page is opened in headless Chromium, the event opened, its
clip sought to the fall, and the page shot.

    python tools/cameras_screenshot.py [--out docs/images/cameras_events.jpg]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import threading
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "serve"))
sys.path.insert(0, str(ROOT / "tests" / "cameras"))
from browser import Browser, wait  # noqa: E402
from camera_servers import RtspServer  # noqa: E402
from watch_helpers import wait_for, write_config  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs" / "images" / "cameras_events.jpg"))
    args = parser.parse_args()
    from selenium.webdriver.common.by import By

    from movenet.serve import BackgroundServer, ServeConfig
    from movenet.watch.config import load_config
    from movenet.watch.service import Watcher

    with tempfile.TemporaryDirectory() as folder, RtspServer() as rtsp:
        folder = Path(folder)
        config = load_config(write_config(folder, [{"name": "living", "url": rtsp.url(), "room": "living room"}],
                                          watch={"clip_before_s": 3.0, "clip_after_s": 1.0, "health_interval_s": 2.0}))
        watcher = Watcher(config)
        thread = threading.Thread(target=lambda: (watcher.start(), watcher.run()), daemon=True)
        thread.start()
        wait_for(lambda: any(len(e["evidence"]) >= 3 for e in watcher.store.list_events(kind="fall")), what="the clip")
        time.sleep(2.5)
        watcher.stop()
        thread.join(30)
        watcher.close()
        with BackgroundServer(ServeConfig(port=0, threads=1, database=config.database)) as server, \
                Browser(None, window=(1100, 900)) as browser:
            driver = browser.driver
            driver.get(server.url + "events")
            wait(driver, "return document.querySelectorAll('#events tr').length >= 1")
            driver.find_element(By.CSS_SELECTOR, "#events tr:last-child button.open").click()
            wait(driver, "const v = document.getElementById('clip'); return v.readyState >= 2")
            driver.execute_script("const v = document.getElementById('clip'); window.seeked = false;"
                                  "v.addEventListener('seeked', () => { window.seeked = true; }, {once: true});"
                                  "v.currentTime = v.duration * 0.8;")
            wait(driver, "const v = document.getElementById('clip'); return window.seeked && v.readyState >= 3")
            time.sleep(1.5)
            wait(driver, "const i = document.getElementById('snapshot'); return i.complete && i.naturalWidth > 0")
            time.sleep(0.5)
            png = driver.get_screenshot_as_png()
    Image.open(io.BytesIO(png)).convert("RGB").save(args.out, quality=85)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
