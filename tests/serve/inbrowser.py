"""Browser inference driven from Python (tests and tools): the page's own engine (the worker that
`movenet serve --inference browser` pages run) fed decoded frames, and the same frames through the
Python pipeline, so that both sides see identical pixels.

Frames travel as PNG (lossless) through WebDriver; the page decodes them with `createImageBitmap`
(no colour conversion), reads the pixels back from a canvas and reports their SHA-256, which the
caller compares with the RGBA it sent: the browser's network input is then checked bit for bit
against the Python crop (the engine's trace gives its SHA-256)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from movenet.registry import get_spec

# arguments: PNG (base64), timestamp (ms), trace (bool)
FEED = """
const [png, timestamp, trace] = [arguments[0], arguments[1], arguments[2]];
const done = arguments[arguments.length - 1];
(async () => {
  const blob = new Blob([Uint8Array.from(atob(png), (c) => c.charCodeAt(0))], { type: "image/png" });
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  const rgba = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const digest = await crypto.subtle.digest("SHA-256", rgba);
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  const r = await window.movenet.inference.engine.estimate(0, rgba.buffer, bitmap.width, bitmap.height, timestamp, trace);
  return { poses: r.poses, trace: r.trace || null, rgba_sha256: hex, inference_ms: r.inference_ms, pipeline_ms: r.pipeline_ms };
})().then(done, (e) => done({ error: String(e) }));
"""
# arguments: settings; a fresh detector (and the model loaded once)
CONFIGURE = """
const done = arguments[arguments.length - 1];
window.movenet.inference.engine.configure(arguments[0]).then(done, (e) => done({ error: String(e) }));
"""
READY = "return window.movenet?.inference?.mode === 'browser' && window.movenet.settingsId >= 1"


def png_base64(rgb: np.ndarray) -> str:
    ok, data = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    return base64.b64encode(data.tobytes()).decode()


def rgba_sha256(rgb: np.ndarray) -> str:
    return hashlib.sha256(np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)]).tobytes()).hexdigest()


def settings(model: str, **changes) -> dict:
    """The session settings of a fresh detector (the server's defaults)."""
    return {"model": model, "precision": "fp32", "smoothing": True, "tracker": "box", "min_pose_score": 0.25,
            "max_poses": None, **changes}


def configure(driver, model: str, **changes) -> dict:
    answer = driver.execute_async_script(CONFIGURE, settings(model, **changes))
    if "error" in answer:
        raise RuntimeError(answer["error"])
    return answer


def feed(driver, rgb: np.ndarray, timestamp_ms: float, trace: bool = True) -> dict:
    """One frame through the page's engine (its video state goes on); the answer, with the pixels
    checked to be the ones sent."""
    answer = driver.execute_async_script(FEED, png_base64(rgb), timestamp_ms, trace)
    if "error" in answer:
        raise RuntimeError(answer["error"])
    assert answer["rgba_sha256"] == rgba_sha256(rgb), "the page decoded other pixels than the ones sent"
    return answer


def browser_run(driver, model: str, frames: list[np.ndarray], times: list[float], fresh_each: bool = False, **changes) -> list[dict]:
    """The browser's answers on `frames` at `times` (ms): one video (fresh detector first), or each
    frame with a fresh detector (`fresh_each`: single frames)."""
    configure(driver, model, **changes)
    out = []
    for rgb, t in zip(frames, times):
        if fresh_each and out:
            configure(driver, model, **changes)
        out.append(feed(driver, rgb, t))
    return out


def as_array(pose) -> np.ndarray:
    """(17, 3) float64 x, y, score of a Pose or a pose dict."""
    if isinstance(pose, dict):
        return np.array([(k["x"], k["y"], k["score"]) for k in pose["keypoints"]], dtype=np.float64)
    return np.array([(k.x, k.y, k.score) for k in pose.keypoints], dtype=np.float64)


class ReplayRuntime:
    """Stands in for the network in the Python pipeline: returns the browser's raw outputs in turn
    and counts the model inputs that differ from the browser's (by SHA-256)."""

    def __init__(self, model: str, answers: list[dict]) -> None:
        self.spec = get_spec(model)
        self.answers = answers
        self.calls = 0
        self.input_mismatches = 0

    def run(self, batch: np.ndarray) -> np.ndarray:
        trace = self.answers[self.calls]["trace"]
        self.calls += 1
        if hashlib.sha256(np.ascontiguousarray(batch[0], dtype="<i4").tobytes()).hexdigest() != trace["input_sha256"]:
            self.input_mismatches += 1
        shape = (1, self.spec.max_poses, 56) if self.spec.multi_pose else (1, 1, 17, 3)
        return np.asarray(trace["raw"], np.float32).reshape(shape)


@dataclass(frozen=True)
class Comparison:
    """Browser vs Python keypoints over frames: per keypoint max(|dx| / width, |dy| / height) and
    max(|dx|, |dy|) in px, for the poses both found (matched in order); frames where the numbers
    of poses differ; ids that differ."""

    normalised: np.ndarray
    pixels: np.ndarray
    count_differs: list[int]
    id_differs: list[int]

    def summary(self) -> dict:
        px = self.pixels if self.pixels.size else np.zeros(1)
        return {"keypoints": int(self.pixels.size), "median_px": float(np.median(px)), "p95_px": float(np.percentile(px, 95)),
                "max_px": float(px.max()), "max_normalised": float(self.normalised.max()) if self.normalised.size else 0.0,
                "frames_with_other_pose_counts": len(self.count_differs), "frames_with_other_ids": len(self.id_differs)}


def compare(browser: list[dict], python: list[list], sizes: list[tuple[int, int]]) -> Comparison:
    """`browser`: answers (their "poses"); `python`: the Python pipeline's poses per frame; sizes
    (width, height) per frame."""
    normalised, pixels, count_differs, id_differs = [], [], [], []
    for i, (answer, expected, (width, height)) in enumerate(zip(browser, python, sizes)):
        got = answer["poses"]
        if len(got) != len(expected):
            count_differs.append(i)
        for mine, reference in zip(got, expected):
            delta = np.abs(as_array(mine)[:, :2] - as_array(reference)[:, :2])
            pixels.append(delta.max(axis=1))
            normalised.append(np.maximum(delta[:, 0] / width, delta[:, 1] / height))
            if mine["id"] != reference.id:
                id_differs.append(i)
    cat = lambda xs: np.concatenate(xs) if xs else np.zeros(0)  # noqa: E731
    return Comparison(cat(normalised), cat(pixels), count_differs, sorted(set(id_differs)))


def still_images() -> list[tuple[str, np.ndarray]]:
    """Real photos of the repository, as `movenet predict` reads them: the examples, the four COCO
    images of coco_mini, the two fall frames, and three frames of the squat clip (standing, down,
    up)."""
    from movenet.io.image import load_image

    repo = Path(__file__).resolve().parents[2]
    paths = [repo / "examples" / "pose.jpg", repo / "examples" / "three_people.jpg",
             *sorted((repo / "tests" / "fixtures" / "coco_mini" / "images").glob("*.jpg")),
             *sorted((repo / "tests" / "fixtures" / "falls").glob("*.png"))]
    images = [(p.name, load_image(p)) for p in paths]
    capture = cv2.VideoCapture(str(repo / "tests" / "fixtures" / "serve" / "squats_270x480.mp4"))
    for index in range(45):
        ok, bgr = capture.read()
        if ok and index in (0, 14, 30):
            images.append((f"squats_270x480.mp4#{index}", cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)))
    capture.release()
    return images
