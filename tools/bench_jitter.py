"""Jitter and lag of the keypoint smoothing on real video (a benchmark script, not a test).

    python tools/bench_jitter.py [VIDEO ...] [--model lightning]

Jitter: for keypoints scoring >= 0.5 in consecutive frames, the mean absolute second difference
of their positions, |p[t+1] - 2 p[t] + p[t-1]|, in pixels (frame-to-frame shake that is not
motion at constant speed), with smoothing on and off. Lag: the mean distance between the smoothed
and the raw position of each confident keypoint, over all frames and over the fastest 10 % of
raw motion (px per frame), and the delay (in frames) that best aligns the smoothed track with
the raw one. Both runs use the same crops: the raw keypoints are filtered offline with the same
filter, so the comparison isolates the filter.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

import movenet
from movenet.io.video import VideoSource
from movenet.temporal.one_euro import KeypointsFilter

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VIDEOS = [
    ROOT.parent / "shared/data/reference-tfjs-models/pose_1.mp4",
    ROOT.parent / "shared/data/reference-tfjs-models/pose_squats.mp4",
    ROOT.parent / "shared/data/videos/falls-urfd/urfd_02_fall.mp4",
    ROOT.parent / "shared/data/videos/falls-urfd/urfd_40_no_fall.mp4",
]
CONFIDENT = 0.5


def raw_track(video: Path, model: str) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """Per frame (17, 3) keypoints (y, x normalised, score) with smoothing off, and timestamps."""
    detector = movenet.create_detector(model, smoothing=False, min_pose_score=0.0)
    frames, stamps = [], []
    with VideoSource(video) as source:
        for frame in source:
            pose = detector.estimate_poses(frame.image, frame.timestamp_ms)[0]
            h, w = frame.image.shape[:2]
            frames.append([(k.y / h, k.x / w, k.score) for k in pose.keypoints])
            stamps.append(frame.timestamp_ms)
    return np.array(frames), np.array(stamps), (h, w)


def measure(video: Path, model: str) -> dict:
    raw, stamps, (h, w) = raw_track(video, model)
    filt = KeypointsFilter(official_start=False)
    smooth = np.array([filt.apply(k, t * 1000.0) for k, t in zip(raw, stamps)])
    scale = np.array([h, w])
    raw_px, smooth_px = raw[..., :2] * scale, smooth[..., :2] * scale
    ok = raw[..., 2] >= CONFIDENT
    both3 = ok[2:] & ok[1:-1] & ok[:-2]

    def jitter(p):
        second = np.linalg.norm(p[2:] - 2 * p[1:-1] + p[:-2], axis=-1)
        return float(second[both3].mean())

    speed = np.zeros_like(ok, dtype=float)
    speed[1:] = np.linalg.norm(raw_px[1:] - raw_px[:-1], axis=-1)
    moving = ok.copy()
    moving[0] = False
    gap = np.linalg.norm(smooth_px - raw_px, axis=-1)
    fast = moving & (speed >= np.percentile(speed[moving], 90))
    delays = {}
    for d in range(4):
        a, b = smooth_px[d:], raw_px[: len(raw_px) - d]
        m = ok[d:] & ok[: len(ok) - d]
        delays[d] = float(np.linalg.norm(a - b, axis=-1)[m].mean())
    return {
        "video": video.name, "model": model, "frames": len(raw), "size": f"{w}x{h}",
        "jitter_px_raw": jitter(raw_px), "jitter_px_smoothed": jitter(smooth_px),
        "lag_px_mean": float(gap[ok].mean()), "lag_px_fast_10pct": float(gap[fast].mean()),
        "fast_motion_px_per_frame": float(speed[fast].mean()),
        "best_alignment_delay_frames": min(delays, key=delays.get),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("videos", nargs="*", type=Path, default=DEFAULT_VIDEOS)
    parser.add_argument("--model", default="lightning")
    args = parser.parse_args()
    print(f"{'video':<16}{'frames':>7}{'jitter raw':>12}{'smoothed':>10}{'lag mean':>10}{'lag fast':>10}{'fast px/f':>10}{'delay':>7}")
    for video in args.videos:
        r = measure(video, args.model)
        print(f"{r['video']:<16}{r['frames']:>7}{r['jitter_px_raw']:>12.2f}{r['jitter_px_smoothed']:>10.2f}"
              f"{r['lag_px_mean']:>10.2f}{r['lag_px_fast_10pct']:>10.2f}{r['fast_motion_px_per_frame']:>10.1f}{r['best_alignment_delay_frames']:>7}")
        print(json.dumps(r))


if __name__ == "__main__":
    main()
