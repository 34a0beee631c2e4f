"""The tables of docs/results/exercise.md: `movenet exercise eval` on the 42 WorkoutTracker clips
(`../shared/data/exercise/workouttracker`, research only) with each model, per part of our split
(`docs/exercise/workouttracker_split.csv`, tools/exercise_split.py), per exercise and per camera
view (judged by eye), as Markdown.

    python tools/exercise_workouttracker_table.py --cache /work/cache/exercise [--models lightning thunder multipose] [--clips]

The poses are those of `movenet exercise eval --cache DIR` (default video settings of each model:
`DIR/<model>/<clip>.jsonl`); the first run computes them (~8400 frames per model).
`--clips`: also every clip whose count differs from its label, with the signal, view and reasons.
A second table scores the same counts with the repetition a clip cuts off after the far end of
the movement (`movenet exercise eval --count-cut-off`).
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import movenet
from movenet.exercise.evaluate import evaluate_clips, read_labels, summarise
from movenet.pipelines.clip_poses import clip_poses

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "exercise" / "workouttracker"
SPLIT = ROOT / "docs" / "exercise" / "workouttracker_split.csv"
NAMES = {"lightning": "Lightning", "thunder": "Thunder", "multipose": "MultiPose"}


def cell(t) -> str:
    return f"{t.off_by_one_accuracy:.2f} / {t.mean_relative_error:.2f} / {t.exact}/{t.clips}" + (f" / **{t.zero_counted} at 0**" if t.zero_counted else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--models", nargs="+", default=["lightning", "thunder", "multipose"])
    parser.add_argument("--clips", action="store_true")
    args = parser.parse_args()
    clips = read_labels(DATA, DATA, splits=SPLIT)
    reports = {}
    for model in args.models:
        detector = None

        def poses(clip, model=model):
            nonlocal detector
            cache = args.cache / model / (Path(clip.file).stem + ".jsonl")
            if not cache.is_file() and detector is None:
                detector = movenet.create_detector(model)
            return clip_poses(DATA / clip.file, detector, cache=cache)

        reports[model] = evaluate_clips(clips, poses)
    exercises = ["pull_up", "push_up", "squat", "dip"]
    print("Off-by-one accuracy / mean relative error / exact, per exercise (clips with >= 2 labelled repetitions counted 0 in bold):\n")
    print("| model | part | clips | " + " | ".join(exercises) + " | all |")
    print("|---|---|---|" + "---|" * (len(exercises) + 1))
    for model, report in reports.items():
        for part in ("tune", "heldout"):
            totals = report.by_split.get(part, {})
            row = [cell(totals[e]) if e in totals else "-" for e in exercises]
            print(f"| {NAMES.get(model, model)} | {part} | {totals['all'].clips} | " + " | ".join(row) + f" | {cell(totals['all'])} |")
    print("\nScored with the repetition a clip cuts off past its far end (`--count-cut-off`); cut off / clips:\n")
    print("| model | part | " + " | ".join(exercises) + " | all |")
    print("|---|---|" + "---|" * (len(exercises) + 1))
    for model, report in reports.items():
        begun = summarise([dataclasses.replace(c, count_cut_off=True) for c in report.per_clip])
        for part in ("tune", "heldout"):
            totals = begun.by_split.get(part, {})
            row = [f"{cell(totals[e])} ({totals[e].cut_off} cut off)" if e in totals else "-" for e in exercises]
            print(f"| {NAMES.get(model, model)} | {part} | " + " | ".join(row) + f" | {cell(totals['all'])} ({totals['all'].cut_off} cut off) |")
    print("\nPer camera view (by eye; both parts), off-by-one accuracy / mean relative error / exact:\n")
    views = sorted({c.view for c in clips if c.view})
    print("| model | " + " | ".join(f"{v} ({sum(c.view == v for c in clips)} clips)" for v in views) + " |")
    print("|---|" + "---|" * len(views))
    for model, report in reports.items():
        print(f"| {NAMES.get(model, model)} | " + " | ".join(cell(report.by_view[v]["all"]) for v in views) + " |")
    print("\nCounted on (the signal that describes the repetitions), clips per model:\n")
    for model, report in reports.items():
        used: dict[str, int] = {}
        for c in report.per_clip:
            used[c.signal] = used.get(c.signal, 0) + 1
        print(f"- {NAMES.get(model, model)}: " + "; ".join(f"{k or 'nothing counted'} {v}" for k, v in sorted(used.items(), key=lambda kv: -kv[1])))
    seen = {model: sum(c.view == c.view_label for c in r.per_clip if c.view_label) for model, r in reports.items()}
    print("\nViews seen equal to the view judged by eye: " + ", ".join(f"{NAMES.get(m, m)} {n}/{len(clips)}" for m, n in seen.items()))
    if args.clips:
        print("\nCounts that differ from the labels:\n")
        for model, report in reports.items():
            for c in report.per_clip:
                if c.error:
                    why = "; ".join(dict.fromkeys(c.reasons))
                    print(f"- {NAMES.get(model, model)} {c.file} ({c.split}, {c.view_label}): labelled {c.labelled}, counted {c.counted}"
                          + (f" + {c.cut_off} cut off, " if c.cut_off else ", ") +
                          f"on {c.signal or '-'}, view {c.view or '-'}" + (f"; partial: {why}" if why else ""))


if __name__ == "__main__":
    main()
