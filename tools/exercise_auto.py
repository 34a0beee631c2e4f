"""Accuracy of the automatic mode (`analyse_exercise(frames, "auto")`: no exercise name).

    python tools/exercise_auto.py [--cache /work/cache/exercise] [--models lightning thunder multipose]

- Synthetic suites: every exercise of the registry, 5 repetitions, at 30, 10 and 5 fps, keypoint
  jitter 1.5 and 3 px, 3 seeds (the stick figure of tests/exercise/exercise_synthetic.py):
  the share where the exercise is the right one and the count exact. A squat and a sit-to-stand
  are the same movement in 2D: a sit-to-stand suite called a squat is listed apart.
- Real labelled clips (tests/fixtures/exercise/count_labels.csv, the two exercise clips) with each
  model: the exercise found and the count.
- People who do no exercise: the 48 URFD clips (falls and daily activities; sitting down on a
  chair and getting up is a true sit-to-stand) and the 81 walkers of opencv_vtest.avi: what is
  counted, and as what.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

from exercise_heldout import clips as urfd_clips
from exercise_poses import DATA, clip_poses, count_labels
from exercise_walking import frames as vtest_frames

from movenet.exercise import AUTO, analyse_exercise, get_exercise, list_exercises

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "exercise"))
from exercise_synthetic import poses_for, trajectory


def synthetic() -> None:
    right = wrong = chair_as_squat = 0
    misses = []
    for name in list_exercises():
        s = get_exercise(name)
        for fps in (30.0, 10.0, 5.0):
            for jitter in (1.5, 3.0):
                for seed in range(3):
                    samples, _ = trajectory(s.rest_deg, s.depth_deg + 10 * s.direction, reps=5, fps=fps)
                    report = analyse_exercise([(t, [p]) for t, p in poses_for(name, samples, jitter_px=jitter, seed=seed)], AUTO)
                    if report.exercise == name and report.reps == 5:
                        right += 1
                    elif name == "sit_to_stand" and report.exercise == "squat" and report.reps == 5:
                        chair_as_squat += 1
                    else:
                        wrong += 1
                        misses.append(f"{name} {fps:g} fps jitter {jitter:g} seed {seed}: {report.exercise} x{report.reps}")
    total = right + wrong + chair_as_squat
    print(f"synthetic suites: {right}/{total} right exercise and exact count ({right / total:.1%}); "
          f"sit-to-stand called squat (count exact): {chair_as_squat}; wrong: {wrong}")
    for line in misses:
        print("  " + line)


def real(models: list[str], cache: Path | None) -> None:
    print("| model | clip | labelled | found |")
    print("|---|---|---|---|")
    for model in models:
        for row in count_labels():
            if "falls-urfd" in row["clip"]:
                continue
            report = analyse_exercise(clip_poses(row["clip"], model, cache), AUTO)
            partial = len(report.primary.partial_repetitions) if report.primary else 0
            print(f"| {model} | {Path(row['clip']).name} | {row['exercise']} {row['reps']} (+{row['partial'] or 0} partial) | {report.exercise} {report.reps} (+{partial} partial) |")


def no_exercise(models: list[str], cache: Path | None) -> None:
    for model in models:
        found = collections.Counter()
        for clip in urfd_clips():
            if (DATA / clip).is_file():
                for person in analyse_exercise(clip_poses(clip, model, cache), AUTO).people:
                    if person.reps:
                        found[f"{person.exercise} ({Path(clip).stem})"] += person.reps
        print(f"URFD, {model}: {sum(found.values())} counted: {dict(found) or '-'}")
    report = analyse_exercise(vtest_frames(cache), AUTO)
    found = collections.Counter({f"{p.exercise} (id {p.id})": p.reps for p in report.people if p.reps})
    print(f"opencv_vtest.avi, multipose 512: {sum(found.values())} counted: {dict(found) or '-'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--models", nargs="+", default=["lightning", "thunder", "multipose"])
    args = parser.parse_args()
    synthetic()
    real(args.models, args.cache)
    no_exercise(args.models, args.cache)


if __name__ == "__main__":
    main()
