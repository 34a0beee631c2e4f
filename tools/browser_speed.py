"""Speed and weight of browser inference beside server inference (the figures of
docs/results/browser.md; a benchmark script, not a test).

    python tools/browser_speed.py [--modes server wasm-1 wasm-2] [--models lightning] [--seconds 20]
                                  [--rounds 2] [--fps 30] [--loads 3] [--json out.json]

One `movenet serve --inference browser` process (its own process, default threads) and, per run, a
fresh headless Chromium (software rendering, --disable-gpu) whose fake camera plays a clip of
examples/pose.jpg panning, on the same machine. Modes, interleaved over `--rounds` so that the
machine's load hits all alike:
- `server`: the page sends JPEG frames (quality 0.7) and the server runs the model (`?inference=server`);
- `wasm-N`: the page runs the model with onnxruntime-web, N threads (`?inference=browser&threads=N`;
  threads need the page cross-origin isolated, which it is in browser mode); `wasm-N+spin`: with
  the threads busy-waiting between operators (off by default, `?spin=1`).
Per run, after a warm-up, `--seconds` of streaming: fps (poses per second on the page), frame to
pose latency (frame grabbed -> poses drawn) p50 / p95, model time p50 (onnxruntime-web's session.run
in the worker, or the server's inference), and CPU per frame of the server and of the browser's
processes (and `cpu_bound_fps`: 2 cores / their sum).

Load time (`--loads` fresh browsers per model, then a reload of the last one): from navigation to
the model ready in the page (onnxruntime-web imported, its WebAssembly compiled, the model fetched
and its session created), cold (a fresh profile: everything downloaded) and warm (reload: the
runtime and model revalidated, 304). Over loopback: a remote page adds the transfer (sizes printed;
gzip: what a proxy that compresses sends).

Size: the files browser inference adds to the package (the vendored runtime and the JS pipeline),
raw and as they weigh in the wheel (zip deflate).
"""

from __future__ import annotations

import argparse
import gzip
import io
import itertools
import json
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "serve"))
sys.path.insert(0, str(ROOT / "tools"))
from bench_serve import ServerProcess, clip_for, cpu_seconds, descendants  # noqa: E402
from browser import Browser, wait  # noqa: E402

WARMUP_S = 5.0
STATIC = ROOT / "src" / "movenet" / "serve" / "static"
ADDED = [*(STATIC / "ort").iterdir(), *(STATIC / "browser").iterdir()]


class BrowserServer(ServerProcess):
    """`movenet serve --inference browser --model MODEL` in its own process."""

    def __init__(self, model: str) -> None:
        import os
        import subprocess
        import urllib.request

        from bench_serve import free_port

        self.port = free_port()
        command = [sys.executable, "-m", "movenet", "serve", "--port", str(self.port), "--inference", "browser", "--model", model]
        self.process = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "api/info", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("movenet serve did not start")


def query(mode: str) -> str:
    """server, wasm-N (N threads), wasm-N+spin (their threads busy-wait between operators)."""
    if mode == "server":
        return "?inference=server"
    threads, _, spin = mode.partition("-")[2].partition("+")
    return f"?inference=browser&threads={int(threads)}" + ("&spin=1" if spin == "spin" else "")


def open_page(browser: Browser, url: str, mode: str) -> None:
    driver = browser.driver
    driver.get(url + query(mode))
    wait(driver, "return window.movenet?.settingsId >= 1", 120)
    if driver.execute_script("return window.movenet.inference.mode") != ("server" if mode == "server" else "browser"):
        raise RuntimeError(f"the page did not start in {mode}: {driver.execute_script('return window.movenet.inference.fallback')}")
    driver.find_element("id", "start").click()


def measure(browser: Browser, server: ServerProcess, seconds: float) -> dict:
    driver = browser.driver
    time.sleep(WARMUP_S)
    pids = descendants(driver.service.process.pid)
    driver.execute_script("window.movenet.stats.all = []")
    server0, browser0, t0 = server.cpu_s(), cpu_seconds(pids), time.monotonic()
    time.sleep(seconds)
    records = driver.execute_script("return window.movenet.stats.all")
    server_cpu, browser_cpu = server.cpu_s() - server0, cpu_seconds(pids) - browser0
    elapsed = time.monotonic() - t0
    driver.find_element("id", "stop").click()
    n = max(1, len(records))
    p = lambda key, q: float(np.percentile([r[key] for r in records], q)) if records else float("nan")  # noqa: E731
    return {"frames": len(records), "fps": len(records) / elapsed, "latency_p50": p("latency", 50), "latency_p95": p("latency", 95),
            "model_ms_p50": p("inference", 50), "server_cpu_ms_per_frame": 1000 * server_cpu / n,
            "browser_cpu_ms_per_frame": 1000 * browser_cpu / n, "cpu_bound_fps": 2 * n / max(1e-9, server_cpu + browser_cpu)}


