"""Check the squat and push-up levels of the exercise registry on ML Kit's 812 labelled poses.

    python tools/exercise_thresholds.py

ML Kit's `fitness_pose_samples.csv` labels single poses `squats_up` / `squats_down` /
`pushups_up` / `pushups_down` (33 BlazePose landmarks, mapped to COCO-17). For each spec it
reports the share of `*_down` poses past `enter` (the bottom a repetition must reach) and past
`depth`, and the share of `*_up` poses on the rest side of `start` and of `exit` (where a
repetition is counted), on two halves split by source video (seed 0). The levels were set from
the usual descriptions of the movements with one look at the percentiles of all 812 poses, before
this split: the halves show the spread between groups of videos, they are not a held-out test.
The labels are positions, not counts; a low share past `enter` means shallow repetitions would be
reported as partial.
"""

from __future__ import annotations

import numpy as np
from exercise_poses import DATA

from movenet.exercise import get_exercise
from movenet.exercise.classify_data import load_mlkit_samples, split_by_group

SPECS = {"squat": ("squats_up", "squats_down"), "push_up": ("pushups_up", "pushups_down")}


def share(values, level, direction) -> str:
    v = np.array([x for x in values if not np.isnan(x)])
    past = np.mean(direction * v >= direction * level) if len(v) else float("nan")
    return f"{past:.1%}"


def main() -> None:
    data = load_mlkit_samples(DATA / "exercise" / "mlkit_fitness_pose_samples.csv")
    first, second = split_by_group(data.names, 0.5, seed=0)
    print("| spec | half | down poses | past enter | past depth | up poses | rest side of start | rest side of exit |")
    print("|---|---|---|---|---|---|---|---|")
    for name, (up, down) in SPECS.items():
        spec = get_exercise(name)
        d = spec.direction
        for label, idx in (("A", first), ("B", second)):
            value = {i: spec.signal.measure(data.poses[i], 0.3).value for i in idx}
            downs = [value[i] for i in idx if data.labels[i] == down]
            ups = [value[i] for i in idx if data.labels[i] == up]
            print(f"| {name} ({spec.signal.label}) | {label} | {len(downs)} | {share(downs, spec.enter_deg, d)} | {share(downs, spec.depth_deg, d)} "
                  f"| {len(ups)} | {share(ups, spec.start_deg, -d)} | {share(ups, spec.exit_deg, -d)} |")


if __name__ == "__main__":
    main()
