"""Soak benchmark (not a test): memory over long runs.

`estimate_poses` with timestamps over N frames per model, looping the videos of ../shared/data
(the URFD clips, pose_1, pose_squats, the walking videos: sizes change between clips, so the state
restarts too), printing the resident set size (RSS) every 1,000 frames; and `movenet track` on one
long stream (the URFD clips concatenated into one video in --cache), its RSS sampled from
/proc/<pid>/status. Growth is reported per 10,000 frames after a warm-up (least-squares slope),
with the spread after warm-up.

    nice python tools/memory_long_runs.py --models lightning thunder multipose --frames 10000 --threads 1
    nice python tools/memory_long_runs.py --track --frames 10000 --threads 1
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
DATA = REPO.parent / "shared" / "data"
PAGE = os.sysconf("SC_PAGE_SIZE")
WARMUP_FRAMES = 2000


def videos() -> list[Path]:
    """Every frame size first (pose_1 576x576, pose_squats 720x1280, the street 960x540, vtest
    768x576: 985 frames), then the URFD clips (320x240, 8,610 frames): the warm-up has seen each
    size once, so later changes are growth, not a first larger frame."""
    found = [DATA / "reference-tfjs-models" / "pose_1.mp4", DATA / "reference-tfjs-models" / "pose_squats.mp4",
             DATA / "videos" / "walking" / "mmpose_demo_street.mp4", DATA / "videos" / "walking" / "opencv_vtest.avi"]
    found += sorted((DATA / "videos" / "falls-urfd").glob("*.mp4"))
    return [v for v in found if v.is_file()]


def rss_mb(pid: int | str = "self") -> float:
    if pid == "self":
        return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE / 1e6
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6
    return float("nan")


def report(label: str, samples: list[tuple[int, float]]) -> None:
    after = [(f, r) for f, r in samples if f >= WARMUP_FRAMES]
    if len(after) < 2:
        print(f"{label}: too few samples after the warm-up")
        return
    frames, rss = np.array(after, dtype=float).T
    slope = np.polyfit(frames, rss, 1)[0] * 10_000
    print(f"{label}: RSS {rss[0]:.1f} MB at frame {int(frames[0])}, {rss[-1]:.1f} MB at frame {int(frames[-1])}; "
          f"growth {slope:+.2f} MB per 10,000 frames after {WARMUP_FRAMES} frames of warm-up "
          f"(least squares; spread {rss.max() - rss.min():.1f} MB)", flush=True)


def soak_model(model: str, total: int, every: int, threads: int) -> None:
    import movenet
    from movenet.io.video import VideoSource

    detector = movenet.create_detector(model, threads=threads)
    samples, frame, started = [(0, rss_mb())], 0, time.perf_counter()
    print(f"{model}: frame 0 RSS {samples[0][1]:.1f} MB", flush=True)
    for path in itertools.cycle(videos()):
        with VideoSource(path) as video:
            for image in (f.image for f in video):
                detector.estimate_poses(image, frame * 1000 / 30)
                frame += 1
                if frame % every == 0:
                    samples.append((frame, rss_mb()))
                    print(f"{model}: frame {frame} RSS {samples[-1][1]:.1f} MB "
                          f"({frame / (time.perf_counter() - started):.1f} fps)", flush=True)
                if frame >= total:
                    report(f"{model} estimate_poses", samples)
                    return


def long_stream(cache: Path, total: int) -> Path:
    """The URFD clips (320x240, 30 fps) one after another until `total` frames, as one mp4."""
    import cv2

    from movenet.io.video import VideoSource, VideoWriter

    path = cache / f"urfd_long_{total}.mp4"
    if path.is_file():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    written = 0
    with VideoWriter(path.with_suffix(".part.mp4"), 30.0) as writer:
        for clip in itertools.cycle(sorted((DATA / "videos" / "falls-urfd").glob("*.mp4"))):
            with VideoSource(clip) as video:
                for frame in video:
                    writer.write(frame.image)
                    written += 1
                    if written >= total:
                        break
            if written >= total:
                break
    os.replace(path.with_suffix(".part.mp4"), path)
    assert cv2.VideoCapture(str(path)).get(cv2.CAP_PROP_FRAME_COUNT) >= total
    return path


def soak_track(cache: Path, total: int, every: int, threads: int, model: str) -> None:
    stream = long_stream(cache, total)
    jsonl = cache / f"track_{model}.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    command = [sys.executable, "-m", "movenet", "track", str(stream), "--model", model, "--threads", str(threads),
               "--jsonl", str(jsonl), "--out", str(cache / f"track_{model}.mp4")]
    process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    samples, next_mark = [], every
    while process.poll() is None:
        time.sleep(0.2)
        try:
            with open(jsonl, "rb") as f:
                done = sum(1 for _ in f)
            rss = rss_mb(process.pid)
        except (FileNotFoundError, ProcessLookupError):
            continue
        if done >= next_mark:
            samples.append((done, rss))
            print(f"movenet track ({model}): frame {done} RSS {rss:.1f} MB", flush=True)
            next_mark += every
    assert process.returncode == 0, process.returncode
    report(f"movenet track ({model}, --out and --jsonl)", samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=["lightning", "thunder", "multipose"])
    parser.add_argument("--frames", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--track", action="store_true", help="soak `movenet track` on one long stream instead")
    parser.add_argument("--cache", type=Path, default=Path("/work/cache/batch/soak"))
    args = parser.parse_args()
    if args.track:
        for model in args.models:
            soak_track(args.cache, args.frames, args.every, args.threads, model)
        return
    for model in args.models:
        soak_model(model, args.frames, args.every, args.threads)


if __name__ == "__main__":
    main()
