"""Count error of `movenet exercise` over every labelled real clip (tests/fixtures/exercise/
count_labels.csv): per model, the mean absolute error of the count, the share of exact counts and
of counts within one, and every clip where the count is off.

    python tools/exercise_counts.py [--models lightning thunder] [--cache /work/cache/exercise] [--tau-ms 40]

Poses come from the default video settings of each model (smoothing on), cached as JSON lines in
`--cache` when given (the first run runs the models: ~2 min per model on one core).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from exercise_poses import DATA, clip_poses, count_labels

from movenet.exercise import analyse_exercise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=["lightning", "thunder"])
    parser.add_argument("--cache", type=Path, help="folder for the pose cache")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tau-ms", type=float, help="the counters' low-pass time constant (default: the library's)")
    args = parser.parse_args()
    options = {} if args.tau_ms is None else {"tau_ms": args.tau_ms}
    labels = [r for r in count_labels() if (DATA / r["clip"]).is_file()]
    print(f"{len(labels)} labelled clips in {DATA}")
    print("| model | clips | labelled reps | counted | MAE | exact | within 1 | partial reps (labelled / found) |")
    print("|---|---|---|---|---|---|---|---|")
    misses = []
    for model in args.models:
        errors, want_total, got_total, part_want, part_got = [], 0, 0, 0, 0
        for row in labels:
            report = analyse_exercise(clip_poses(row["clip"], model, args.cache, args.threads), row["exercise"], **options)
            want, got = int(row["reps"]), report.reps
            errors.append(abs(got - want))
            want_total, got_total = want_total + want, got_total + got
            if row["partial"] != "":
                part_want += int(row["partial"])
                part_got += len(report.primary.partial_repetitions) if report.primary else 0
            if got != want:
                reasons = [r.reason for r in report.primary.partial_repetitions] if report.primary else []
                misses.append(f"{model}: {row['clip']} ({row['exercise']}): labelled {want}, counted {got}; partials: {reasons}")
        e = np.array(errors)
        print(f"| {model} | {len(e)} | {want_total} | {got_total} | {e.mean():.3f} | {np.mean(e == 0):.1%} ({np.sum(e == 0)}/{len(e)}) | {np.mean(e <= 1):.1%} | {part_want} / {part_got} |")
    print("\ncounts that differ from the labels:" if misses else "\nevery count equals its label")
    for line in misses:
        print("  " + line)


if __name__ == "__main__":
    main()
