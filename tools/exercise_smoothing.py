"""How much the exercise smoothing (spike filter + low-pass, `movenet.exercise.smoothing`)
changes the joint angles of real clips, for several time constants.

    python tools/exercise_smoothing.py [--model lightning] [--cache /work/cache/exercise]

Over every measure of `movenet angles` (elbows, shoulders, hips, knees, shins, trunk) and every
frame where it is seen, on the exercise clips and the first URFD clips: the mean absolute change
|smoothed - measured| (degrees), the frame-to-frame jitter (mean |second difference|) before and
after, and the change of each measure's range of motion (max - min of the smoothed angle against
that of the measured angle). The keypoints themselves are already smoothed by the detector's
One-Euro filter (on by default); this is the extra smoothing of the angles.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
from exercise_poses import clip_poses

from movenet.exercise.rom import MEASURES, measure_all
from movenet.exercise.smoothing import SignalSmoother

CLIPS = [
    "reference-tfjs-models/pose_squats.mp4",
    "exercise/physioplus_bridging.mp4",
    "reference-tfjs-models/pose_1.mp4",
    "videos/falls-urfd/urfd_02_fall.mp4",
    "videos/falls-urfd/urfd_40_no_fall.mp4",
    "videos/falls-urfd/urfd_53_no_fall.mp4",
]


def series(frames) -> dict[str, list[tuple[float, float]]]:
    out = {name: [] for name in MEASURES}
    for t, poses in frames:
        angles = measure_all(poses[0]) if poses else {name: math.nan for name in MEASURES}
        for name, v in angles.items():
            out[name].append((t, v))
    return out


def jitter(values: np.ndarray) -> float:
    ok = ~np.isnan(values)
    d2 = values[2:] - 2 * values[1:-1] + values[:-2]
    keep = ok[2:] & ok[1:-1] & ok[:-2]
    return float(np.mean(np.abs(d2[keep]))) if keep.any() else math.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="lightning")
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--taus", nargs="+", type=float, default=[0.0, 40.0, 80.0, 160.0])
    args = parser.parse_args()
    data = {clip: series(clip_poses(clip, args.model, args.cache)) for clip in CLIPS}
    print(f"{args.model}; {len(CLIPS)} clips; degrees; tau 0 = the spike filter alone")
    print("| clip | tau ms | mean abs change | jitter measured | jitter smoothed | range change (median, max) |")
    print("|---|---|---|---|---|---|")
    for clip, by_measure in data.items():
        for tau in args.taus:
            changes, jit_raw, jit_smooth, range_changes = [], [], [], []
            for samples in by_measure.values():
                s = SignalSmoother(tau_ms=tau)
                raw = np.array([v for _, v in samples])
                smooth = np.array([s.update(v, t) for t, v in samples])
                ok = ~np.isnan(raw) & ~np.isnan(smooth)
                if ok.sum() < 10:
                    continue
                changes.append(np.abs(smooth[ok] - raw[ok]))
                jit_raw.append(jitter(np.where(ok, raw, np.nan)))
                jit_smooth.append(jitter(np.where(ok, smooth, np.nan)))
                range_changes.append(np.ptp(smooth[ok]) - np.ptp(raw[ok]))
            rc = np.array(range_changes)
            print(f"| {Path(clip).name} | {tau:g} | {np.mean(np.concatenate(changes)):.2f} | {np.nanmean(jit_raw):.2f} | {np.nanmean(jit_smooth):.2f} "
                  f"| {np.median(rc):+.1f}, {rc[np.argmax(np.abs(rc))]:+.1f} |")


if __name__ == "__main__":
    main()
