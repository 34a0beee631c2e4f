"""Speed of the live page of `movenet serve` in headless Chromium (a benchmark script, not a test).

    python tools/bench_serve.py [--sizes 640x480 320x240] [--encodings jpeg rgba] [--qualities 0.7]
                                [--servers default 1 2+spin] [--pipelined 0 1] [--seconds 20]
                                [--rounds 2] [--fps 60] [--memory-minutes 10]

Starts `movenet serve` as its own process and a headless Chromium (Debian's chromium and
chromium-driver, as the browser tests) whose fake camera plays a clip of examples/pose.jpg panning
(`--fps` frames per second: 60 measures what the page sustains; a 30 fps webcam caps it at 30).
For each configuration (frame size x frame encoding x JPEG quality x server threads and spinning x
pipelining), interleaved over `--rounds`
so that the machine's load hits all alike: the page streams for a warm-up, then `--seconds`;
the figures come from the page's own timings (`window.movenet.stats`): sustained fps (answers per
second), round trip (frame sent -> poses back) and frame-to-pose latency (frame grabbed -> poses
back, JPEG encoding included), p50 and p95; the server's inference and total time per frame; CPU
milliseconds per frame of the server process and of the browser's processes, and `cpu_bound_fps`:
2 cores / (their sum), what two otherwise idle cores could sustain (a figure that a loaded
machine disturbs far less than the wall-clock ones).

`--memory-minutes N` then streams 640x480 for N minutes and prints the server's resident memory
(VmRSS) every 30 s: it must stay flat.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "serve"))
from browser import Browser, panned_frames, write_y4m

WARMUP_S = 4.0
CLIP_FRAMES = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (the browser's processes under chromedriver)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (and of their waited-for children)."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            total += sum(int(v) for v in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


class ServerProcess:
    def __init__(self, threads: int | None, spinning: bool = False) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "movenet", "serve", "--port", str(self.port)]
        if threads:
            command += ["--threads", str(threads)]
        if spinning:
            command.append("--spinning")
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        self.process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "api/info", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("movenet serve did not start")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_s(self) -> float:
        return cpu_seconds([self.process.pid])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def stream(browser: Browser, url: str, size: str, quality: float, pipelined: bool = False, encoding: str = "jpeg"):
    driver = browser.driver
    driver.get(url)
    deadline = time.monotonic() + 60
    while not driver.execute_script("return window.movenet?.settingsId === 1"):
        if time.monotonic() > deadline:
            raise RuntimeError("the page did not connect")
        time.sleep(0.1)
    driver.execute_script(
        "const q = document.getElementById('quality'); q.value = arguments[0]; q.dispatchEvent(new Event('input'));"
        "document.getElementById('resolution').value = arguments[1];"
        "document.getElementById('pipelined').checked = arguments[2];"
        "document.getElementById('encoding').value = arguments[3];", quality, size, pipelined, encoding)
    driver.find_element("id", "start").click()


def measure(browser: Browser, server: ServerProcess, seconds: float) -> dict:
    driver = browser.driver
    time.sleep(WARMUP_S)
    browser_pids = descendants(driver.service.process.pid)
    driver.execute_script("window.movenet.stats.all = []")
    cpu0, browser0, t0 = server.cpu_s(), cpu_seconds(browser_pids), time.monotonic()
    time.sleep(seconds)
    records = driver.execute_script("return window.movenet.stats.all")
    cpu, browser_cpu = server.cpu_s() - cpu0, cpu_seconds(browser_pids) - browser0
    elapsed = time.monotonic() - t0
    driver.find_element("id", "stop").click()
    pick = lambda key: np.array([r[key] for r in records])
    p = lambda key, q: float(np.percentile(pick(key), q)) if records else float("nan")
    return {
        "frames": len(records), "fps": len(records) / elapsed,
        "rtt_p50": p("rtt", 50), "rtt_p95": p("rtt", 95), "latency_p50": p("latency", 50), "latency_p95": p("latency", 95),
        "encode_p50": p("encode", 50), "inference_p50": p("inference", 50), "server_p50": p("server", 50), "decode_p50": p("decode", 50),
        "server_cpu_ms_per_frame": 1000 * cpu / max(1, len(records)),
        "browser_cpu_ms_per_frame": 1000 * browser_cpu / max(1, len(records)),
        # what two otherwise idle cores could sustain at this CPU cost per frame (server + browser)
        "cpu_bound_fps": 2000 * len(records) / max(1e-9, 1000 * (cpu + browser_cpu)),
    }


def clip_for(size: str, fps: int, folder: Path) -> Path:
    width, height = map(int, size.split("x"))
    path = folder / f"clip_{size}_{fps}.y4m"
    if not path.exists():
        write_y4m(path, panned_frames(width, height, CLIP_FRAMES, step=2), fps)
    return path


def memory_run(minutes: float, fps: int, folder: Path) -> None:
    server = ServerProcess(None)  # the defaults
    try:
        with Browser(clip_for("640x480", fps, folder)) as browser:
            stream(browser, server.url, "640x480", 0.7)
            time.sleep(WARMUP_S)
            start = time.monotonic()
            samples = []
            while time.monotonic() - start < minutes * 60:
                frames = browser.driver.execute_script("return window.movenet.stats.all.length")
                samples.append((time.monotonic() - start, server.rss_mb(), frames))
                print(f"  t {samples[-1][0]:6.0f} s  RSS {samples[-1][1]:7.1f} MB  frames {frames}", flush=True)
                time.sleep(30)
            rss = [s[1] for s in samples]
            print(f"server RSS over {minutes:g} min at 640x480: first {rss[0]:.1f} MB, min {min(rss):.1f}, "
                  f"max {max(rss):.1f}, last {rss[-1]:.1f}; {samples[-1][2]} frames")
    finally:
        server.stop()


@dataclass(frozen=True)
class Config:
    size: str
    encoding: str
    quality: float
    server: str  # "default" (all cores), "1", "2", ... threads; "+spin": onnxruntime threads busy-wait
    pipelined: int

    def label(self) -> dict:
        return {"size": self.size, "encoding": self.encoding, "quality": self.quality, "server": self.server,
                "pipelined": self.pipelined}


def start_server(spec: str) -> ServerProcess:
    threads, _, spin = spec.partition("+")
    return ServerProcess(None if threads == "default" else int(threads), spinning=spin == "spin")


COLUMNS = ("fps", "rtt_p50", "rtt_p95", "latency_p50", "latency_p95", "encode_p50", "inference_p50", "server_p50",
           "server_cpu_ms_per_frame", "browser_cpu_ms_per_frame", "cpu_bound_fps")


def print_summary(runs: list[dict], configs: list[Config], title: str) -> None:
    print("\n" + title)
    print(f"{'size':>8} {'enc':>5} {'q':>5} {'server':>10} {'pipe':>4} " + " ".join(f"{c[:11]:>11}" for c in COLUMNS))
    for config in configs:
        mine = [r for r in runs if all(r[k] == v for k, v in config.label().items())]
        med = {c: float(np.median([r[c] for r in mine])) for c in COLUMNS}
        print(f"{config.size:>8} {config.encoding:>5} {config.quality:>5} {config.server:>10} {config.pipelined:>4} "
              + " ".join(f"{med[c]:11.1f}" for c in COLUMNS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=["640x480", "320x240"])
    parser.add_argument("--encodings", nargs="+", default=["jpeg"], choices=["jpeg", "rgba"])
    parser.add_argument("--qualities", nargs="+", type=float, default=[0.7])
    parser.add_argument("--servers", nargs="+", default=["default"],
                        help="server settings: default (all cores), 1, 2 (threads), with +spin to let onnxruntime's threads busy-wait")
    parser.add_argument("--pipelined", nargs="+", type=int, default=[0], help="1: encode the next frame during inference")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--fps", type=int, default=60, help="frame rate of the fake camera")
    parser.add_argument("--memory-minutes", type=float, default=0.0)
    parser.add_argument("--browser-flag", action="append", default=[], help="another Chromium flag (repeatable)")
    parser.add_argument("--json", help="write every run's figures here")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="movenet-bench-serve-"))
    configs = [Config(*c) for c in itertools.product(args.sizes, args.encodings, args.qualities, args.servers, args.pipelined)]
    runs = []
    servers = {spec: start_server(spec) for spec in args.servers} if args.rounds else {}
    try:
        for round_index in range(args.rounds):
            for config in configs:
                server = servers[config.server]
                with Browser(clip_for(config.size, args.fps, folder), flags=tuple(args.browser_flag)) as browser:
                    stream(browser, server.url, config.size, config.quality, bool(config.pipelined), config.encoding)
                    figures = measure(browser, server, args.seconds)
                run = {"round": round_index, **config.label(), **figures}
                runs.append(run)
                print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in run.items()}), flush=True)
    finally:
        for server in servers.values():
            server.stop()
    if runs:
        print_summary(runs, configs, f"median over {args.rounds} round(s), Lightning fp32, fake camera {args.fps} fps:")
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=1))
    if args.memory_minutes:
        memory_run(args.memory_minutes, args.fps, folder)
    for clip in folder.iterdir():
        clip.unlink()
    folder.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