def load_times(server: ServerProcess, model: str, loads: int) -> dict:
    cold, warm = [], []
    for i in range(loads):
        with Browser(None) as browser:
            driver = browser.driver
            driver.get(server.url + "?inference=browser&threads=1")
            wait(driver, "return window.movenet?.inference?.readyMs > 0", 120)
            cold.append(driver.execute_script("return window.movenet.inference.readyMs"))
            if i == loads - 1:
                for _ in range(loads):
                    driver.refresh()
                    wait(driver, "return window.movenet?.inference?.readyMs > 0", 120)
                    warm.append(driver.execute_script("return window.movenet.inference.readyMs"))
    return {"cold_ms": cold, "warm_ms": warm, "cold_ms_median": float(np.median(cold)), "warm_ms_median": float(np.median(warm))}


def package_size() -> dict:
    raw = sum(p.stat().st_size for p in ADDED)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as wheel_like:  # wheels are zip deflate
        for path in ADDED:
            wheel_like.write(path, path.relative_to(STATIC))
    gz = {p.name: len(gzip.compress(p.read_bytes(), 6)) for p in ADDED if p.suffix in (".wasm", ".mjs")}
    return {"files": len(ADDED), "raw_bytes": raw, "wheel_bytes": len(buffer.getvalue()), "gzip_bytes": gz}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", nargs="+", default=["server", "wasm-1", "wasm-2"])
    parser.add_argument("--models", nargs="+", default=["lightning"])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--fps", type=int, default=30, help="frame rate of the fake camera (a webcam's 30)")
    parser.add_argument("--size", default="640x480")
    parser.add_argument("--loads", type=int, default=3, help="page loads per model for the load time (0: none)")
    parser.add_argument("--json", help="write every run's figures here")
    args = parser.parse_args(argv)
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="movenet-browser-speed-"))
    clip = clip_for(args.size, args.fps, folder)
    out = {"size": package_size(), "runs": [], "loads": {}}
    print(json.dumps({"package": out["size"]}), flush=True)
    servers = {model: BrowserServer(model) for model in args.models}
    try:
        for model in args.models if args.loads else []:
            out["loads"][model] = load_times(servers[model], model, args.loads)
            print(json.dumps({"model": model, "load": out["loads"][model]}), flush=True)
        for round_index, (model, mode) in itertools.product(range(args.rounds), itertools.product(args.models, args.modes)):
            with Browser(clip) as browser:
                open_page(browser, servers[model].url, mode)
                figures = measure(browser, servers[model], args.seconds)
            run = {"round": round_index, "model": model, "mode": mode, **figures}
            out["runs"].append(run)
            print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in run.items()}), flush=True)
    finally:
        for server in servers.values():
            server.stop()
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    columns = ("fps", "latency_p50", "latency_p95", "model_ms_p50", "server_cpu_ms_per_frame", "browser_cpu_ms_per_frame", "cpu_bound_fps")
    print(f"\nmedian over {args.rounds} round(s), camera {args.size} at {args.fps} fps:")
    print("| model | mode | " + " | ".join(columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    for model, mode in itertools.product(args.models, args.modes):
        mine = [r for r in out["runs"] if r["model"] == model and r["mode"] == mode]
        if mine:
            print(f"| {model} | {mode} | " + " | ".join(f"{np.median([r[c] for r in mine]):.1f}" for c in columns) + " |")
    for model, load in out["loads"].items():
        print(f"load time, {model}: cold {load['cold_ms_median']:.0f} ms (median of {len(load['cold_ms'])}), "
              f"warm {load['warm_ms_median']:.0f} ms")
    size = out["size"]
    print(f"package: {size['files']} files, {size['raw_bytes'] / 1e6:.1f} MB raw, {size['wheel_bytes'] / 1e6:.1f} MB in the wheel")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
