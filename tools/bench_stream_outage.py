"""Figure: a live RTSP stream that drops for 30 s is read again how soon after it returns?
The server (GStreamer, looping a 640x480 15 fps clip) is killed for `--outage-s`, started again
on the same port; the time from its port accepting connections to the next frame read by a
`NetworkStream` with the default options (backoff 0.5 s doubling to 3 s) is the figure. Target: 5 s.

    flock /tmp/movenet-cpu.lock .venv/bin/python tools/bench_stream_outage.py --repeats 3 --out /tmp/outage.json
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

from camera_bench import LoopingCameras, bench_clip, dump, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--outage-s", type=float, default=30.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out")
    args = parser.parse_args()
    from movenet.io.streams import NetworkStream, StreamOptions

    clip = bench_clip()
    server = LoopingCameras(clip, 1).start()
    port = server.port
    stream = NetworkStream(server.url("/cam0"), StreamOptions(retry_first=True), on_log=lambda line: None)
    frames: list[float] = []

    def read():
        for _ in stream:
            frames.append(time.monotonic())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    recoveries = []
    try:
        for _ in range(args.repeats):
            time.sleep(5.0)
            server.kill()
            time.sleep(args.outage_s)
            server = LoopingCameras(clip, 1)
            server.port = port
            server.start()
            back = time.monotonic()  # the port accepts connections (start() waited for it)
            seen = len(frames)
            while len(frames) == seen:
                time.sleep(0.01)
            recoveries.append(frames[seen] - back)
            print(f"read again {recoveries[-1]:.2f} s after the camera returned", flush=True)
    finally:
        stream.stop()
        server.stop()
    dump({"machine": machine(), "outage_s": args.outage_s, "repeats": args.repeats,
          "seconds_to_first_frame": [round(r, 2) for r in recoveries],
          "median_s": round(statistics.median(recoveries), 2), "max_s": round(max(recoveries), 2),
          "target_s": 5.0, "met": max(recoveries) < 5.0, "reconnects": stream.health.reconnects}, args.out)


if __name__ == "__main__":
    main()
