"""The feedback loop measured on the dev clips: adapt on one clip of a source, score the others.

    python tools/falls_feedback_effect.py --cache DIR [--models lightning thunder multipose]

For each pose model and method (the default method; the learned one; and the default method
without its view-independent evidence, `view_independent=0`, as the detector was before), every
dev clip the method gets wrong becomes one user's feedback (`movenet.falls.profile`): a missed fall
at its labelled impact, or each false alarm at its time, with the poses around it, exactly as
`movenet falls feedback` stores them. The settings are fitted on that one label (`profile.fit`),
and the other clips of the same source are scored with and without them: the effect on clips the
profile never saw (the same home and camera, other takes), and whether the labelled clip itself is
now right. Clips the method already gets right give no feedback, and are not adapted on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from falls_train import HOLD_S, load  # noqa: E402

from movenet.falls.evaluate import judge_clip, totals  # noqa: E402
from movenet.falls.profile import Profile, add_label, fit  # noqa: E402

VARIANTS = {"default": ("default", {}), "learned": ("learned", {}), "before": ("default", {"view_independent": 0.0})}


def feedback(clip, verdict) -> Profile | None:
    """The profile a user would make from this clip's mistake, or None when it is right."""
    profile = Profile()
    frames = clip.frames_now
    if verdict.label == "fall" and not verdict.detected:
        add_label(profile, "missed", clip.label_row.impact_ms / 1000.0, clip.label_row.file, frames, clip.size)
    for event in verdict.events if verdict.label == "no_fall" else []:
        add_label(profile, "false_alarm", event["confirmed_ms"] / 1000.0, clip.label_row.file, frames, clip.size)
    return profile if profile.labels else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", required=True, type=Path)
    parser.add_argument("--models", nargs="+", default=["lightning", "thunder", "multipose"])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    args = parser.parse_args()
    clips = load(args.cache, args.models)
    print("| poses | method | adapted on (label) | fitted settings | that clip | other clips of the source: falls caught | false alarms |")
    print("|---|---|---|---|---|---|---|")
    for model in args.models:
        for name in args.variants:
            method, base = VARIANTS[name]
            label = "default, view_independent=0" if name == "before" else method
            verdicts = {}
            for clip in clips:
                clip.frames_now = clip.frames[model]
                verdicts[clip.label_row.file] = judge_clip(clip.frames_now, clip.label_row, method, HOLD_S, frame_size=clip.size, **base)
            cases = 0
            for clip in clips:
                profile = feedback(clip, verdicts[clip.label_row.file])
                if profile is None:
                    continue
                cases += 1
                report = fit(profile, method, base)
                adapted = {**base, **report["settings"]}
                others = [c for c in clips if c.source == clip.source and c is not clip]
                before = totals([verdicts[c.label_row.file] for c in others])
                after = totals([judge_clip(c.frames[model], c.label_row, method, HOLD_S, frame_size=c.size, **adapted) for c in others])
                own = judge_clip(clip.frames_now, clip.label_row, method, HOLD_S, frame_size=clip.size, **adapted)
                own_ok = own.detected == (own.label == "fall")
                kinds = "missed" if clip.label_row.label == "fall" else f"{len(profile.labels)} false alarm(s)"
                changed = ", ".join(f"{k}={v:g}" for k, v in report["settings"].items()) or "none found"
                print(f"| {model} | {label} | {clip.label_row.file} ({kinds}) | {changed} | {'right' if own_ok else 'still wrong'} | "
                      f"{before.caught}/{before.falls} -> {after.caught}/{after.falls} | {before.false_alarms} -> {after.false_alarms} |")
            if not cases:
                print(f"| {model} | {label} | (no mistake on any dev clip: nothing to adapt on) | | | | |")


if __name__ == "__main__":
    main()
