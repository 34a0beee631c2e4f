"""The tuning / held-out split of the WorkoutTracker clips (`../shared/data/exercise/workouttracker`,
research only: only the file names are kept in the repository), written to
`docs/exercise/workouttracker_split.csv` (file, exercise, person, view, split).

    python tools/exercise_split.py

Made before any counting was run on the clips. People were told apart by eye on three frames of
each clip (clothes, tattoos, room, bar): e.g. the pull-up clips 8-11 show one man in grey trousers
at the same park bars. Within each exercise, the person groups are put in an order fixed by a hash
of their names (not chosen by hand), and whole groups are held out in that order until at least a
third of the exercise's clips are (never more than half). The one dip clip is held out whole: the
dip spec is written from the movement's description and only evaluated on it. The camera view
of each clip, also by eye: front (facing the camera or turned away from it), side, or angled.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "docs" / "exercise" / "workouttracker_split.csv"
PREFIX = {"pull_up": "pull_ups_", "push_up": "push_ups_", "squat": "squats_", "dip": "dips_"}
PEOPLE = {
    "pull_up": {
        "pA": ["pull-up_8", "pull-up_9", "pull-up_10", "pull-up_11"],  # grey trousers, park bars, front and side
        "pB": ["pull-up_5", "pull-up_6", "pull-up_13"],  # back view close up, wristband
        "pC": ["pull-up_16", "pull-up_19"],  # tattooed sleeves, close up
        "pD": ["pull-up_23", "pull-up_24", "pull-up_25", "pull-up_26"],  # blue gym wall, back view
        "pE": ["videoplayback_1"],  # 20 repetitions, portrait video
        "pF": ["videoplayback_5"],  # 30 repetitions, street bars
    },
    "push_up": {
        "uA": ["push-up_1", "push-up_6", "push-up_9", "push-up_10", "push-up_14"],  # woman, teal leggings, side and front
        "uB": ["push-up_19", "push-up_21", "push-up_26"],  # man, blue tank top, dark gym
        "uC": ["push-up_25"],  # man, necklace, camera at the head
        "uD": ["push-up_37", "push-up_38"],  # man on a blue mat, front and angled
        "uE": ["push-up_41", "push-up_42", "push-up_44", "push-up_46", "push-up_48"],  # man, black shorts, bright room
        "uF": ["push-up_50"],  # woman in front of a sofa
    },
    "squat": {
        "sA": ["squat_8", "squat_13", "squat_29"],  # barbell, grey tank top
        "sB": ["squat_9"],  # barbell, black shirt, side
        "sC": ["squat_12"],  # barbell, navy hoodie
        "sD": ["squat_17", "squat_18", "squat_19"],  # woman, bodyweight, side and front
        "sE": ["squat_24"],  # sumo squat, front, close
    },
    "dip": {"dA": ["dips_8"]},
}


VIEWS = {
    "front": ["pull-up_10", "pull-up_11", "pull-up_13", "pull-up_19", "pull-up_23", "pull-up_24", "pull-up_25", "pull-up_5", "pull-up_6",
              "videoplayback_1", "videoplayback_5", "push-up_10", "push-up_14", "push-up_37", "squat_8", "squat_13", "squat_18",
              "squat_19", "squat_24", "dips_8"],
    "side": ["pull-up_8", "pull-up_9", "push-up_1", "push-up_6", "push-up_9", "push-up_19", "push-up_21", "push-up_42", "push-up_44",
             "push-up_50", "squat_9", "squat_17"],
    "angled": ["pull-up_16", "pull-up_26", "push-up_25", "push-up_26", "push-up_38", "push-up_41", "push-up_46", "push-up_48",
               "squat_12", "squat_29"],
}
VIEW = {clip: view for view, clips in VIEWS.items() for clip in clips}


def held_out(exercise: str, groups: dict[str, list[str]]) -> set[str]:
    if exercise == "dip":
        return set(groups)
    total = sum(len(v) for v in groups.values())
    order = sorted(groups, key=lambda k: hashlib.sha256((exercise + k).encode()).hexdigest())
    chosen, n = set(), 0
    for key in order:
        if n >= total / 3:
            break
        if n + len(groups[key]) <= total / 2:
            chosen.add(key)
            n += len(groups[key])
    return chosen


def main() -> None:
    rows = []
    for exercise, groups in PEOPLE.items():
        held = held_out(exercise, groups)
        for key, clips in groups.items():
            rows += [(PREFIX[exercise] + c + ".mp4", exercise, key, VIEW[c], "heldout" if key in held else "tune") for c in clips]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "exercise", "person", "view", "split"])
        w.writerows(sorted(rows))
    print(f"{OUT}: {len(rows)} clips, {sum(r[4] == 'heldout' for r in rows)} held out")


if __name__ == "__main__":
    main()
