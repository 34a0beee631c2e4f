"""Figure: memory of one `movenet watch` with N cameras (default 4, 640x480, 15 fps, Lightning,
RTSP, looped) over a long run (default 1 hour): the process's resident memory every `--every-s`,
its growth from the first sample after warm-up to the last, and the slope over the second half
(a leak shows as a steady slope; allocator warm-up as an early step). Writes a CSV and a plot.

    flock /tmp/movenet-cpu.lock .venv/bin/python tools/bench_watch_memory.py --seconds 3600 \
        --csv /tmp/memory.csv --png docs/images/cameras_memory.png --out /tmp/memory.json
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import threading
import time
from pathlib import Path

from camera_bench import LoopingCameras, bench_clip, dump, machine, rss_mb, write_config

WARMUP_S = 120.0


def slope_mb_per_h(points) -> float:
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_m = sum(m for _, m in points) / n
    num = sum((t - mean_t) * (m - mean_m) for t, m in points)
    den = sum((t - mean_t) ** 2 for t, _ in points)
    return num / den * 3600 if den else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cameras", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=3600.0)
    parser.add_argument("--every-s", type=float, default=30.0)
    parser.add_argument("--csv")
    parser.add_argument("--png")
    parser.add_argument("--out")
    args = parser.parse_args()
    logging.getLogger("movenet").setLevel(logging.ERROR)
    from movenet.watch.config import load_config
    from movenet.watch.service import Watcher

    samples = []
    with LoopingCameras(bench_clip(), args.cameras) as server, tempfile.TemporaryDirectory() as folder:
        urls = [server.url(f"/cam{i}") for i in range(args.cameras)]
        watcher = Watcher(load_config(write_config(Path(folder), urls, health_interval_s=30)))
        thread = threading.Thread(target=lambda: (watcher.start(), watcher.run()), daemon=True)
        thread.start()
        while watcher.engine is None or len(watcher.engine.workers) < args.cameras:
            time.sleep(0.1)
        start = time.monotonic()
        while (elapsed := time.monotonic() - start) < args.seconds:
            frames = sum(w.analysed for w in watcher.engine.workers.values())
            samples.append((elapsed, rss_mb(), frames))
            time.sleep(args.every_s)
        events = len(watcher.store.list_events(limit=None))
        watcher.stop()
        thread.join(30)
        watcher.close()
    if args.csv:
        Path(args.csv).write_text("seconds,rss_mb,frames_analysed\n" + "".join(f"{t:.1f},{m:.1f},{f}\n" for t, m, f in samples))
    settled = [(t, m) for t, m, _ in samples if t >= WARMUP_S]
    half = [(t, m) for t, m in settled if t >= args.seconds / 2]
    if args.png:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 3.2), dpi=120)
        ax.plot([t / 60 for t, _, _ in samples], [m for _, m, _ in samples], color="#2a6")
        ax.set_xlabel("minutes")
        ax.set_ylabel("resident memory (MB)")
        ax.set_title(f"movenet watch, {args.cameras} cameras 640x480 15 fps (Lightning)")
        ax.set_ylim(0, max(m for _, m, _ in samples) * 1.15)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(args.png)
    dump({"machine": machine(), "cameras": args.cameras, "seconds": args.seconds,
          "frames_analysed": samples[-1][2], "events": events,
          "rss_mb_after_warmup": round(settled[0][1], 1) if settled else None, "rss_mb_end": round(samples[-1][1], 1),
          "rss_mb_max": round(max(m for _, m, _ in samples), 1),
          "growth_mb_after_warmup": round(samples[-1][1] - settled[0][1], 1) if settled else None,
          "slope_mb_per_hour_second_half": round(slope_mb_per_h(half), 2) if len(half) > 2 else None}, args.out)


if __name__ == "__main__":
    main()
