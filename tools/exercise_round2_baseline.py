"""Round 2's counter (before issue 20) on the WorkoutTracker clips, for the "before" figures of
docs/results/exercise.md: per model and part of our split, per exercise, off-by-one accuracy / mean
relative error / exact counts / clips of 2+ repetitions counted 0. Needs only `analyse_exercise`, so
it runs on an old checkout:

    git worktree add ../round2 8b28dfa
    PYTHONPATH=../round2/src python tools/exercise_round2_baseline.py --cache CACHE

CACHE: the pose cache of `movenet exercise eval --cache` (CACHE/<model>/<clip>.jsonl). The dip has
no round-2 spec and is left out.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from movenet.exercise import analyse_exercise
from movenet.types import Box, Pose

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "exercise" / "workouttracker"
SPLIT = ROOT / "docs" / "exercise" / "workouttracker_split.csv"


def frames(path: Path) -> list:
    out = []
    for line in path.read_text().splitlines():
        r = json.loads(line)
        out.append((r["timestamp_ms"], [Pose.from_array([(k["x"], k["y"], k["score"]) for k in p["keypoints"]], p["score"],
                                                       Box(*p["box"]) if p.get("box") else None, p.get("id")) for p in r["poses"]]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--models", nargs="+", default=["lightning", "thunder", "multipose"])
    args = parser.parse_args()
    with open(DATA / "index.csv", newline="") as f:
        labelled = {r["file"]: (r["exercise"], int(r["reps"])) for r in csv.DictReader(f)}
    with open(SPLIT, newline="") as f:
        split = {r["file"]: r["split"] for r in csv.DictReader(f)}
    exercises = ["pull_up", "push_up", "squat"]
    print("| model | part | " + " | ".join(exercises) + " |")
    print("|---|---|" + "---|" * len(exercises))
    for model in args.models:
        for part in ("tune", "heldout"):
            cells = []
            for exercise in exercises:
                rows = [(f, reps) for f, (e, reps) in labelled.items() if e == exercise and split[f] == part]
                errors = [(analyse_exercise(frames(args.cache / model / (Path(f).stem + ".jsonl")), exercise).reps, reps) for f, reps in rows]
                ob1 = sum(abs(c - r) <= 1 for c, r in errors) / len(errors)
                mre = sum(abs(c - r) / r for c, r in errors) / len(errors)
                exact = sum(c == r for c, r in errors)
                zero = sum(r >= 2 and c == 0 for c, r in errors)
                cells.append(f"{ob1:.2f} / {mre:.2f} / {exact}/{len(errors)}" + (f" / **{zero} at 0**" if zero else ""))
            print(f"| {model} | {part} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
