"""How many simultaneous browser-mode sessions one server process holds (the figure of
docs/results/browser.md; a benchmark script, not a test).

    python tools/keypoint_sessions.py [--sessions 10 20 30 40 50 60 80] [--fps 30] [--seconds 20]
                                      [--analysers all|reps|none] [--servers 1] [--client-processes 1]
                                      [--json out.json]

Starts `movenet serve --inference browser-only --max-browser-sessions 4096` in its own process
(`--servers N`: N of them on N ports, as behind a proxy that spreads sessions over them) and,
for each count of sessions, that many synthetic clients on loopback (asyncio WebSocket clients,
in `--client-processes` processes of their own): each opens /ws like the page, turns its analysers
on (`all`: angles, squat counting and fall detection, the page's full set) and sends a keypoints
message `--fps` times a second: Lightning's poses of the squat clip (tests/fixtures/serve/, real
poses, looping) with increasing capture times, exactly what a page in browser mode sends. Clients
start spread over one frame interval. Per count, after a warm-up, `--seconds` of:
- answers per second against messages sent (every keypoints message gets an `analysis` when
  analysers are on), the latency from send to answer (p50, p95), the keypoints the server dropped
  (its `dropped` count: analysis behind by more than 30 messages);
- the server's CPU (its process only) per message and in all (cores busy);
- the clients' CPU.
A count "holds" when at least 99 % of the messages are answered, none is dropped, and the p95
latency is under 100 ms (3 frames at 30 fps). On this 2-core machine the clients share the cores
with the server: the server's CPU per message gives what it would hold on a core of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from bench_serve import cpu_seconds, free_port  # noqa: E402

CLIP = ROOT / "tests" / "fixtures" / "serve" / "squats_270x480.mp4"
WARMUP_S = 3.0
ANALYSERS = {
    "all": {"angles": {}, "reps": {"exercise": "squat"}, "falls": {"method": "default", "confirm_s": 5}},
    "reps": {"reps": {"exercise": "squat"}},
    "none": {},
}
FRAME = re.compile(r'"frame":(\d+)')
DROPPED = re.compile(r'"dropped":(\d+)')


def clip_messages() -> list[str]:
    """Keypoints messages of the squat clip, with %d / %.3f where the frame id and time go."""
    import cv2

    import movenet
    from movenet.serve import protocol

    detector = movenet.create_detector("lightning", threads=1)
    capture = cv2.VideoCapture(str(CLIP))
    out, t = [], 0.0
    while True:
        ok, bgr = capture.read()
        if not ok:
            break
        poses = detector.estimate_poses(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), t)
        t += 200.0
        message = protocol.pack_keypoints(123456789, 987654.125, bgr.shape[1], bgr.shape[0], poses)
        out.append(message.replace("123456789", "%d").replace("987654.125", "%.3f"))
    capture.release()
    return out


async def client(url: str, origin: str, messages: list[str], fps: float, analysers: dict, stop_at: float,
                 window: tuple[float, float], stats: dict) -> None:
    from websockets.asyncio.client import connect

    period = 1.0 / fps
    async with connect(url, origin=origin, max_queue=None) as ws:
        await ws.recv()  # hello
        await ws.send(json.dumps({"type": "settings", "inference": "browser", "analysers": analysers}))
        await ws.recv()  # settings
        sent: dict[int, float] = {}

        async def read() -> None:
            async for text in ws:
                now = time.perf_counter()
                match = FRAME.search(text)
                if match and text.startswith('{"type":"analysis"'):
                    started = sent.pop(int(match.group(1)), None)
                    if started is not None and window[0] <= started < window[1]:
                        stats["latency"].append(now - started)
                        stats["answered"] += 1
                    dropped = DROPPED.search(text)
                    if dropped:
                        stats["dropped"] = max(stats["dropped"], int(dropped.group(1)))

        reader = asyncio.ensure_future(read())
        await asyncio.sleep(random.random() * period)  # spread the clients over a frame interval
        frame, t_next = 0, time.perf_counter()
        t_ms = 1000.0
        while time.perf_counter() < stop_at:
            now = time.perf_counter()
            await ws.send(messages[frame % len(messages)] % (frame, t_ms))
            sent[frame] = now
            if window[0] <= now < window[1]:
                stats["sent"] += 1
            frame += 1
            t_ms += 1000.0 * period
            t_next += period
            await asyncio.sleep(max(0.0, t_next - time.perf_counter()))
        await asyncio.sleep(0.5)  # the last answers
        reader.cancel()


def run_clients(urls: list[str], count: int, fps: float, analysers: dict, start: float, seconds: float,
                messages: list[str], queue, first: int = 0) -> None:
    stats = {"sent": 0, "answered": 0, "latency": [], "dropped": 0}
    window = (start + WARMUP_S, start + WARMUP_S + seconds)
    stop_at = window[1] + 0.2

    async def main() -> None:
        def at(i: int) -> tuple[str, str]:  # client i's server (round robin), as a WebSocket URL and an Origin
            base = urls[(first + i) % len(urls)]
            return base.replace("http://", "ws://") + "ws", base.rstrip("/")

        await asyncio.gather(*(client(*at(i), messages, fps, analysers, stop_at, window, stats) for i in range(count)))

    cpu0 = time.process_time()
    try:
        asyncio.run(main())
        stats["error"] = None
    except Exception as exc:  # noqa: BLE001 - reported with the figures
        stats["error"] = f"{type(exc).__name__}: {exc}"
    stats["cpu_s"] = time.process_time() - cpu0
    queue.put(stats)


def measure(urls: list[str], pids: list[int], count: int, args, messages: list[str]) -> dict:
    start = time.perf_counter() + 1.0
    queue = multiprocessing.Queue()
    shares = [count // args.client_processes + (i < count % args.client_processes) for i in range(args.client_processes)]
    firsts = [sum(shares[:i]) for i in range(len(shares))]
    workers = [multiprocessing.Process(target=run_clients, args=(urls, n, args.fps, ANALYSERS[args.analysers], start,
                                                                  args.seconds, messages, queue, first))
               for n, first in zip(shares, firsts) if n]
    for w in workers:
        w.start()
    time.sleep(max(0.0, start + WARMUP_S - time.perf_counter()))
    cpu0 = cpu_seconds(pids)
    time.sleep(args.seconds)
    server_cpu = cpu_seconds(pids) - cpu0
    results = [queue.get(timeout=args.seconds + 120) for _ in workers]
    for w in workers:
        w.join()
    sent = sum(r["sent"] for r in results)
    answered = sum(r["answered"] for r in results)
    latency = np.array([x for r in results for x in r["latency"]]) * 1000.0
    errors = [r["error"] for r in results if r["error"]]
    p = lambda q: float(np.percentile(latency, q)) if latency.size else float("nan")  # noqa: E731
    figures = {
        "sessions": count, "sent_per_s": sent / args.seconds, "answered_share": answered / max(1, sent),
        "latency_p50_ms": p(50), "latency_p95_ms": p(95), "dropped": max(r["dropped"] for r in results),
        "server_cores": server_cpu / args.seconds, "server_cpu_ms_per_message": 1000 * server_cpu / max(1, sent),
        "client_cores": sum(r["cpu_s"] for r in results) / (args.seconds + WARMUP_S + 1.0), "errors": errors[:2],
    }
    figures["holds"] = (figures["answered_share"] >= 0.99 and figures["dropped"] == 0
                        and figures["latency_p95_ms"] < 100.0 and not errors)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", nargs="+", type=int, default=[10, 20, 30, 40, 50, 60, 80])
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--analysers", choices=list(ANALYSERS), default="all")
    parser.add_argument("--client-processes", type=int, default=1)
    parser.add_argument("--servers", type=int, default=1, help="server processes (clients spread over them, round robin)")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args(argv)
    messages = clip_messages()
    servers, urls = [], []
    for _ in range(args.servers):
        port = free_port()
        command = [sys.executable, "-m", "movenet", "serve", "--port", str(port), "--inference", "browser-only",
                   "--max-browser-sessions", "4096"]
        servers.append(subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, stderr=subprocess.DEVNULL))
        urls.append(f"http://127.0.0.1:{port}/")
    results = []
    try:
        deadline = time.monotonic() + 120
        for url in urls:
            while True:
                try:
                    urllib.request.urlopen(url + "api/info", timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("movenet serve did not start") from None
                    time.sleep(0.2)
        for count in args.sessions:
            results.append(measure(urls, [s.pid for s in servers], count, args, messages))
            print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in results[-1].items()}), flush=True)
            time.sleep(2.0)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    print(f"\nanalysers {args.analysers}, {args.fps:g} fps per session, {args.seconds:g} s per count, "
          f"{args.servers} server process(es), {args.client_processes} client process(es):")
    print("| sessions | messages/s | answered | latency p50 / p95 ms | dropped | server cores | server ms/message | client cores | holds |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['sessions']} | {r['sent_per_s']:.0f} | {100 * r['answered_share']:.1f} % | {r['latency_p50_ms']:.1f} / "
              f"{r['latency_p95_ms']:.1f} | {r['dropped']} | {r['server_cores']:.2f} | {r['server_cpu_ms_per_message']:.3f} | "
              f"{r['client_cores']:.2f} | {'yes' if r['holds'] else 'no'} |")
    held = [r for r in results if r["holds"]]
    if held:
        best = max(held, key=lambda r: r["sessions"])
        per_core = 1000.0 / (best["server_cpu_ms_per_message"] * args.fps)
        print(f"\nheld: {best['sessions']} sessions ({args.servers} server process(es)); the server's CPU there: "
              f"{best['server_cpu_ms_per_message']:.3f} ms per message, so about {per_core:.0f} sessions per core it has "
              f"to itself at {args.fps:g} fps (a process uses one core: Python's GIL)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
