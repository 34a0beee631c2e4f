"""Screenshot of the live page of `movenet serve` for the README (headless Chromium, fake camera).

    python tools/serve_screenshot.py [--out docs/images/serve_live.jpg]

The fake camera plays examples/pose.jpg panning (640x480); joint angles are switched on; the shot
is taken once the page has streamed for a few seconds (speed figures on a shared machine vary).
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
from browser import Browser, panned_frames, write_y4m

from movenet.serve import BackgroundServer, ServeConfig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs" / "images" / "serve_live.jpg"))
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        clip = write_y4m(Path(folder) / "clip.y4m", panned_frames(640, 480, 60, step=2), 30)
        with BackgroundServer(ServeConfig(port=0)) as server, Browser(clip, window=(1200, 900)) as browser:
            driver = browser.driver
            driver.get(server.url)
            while not driver.execute_script("return window.movenet?.settingsId === 1"):
                time.sleep(0.1)
            driver.find_element("id", "angles-on").click()
            driver.find_element("id", "start").click()
            time.sleep(args.seconds)
            driver.execute_script("window.scrollTo(0, 0)")
            png = driver.get_screenshot_as_png()
    Image.open(io.BytesIO(png)).convert("RGB").save(args.out, quality=85)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
