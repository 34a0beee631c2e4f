"""How much the exercise analysis adds to `movenet track`'s per-frame time (target: under 5 %).

    python tools/bench_exercise.py [--video V] [--models lightning multipose] [--rounds 5] [--threads N]

For each model, interleaved rounds of:
- `track`: the video loop `movenet track` runs (decode + detector with smoothing and tracking,
  `stream_poses`, sequential), no output written;
- `track + exercise`: the same loop with `ExerciseSession.update` (squat counter, posture checks
  and the range of motion of all 11 measures for every person) on each frame, as `movenet
  exercise` does;
and, on the poses of one run, the analysis alone repeated (a steadier figure than the difference
of two noisy loop timings), also in the automatic mode (every exercise counted: `"auto"`). Drawing the annotated video is timed apart: `draw_poses` alone vs
`draw_poses` + the exercise panel. Medians over the rounds, milliseconds per frame. On a shared
machine the loop timings are disturbed; the analysis-alone ratio is the headline figure.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import movenet
from movenet.exercise import ExerciseSession
from movenet.exercise.overlay import draw_exercise
from movenet.io.video import VideoSource
from movenet.pipelines.video import stream_poses
from movenet.viz import draw_poses

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VIDEO = ROOT.parent / "shared" / "data" / "reference-tfjs-models" / "pose_squats.mp4"


def loop(detector, video: Path, analyse: bool) -> tuple[float, int, list]:
    detector.reset()
    session = ExerciseSession("squat") if analyse else None
    frames, kept = 0, []
    start = time.perf_counter()
    with VideoSource(str(video)) as source:
        for fp in stream_poses(detector, source, sequential=True):
            if session is not None:
                session.update(fp.poses, fp.frame.timestamp_ms)
            kept.append(fp)
            frames += 1
    return (time.perf_counter() - start) * 1000.0 / frames, frames, kept


def analysis_alone(frames: list, repeats: int = 20, exercise: str = "squat") -> tuple[float, float]:
    """(wall, CPU) ms per frame of the analysis on recorded poses; the CPU time of this one
    thread is hardly disturbed by other work on the machine."""
    wall, cpu = [], []
    for _ in range(repeats):
        session = ExerciseSession(exercise)
        start, start_cpu = time.perf_counter(), time.thread_time()
        for fp in frames:
            session.update(fp.poses, fp.frame.timestamp_ms)
        session.finish()
        wall.append((time.perf_counter() - start) * 1000.0 / len(frames))
        cpu.append((time.thread_time() - start_cpu) * 1000.0 / len(frames))
    return statistics.median(wall), statistics.median(cpu)


def drawing(frames: list, repeats: int = 3) -> tuple[float, float]:
    session = ExerciseSession("squat")
    states = [session.update(fp.poses, fp.frame.timestamp_ms) for fp in frames]
    plain, panel = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for fp in frames:
            draw_poses(fp.frame.image, fp.poses)
        t1 = time.perf_counter()
        for fp, s in zip(frames, states):
            draw_exercise(draw_poses(fp.frame.image, fp.poses), session.spec, s)
        t2 = time.perf_counter()
        plain.append((t1 - t0) * 1000.0 / len(frames))
        panel.append((t2 - t1) * 1000.0 / len(frames))
    return statistics.median(plain), statistics.median(panel)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--video", type=Path, default=DEFAULT_VIDEO)
    parser.add_argument("--models", nargs="+", default=["lightning", "multipose"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, help="runtime threads (default: all cores, as `movenet track`)")
    args = parser.parse_args()
    print(f"{args.video.name}, {args.rounds} interleaved rounds, threads {args.threads or 'all'}; ms per frame (median)")
    print("| model | track | track + exercise | added (loop) | analysis alone (CPU) | added (analysis / track) | auto mode alone (CPU) | draw poses | + exercise panel |")
    print("|---|---|---|---|---|---|---|---|---|")
    for model in args.models:
        detector = movenet.create_detector(model, threads=args.threads)
        loop(detector, args.video, False)  # warm-up
        plain, full, kept = [], [], []
        for _ in range(args.rounds):
            plain.append(loop(detector, args.video, False)[0])
            t, _, kept = loop(detector, args.video, True)
            full.append(t)
        track, both = statistics.median(plain), statistics.median(full)
        alone, cpu = analysis_alone(kept)
        auto, auto_cpu = analysis_alone(kept, 5, "auto")
        draw, panel = drawing(kept)
        print(f"| {model} | {track:.2f} | {both:.2f} | {100 * (both - track) / track:+.1f} % | {alone:.3f} ({cpu:.3f}) | {100 * alone / track:.2f} % | {auto:.3f} ({auto_cpu:.3f}) | {draw:.2f} | {panel:.2f} ({100 * (panel - draw) / draw:+.0f} %) |")


if __name__ == "__main__":
    main()
