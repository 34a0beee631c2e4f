"""Figure: N cameras (default 4) at 640x480, 15 fps, Lightning, in one `movenet watch` process:
frames read, analysed and dropped per camera, CPU per camera (its threads' CPU time) and of the
whole process; and 1 camera alone, for the cost of one camera and how many one core holds.
The configurations alternate (1, N, 1, N) so that the machine's load falls on both alike.

    flock /tmp/movenet-cpu.lock .venv/bin/python tools/bench_watch_4cams.py --seconds 60 --out /tmp/4cams.json
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import threading
import time
from pathlib import Path

from camera_bench import LoopingCameras, bench_clip, dump, machine, process_cpu_s, write_config

WARMUP_S = 15.0


def run_watch(urls, seconds: float, folder: Path) -> dict:
    from movenet.watch.config import load_config
    from movenet.watch.service import Watcher

    watcher = Watcher(load_config(write_config(folder, urls, health_interval_s=3600)))
    thread = threading.Thread(target=lambda: (watcher.start(), watcher.run()), daemon=True)
    thread.start()
    time.sleep(WARMUP_S)
    workers = watcher.engine.workers
    before = {n: (w.source.health.frames, w.analysed, w._slot.dropped, w.cpu.total_s()) for n, w in workers.items()}
    cpu0, t0 = process_cpu_s(), time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - t0
    process_cpu = (process_cpu_s() - cpu0) / elapsed * 100
    cameras = {}
    for name, w in workers.items():
        read0, analysed0, dropped0, cpu_s0 = before[name]
        read, analysed = w.source.health.frames - read0, w.analysed - analysed0
        cameras[name] = {"read_fps": round(read / elapsed, 2), "analysed_fps": round(analysed / elapsed, 2),
                         "dropped": w._slot.dropped - dropped0,
                         "drop_rate": round(1 - analysed / read, 4) if read else None,
                         "cpu_percent": round((w.cpu.total_s() - cpu_s0) / elapsed * 100, 1)}
    watcher.stop()
    thread.join(30)
    watcher.close()
    return {"cameras": cameras, "process_cpu_percent": round(process_cpu, 1), "seconds": round(elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cameras", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out")
    args = parser.parse_args()
    logging.getLogger("movenet").setLevel(logging.ERROR)
    clip = bench_clip()
    runs = {"1": [], str(args.cameras): []}
    with LoopingCameras(clip, args.cameras) as server:
        server_cpu0, t0 = process_cpu_s(server.process.pid), time.monotonic()
        for round_ in range(args.rounds):
            for count in (1, args.cameras):
                urls = [server.url(f"/cam{i}") for i in range(count)]
                with tempfile.TemporaryDirectory() as folder:
                    result = run_watch(urls, args.seconds, Path(folder))
                runs[str(count)].append(result)
                print(f"round {round_ + 1}, {count} camera(s): {result}", flush=True)
        server_cpu = (process_cpu_s(server.process.pid) - server_cpu0) / (time.monotonic() - t0) * 100
    summary = {}
    for count, results in runs.items():
        per_camera = [c for r in results for c in r["cameras"].values()]
        summary[count] = {
            "analysed_fps_per_camera": round(statistics.mean(c["analysed_fps"] for c in per_camera), 2),
            "read_fps_per_camera": round(statistics.mean(c["read_fps"] for c in per_camera), 2),
            "drop_rate": round(statistics.mean(c["drop_rate"] for c in per_camera), 4),
            "cpu_percent_per_camera": round(statistics.mean(c["cpu_percent"] for c in per_camera), 1),
            "process_cpu_percent": round(statistics.mean(r["process_cpu_percent"] for r in results), 1),
        }
    one = summary["1"]
    # One camera's whole process (its threads, plus the process's share: health, store) per core.
    per_core = 100.0 / one["process_cpu_percent"] if one["process_cpu_percent"] else None
    dump({"machine": machine(), "clip": "GMDCSA24 s1 fall 15, 640x480, 15 fps, H.264 over RTSP (TCP), looped",
          "model": "lightning", "seconds_per_run": args.seconds, "rounds": args.rounds, "summary": summary,
          "cameras_per_core_at_15fps": round(per_core, 2) if per_core else None,
          "rtsp_server_cpu_percent": round(server_cpu, 1), "runs": runs}, args.out)


if __name__ == "__main__":
    main()
