"""How the repetition counts of the 42 WorkoutTracker clips hold up when the camera changes in ways
the clips do not show: a lower frame rate (15 and 10 fps: every 2nd, every 3rd frame), the picture
mirrored (left and right swapped), the camera rolled by 10 and 20 degrees, and keypoint noise (a
smaller person in the picture: 1 % and 2 % of the person's size). The poses are the cached ones of
`movenet exercise eval --cache` (no model run); each variant changes them and counts again.

    python tools/exercise_robustness.py --cache CACHE [--models lightning thunder multipose]

Prints, per model and variant, the counts against the clips' own counts without the change (how
many clips change their count, and by how much) and against the source's labels (off-by-one
accuracy / mean relative error / exact, as `movenet exercise eval`). A counter that depends on the
camera's roll or the frame rate shows it here.
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

import numpy as np

from movenet.exercise.evaluate import evaluate_clips, read_labels
from movenet.pipelines.clip_poses import clip_poses
from movenet.skeleton import KEYPOINT_NAMES
from movenet.types import Box, Pose

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "exercise" / "workouttracker"
SPLIT = ROOT / "docs" / "exercise" / "workouttracker_split.csv"
# left <-> right: the keypoint each one becomes in a mirrored picture
MIRROR = [KEYPOINT_NAMES.index(n.replace("left_", "@").replace("right_", "left_").replace("@", "right_")) for n in KEYPOINT_NAMES]


def transform(pose: Pose, fn) -> Pose:
    """`pose` with every keypoint's (x, y, score) array passed through `fn` (box: the keypoints' extent)."""
    a = fn(pose.to_array().copy())
    box = None
    if pose.box is not None:
        seen = a[a[:, 2] > 0]
        xs, ys = (seen[:, 0], seen[:, 1]) if len(seen) else (a[:, 0], a[:, 1])
        box = Box(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
    return Pose.from_array(a, pose.score, box, pose.id)


def variants(width: float = 640.0, height: float = 360.0) -> dict:
    cx, cy = width / 2, height / 2

    def rolled(deg):
        c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))

        def fn(a):
            x, y = a[:, 0] - cx, a[:, 1] - cy
            a[:, 0], a[:, 1] = cx + c * x - s * y, cy + s * x + c * y
            return a
        return fn

    def mirrored(a):
        a = a[MIRROR]
        a[:, 0] = width - a[:, 0]
        return a

    def noisy(share, seed=0):
        rng = np.random.default_rng(seed)

        def fn(a):
            seen = a[a[:, 2] >= 0.2]
            size = math.sqrt(max(np.ptp(seen[:, 0]) * np.ptp(seen[:, 1]), 1.0)) if len(seen) > 1 else 100.0
            a[:, :2] += rng.normal(0.0, share * size, size=(17, 2))
            return a
        return fn

    return {
        "as recorded": (1, None),
        "15 fps (every 2nd frame)": (2, None),
        "10 fps (every 3rd frame)": (3, None),
        "mirrored": (1, mirrored),
        "camera rolled 10 deg": (1, rolled(10)),
        "camera rolled 20 deg": (1, rolled(20)),
        "keypoint noise 1 % of size": (1, noisy(0.01)),
        "keypoint noise 2 % of size": (1, noisy(0.02)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--models", nargs="+", default=["lightning", "thunder", "multipose"])
    args = parser.parse_args()
    clips = read_labels(DATA, DATA, splits=SPLIT)
    print("| model | variant | clips whose count changes | counted (as recorded: N) | all clips vs labels: off-by-one / mean rel / exact | heldout |")
    print("|---|---|---|---|---|---|")
    for model in args.models:
        cached = {c.file: clip_poses(DATA / c.file, None, cache=args.cache / model / (Path(c.file).stem + ".jsonl")) for c in clips}
        base = None
        for name, (step, fn) in variants().items():
            def poses(clip, step=step, fn=fn):
                frames = cached[clip.file][::step]
                return frames if fn is None else [(t, [transform(p, fn) for p in ps]) for t, ps in frames]

            report = evaluate_clips(clips, poses)
            counts = {c.file: c.counted for c in report.per_clip}
            base = counts if base is None else base
            changed = [(f, base[f], n) for f, n in counts.items() if n != base[f]]
            moved = ", ".join(f"{re.sub(r'^(pull_ups|push_ups|squats|dips)_', '', Path(f).stem)} {a}->{b}" for f, a, b in changed)
            t, h = report.all, report.by_split["heldout"]["all"]
            print(f"| {model} | {name} | {len(changed)}{': ' + moved if moved else ''} | {sum(counts.values())} (as recorded: {sum(base.values())}) "
                  f"| {t.off_by_one_accuracy:.2f} / {t.mean_relative_error:.2f} / {t.exact}/{t.clips} "
                  f"| {h.off_by_one_accuracy:.2f} / {h.mean_relative_error:.2f} / {h.exact}/{h.clips} |", flush=True)


if __name__ == "__main__":
    main()
