"""Headless Chromium for the web app's tests and tools: Debian's `chromium` and `chromium-driver`
driven by Selenium, with a fake camera fed from a clip made of the example photo, or of a person
squatting and then falling (real frames: tests/fixtures/serve/ and tests/fixtures/falls/)."""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
SQUATS = REPO / "tests" / "fixtures" / "serve" / "squats_270x480.mp4"  # pose_squats.mp4, 2 squats, 5 fps
FALL = [REPO / "tests" / "fixtures" / "falls" / f"fall_img_{i}.png" for i in (1, 2)]  # standing, fallen
CHROMIUM = Path(os.environ.get("MOVENET_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("MOVENET_CHROMEDRIVER", "/usr/bin/chromedriver"))
# Quiet, private, reproducible: no first-run UI, no background traffic, no sandbox (containers).
TIMEOUT_S = 60  # what a wait on the page may take at most
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--mute-audio",
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
)
# WebGPU on the CPU (SwiftShader's Vulkan) instead of --disable-gpu: the browser-inference tests run
# the WebGPU build of onnxruntime-web on machines without a GPU (for correctness, not speed).
SOFTWARE_WEBGPU_FLAGS = ("--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader", "--enable-features=Vulkan",
                         "--use-vulkan=swiftshader", "--use-angle=swiftshader")


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "needs selenium (the test extra)"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not path.is_file():
            return f"needs {path} (apt-get install {package})"
    return None


def panned_frames(width: int, height: int, count: int, step: int = 4) -> list[np.ndarray]:
    """`count` RGB frames of examples/pose.jpg panning right then back (a person who moves)."""
    photo = Image.open(REPO / "examples" / "pose.jpg").convert("RGB")
    scale = height / photo.height
    wide = np.asarray(photo.resize((max(width + count * step, round(photo.width * scale)), height), Image.BILINEAR))
    half = count // 2
    offsets = [i * step for i in range(half)] + [(count - i) * step for i in range(half, count)]
    return [np.ascontiguousarray(wide[:, o:o + width]) for o in offsets]


def letterbox(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """`rgb` scaled to fit `width` x `height`, centred on black."""
    h, w = rgb.shape[:2]
    scale = min(width / w, height / h)
    small = cv2.resize(rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    out = np.zeros((height, width, 3), np.uint8)
    y, x = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
    out[y:y + small.shape[0], x:x + small.shape[1]] = small
    return out


def squat_and_fall_frames(width: int = 640, height: int = 480, standing: int = 20, fallen: int = 30) -> list[np.ndarray]:
    """RGB frames: a woman doing two squats (45 frames, tensorflow/tfjs-models' pose_squats.mp4),
    then a man standing (`standing` frames) and lying on the floor after a fall (`fallen` frames:
    Ambianic's test frames). Played at 10 fps (twice the squats' speed), Lightning counts 2 squats
    and, with a 1-s confirmation, detects the fall (and, when the clip loops, the recovery)."""
    capture = cv2.VideoCapture(str(SQUATS))
    squats = []
    while True:
        ok, bgr = capture.read()
        if not ok:
            break
        squats.append(letterbox(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), width, height))
    capture.release()
    stand, down = (letterbox(np.asarray(Image.open(p).convert("RGB")), width, height) for p in FALL)
    return squats + [stand] * standing + [down] * fallen


def write_y4m(path: Path, frames: list[np.ndarray], fps: int) -> Path:
    """A YUV4MPEG2 (4:2:0) clip, what Chromium's fake camera reads (and loops)."""
    height, width = frames[0].shape[:2]
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for rgb in frames:
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420).tobytes())
    return path


class Browser:
    """A headless Chromium with a fresh profile whose camera plays `clip`; `driver` is Selenium's."""

    def __init__(self, clip: Path | None, window: tuple[int, int] = (1280, 900), flags: tuple[str, ...] = (),
                 network_log: bool = False, software_webgpu: bool = False) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="movenet-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        base = tuple(f for f in CHROMIUM_FLAGS if f != "--disable-gpu") + SOFTWARE_WEBGPU_FLAGS if software_webgpu else CHROMIUM_FLAGS
        for flag in (*base, *flags):
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        options.add_argument(f"--window-size={window[0]},{window[1]}")
        if clip is not None:
            options.add_argument(f"--use-file-for-fake-video-capture={clip}")
        # network_log: Chrome's performance log (DevTools Network events: requests, WebSocket frames)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", **({"performance": "ALL"} if network_log else {})})
        try:
            self.driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        except BaseException:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        self.driver.set_script_timeout(30)

    def console(self) -> list[str]:
        return [entry["message"] for entry in self.driver.get_log("browser")]

    def network_events(self) -> list[dict]:
        """The DevTools Network events logged since the last call (needs `network_log`)."""
        import json

        events = [json.loads(entry["message"])["message"] for entry in self.driver.get_log("performance")]
        return [e for e in events if e["method"].startswith("Network.")]

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def wait(driver, script, timeout=TIMEOUT_S):
    """Polls `script` (JS, returns a value) on the page until it is truthy; that value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: d.execute_script(script))


def decode(record):
    """A frame the page sent (recorded, base64), as the server read it: a JPEG decoded by OpenCV,
    or raw RGBA."""
    data = np.frombuffer(base64.b64decode(record["data"]), np.uint8)
    if record["format"] == "rgba":
        width, height = record["size"]
        return data.reshape(height, width, 4)[:, :, :3]
    return cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
