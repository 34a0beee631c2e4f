"""Parity of browser inference with the Python pipeline, per model (the figures of
docs/results/browser.md; a benchmark-style script, the tests check bounds on the same runs).

    python tools/browser_parity.py [--models lightning thunder multipose] [--backend wasm|webgpu]
                                   [--threads 1] [--json out.json]

The page of `movenet serve --inference browser` in headless Chromium (its own worker: onnxruntime-web
1 thread + the JS pipeline) and our Python detector (onnxruntime, 1 thread) get the same decoded
frames (PNG through WebDriver, the pixels checked by SHA-256; tests/serve/inbrowser.py):

1. Single frames: 11 real photos (examples, coco_mini, the fall frames, squat frames), each with
   a fresh detector: per keypoint max(|dx| / width, |dy| / height) (target: <= 1e-3) and pixels.
2. Exact loop: the Python pipeline fed the browser's network outputs (a replay runtime) must build
   the same model inputs (SHA-256 of the int32 crop) and give the browser's keypoints.
`--backend webgpu` runs onnxruntime-web's WebGPU build on SwiftShader (WebGPU on the CPU: no GPU
here; for correctness, its speed means nothing).
3. Closed loop on video: the squat clip (45 frames, letterboxed to 640x480) then a man standing
   (10) and fallen (10), 10 fps, each side on its own network: median / p95 / max px.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "serve"))
from browser import Browser, squat_and_fall_frames, wait  # noqa: E402
from inbrowser import READY, ReplayRuntime, as_array, browser_run, compare, still_images  # noqa: E402

import movenet  # noqa: E402
from movenet.serve import BackgroundServer, ServeConfig  # noqa: E402

VIDEO_FPS = 10.0


def video() -> tuple[list[np.ndarray], list[float]]:
    frames = squat_and_fall_frames(640, 480, standing=10, fallen=10)
    return frames, [1000.0 + i * 1000.0 / VIDEO_FPS for i in range(len(frames))]


def python_video(model: str, frames, times, runtime=None) -> list[list]:
    detector = movenet.create_detector(model, threads=1)
    if runtime is not None:
        detector.runtime = detector._pipeline.runtime = runtime
    return [detector.estimate_poses(rgb, t) for rgb, t in zip(frames, times)]


def model_parity(driver, model: str) -> dict:
    stills = still_images()
    started = time.monotonic()
    answers = browser_run(driver, model, [rgb for _, rgb in stills], [0.0] * len(stills), fresh_each=True)
    expected = [movenet.create_detector(model, threads=1).estimate_poses(rgb, 0.0) for _, rgb in stills]
    single = compare(answers, expected, [(rgb.shape[1], rgb.shape[0]) for _, rgb in stills])
    frames, times = video()
    answers = browser_run(driver, model, frames, times)
    browser_s = time.monotonic() - started
    replay = ReplayRuntime(model, answers)
    replayed = python_video(model, frames, times, replay)
    exact = max((float(np.abs(as_array(a)[:, :2] - as_array(b)[:, :2]).max()) for got, ref in zip(answers, replayed)
                 for a, b in zip(got["poses"], ref)), default=0.0)
    loop = compare(answers, python_video(model, frames, times), [(640, 480)] * len(frames))
    return {
        "model": model, "single": single.summary(), "replay": {
            "input_mismatches": replay.input_mismatches, "calls": replay.calls, "max_px": exact,
            "pose_counts_differ": sum(len(a["poses"]) != len(b) for a, b in zip(answers, replayed))},
        "loop": loop.summary(), "browser_inference_ms_median": float(np.median([a["inference_ms"] for a in answers])),
        "seconds": time.monotonic() - started, "browser_seconds": browser_s,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=["lightning", "thunder", "multipose"])
    parser.add_argument("--backend", choices=["wasm", "webgpu"], default="wasm")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args(argv)
    results = []
    config = ServeConfig(port=0, threads=1, inference="browser")
    with BackgroundServer(config) as server, Browser(None, software_webgpu=args.backend == "webgpu") as browser:
        driver = browser.driver
        driver.set_script_timeout(300)
        driver.get(server.url + f"?threads={args.threads}&backend={args.backend}")
        wait(driver, READY, 120)
        ready = driver.execute_script("return window.movenet.inference.engine.ready")
        print(f"onnxruntime-web {ready['version']}, {ready['backend']}, {ready['threads']} thread(s)", flush=True)
        for model in args.models:
            results.append(model_parity(driver, model))
            print(json.dumps(results[-1]), flush=True)
    print("\n| model | single frames: max normalised / max px | exact loop: inputs differing, max px | "
          "video closed loop: median / p95 / max px | other pose counts | other ids |")
    print("|---|---|---|---|---|---|")
    for r in results:
        s, e, loop = r["single"], r["replay"], r["loop"]
        print(f"| {r['model']} | {s['max_normalised']:.2g} / {s['max_px']:.3g} | {e['input_mismatches']} of {e['calls']}, "
              f"{e['max_px']:.2g} | {loop['median_px']:.3g} / {loop['p95_px']:.3g} / {loop['max_px']:.3g} | "
              f"{loop['frames_with_other_pose_counts']} | {loop['frames_with_other_ids']} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
