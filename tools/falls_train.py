"""Train and evaluate the learned fall method (`movenet.falls.learned`) on the dev clips' poses.

    # the poses once per clip and model (`movenet falls eval --cache DIR --min-pose-score 0`)
    python tools/falls_train.py --cache DIR                       # evaluate: leave-one-source-out, -subject-out
    python tools/falls_train.py --cache DIR --save src/movenet/falls/models/falls_learned.json   # + ship

Data: the URFD clips (`docs/falls/urfd_labels.csv`, research only: read from ../shared, never
shipped) and the GMDCSA24 clips (`labels.csv` beside them); subjects from
`docs/falls/conditions.csv` (tagged by eye). Poses of every model given (`--models`, default
lightning thunder multipose) are pooled: one classifier for every pose model.

Per frame and person, the features of `movenet.falls.learned` are recorded while the default
method's rules drive the per-person machine (its references come from the upright frames). Labels:
a fall clip's frames from `LAND_BEFORE_S` before the landing to `LAND_AFTER_S` after it, with the
hips down (at least `min_hip_drop`), are positive (URFD: the annotated impact; GMDCSA24: the start
of the labelled fall + `GMDCSA_LANDING_S`, the dataset gives the onset); a fall clip's frames more
than 1 s before the fall and every frame of the no-fall clips are negative; the rest are not used.

Augmentations imitating other cameras (`--copies` per clip and pose model, seeded): rotation of the
keypoints in the image plane (a tilted camera), vertical squash and a keystone (another camera
height and pitch: foreshortening), scale (distance), crops that cut the head or the feet (a
close camera), frame rates of 30, 15 and 10 fps, and dropped frames.

Classifier: a logistic regression on standardised features, L2-regularised, classes weighted to
balance, fitted by Newton's method in numpy (no scikit-learn needed: 12 weights; numpy inference
at run time, exactly the same arithmetic). Evaluation runs the whole method (the confirmation, the
getting-up rules) on the held-out clips, unaugmented, beside the default method on the same poses.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from movenet.analysis.per_person import person_key  # noqa: E402
from movenet.falls.evaluate import clip_frame_size, judge_clip, read_labels, totals  # noqa: E402
from movenet.falls.learned import FEATURES, LearnedSettings, LogisticModel, PersonLearnedState  # noqa: E402
from movenet.falls.signals import frame_signals  # noqa: E402
from movenet.io.pose_jsonl import read_pose_jsonl  # noqa: E402
from movenet.types import Pose  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "videos"
SOURCES = {
    "urfd": (SHARED / "falls-urfd", ROOT / "docs" / "falls" / "urfd_labels.csv"),
    "gmdcsa24": (SHARED / "falls-gmdcsa24", SHARED / "falls-gmdcsa24" / "labels.csv"),
}
CONDITIONS = ROOT / "docs" / "falls" / "conditions.csv"
LAND_BEFORE_S, LAND_AFTER_S = 0.3, 0.5
GMDCSA_LANDING_S = 0.7  # GMDCSA24 labels the fall's onset; the body lands 0.6-0.8 s later (FALLS.md)
HOLD_S = 10.0


@dataclass
class Clip:
    label_row: object  # LabelledClip
    source: str
    subject: str
    frames: dict  # model -> [(t, poses)]
    size: tuple | None = None  # (width, height)

    @property
    def landing_ms(self) -> float | None:
        c = self.label_row
        if c.impact_ms is None:
            return None
        return c.impact_ms + (GMDCSA_LANDING_S * 1000.0 if self.source == "gmdcsa24" else 0.0)


def load(cache: Path, models: list[str]) -> list[Clip]:
    subjects = {r["file"]: r["subject"] for r in csv.DictReader(open(CONDITIONS))}
    clips = []
    for source, (folder, labels) in SOURCES.items():
        for row in read_labels(labels, folder):
            frames = {}
            for model in models:
                path = cache / f"{model}-video" / (Path(row.file).stem + ".jsonl")
                if not path.is_file():
                    raise SystemExit(f"{path}: no poses; run `movenet falls eval {folder} --labels {labels} "
                                     f"--model {model} --min-pose-score 0 --cache {cache}` first")
                frames[model] = read_pose_jsonl(path)
            clips.append(Clip(row, source, subjects[row.file], frames, clip_frame_size(folder / row.file)))
    return clips


# -- augmentations ------------------------------------------------------------------------------
def augment(frames, rng: np.random.Generator):
    """One other camera: every pose's keypoints moved by the same random transform, crops, frame
    rate and dropped frames."""
    arrays = [(t, [p.to_array() for p in poses], poses) for t, poses in frames]
    seen = np.concatenate([a[a[:, 2] > 0.3] for _, arr, _ in arrays for a in arr] or [np.zeros((1, 3))])
    cx, cy = seen[:, 0].mean(), seen[:, 1].mean()
    top, bottom = np.percentile(seen[:, 1], 2), np.percentile(seen[:, 1], 98)
    angle = math.radians(rng.uniform(-20.0, 20.0))
    squash, keystone, scale = rng.uniform(0.65, 1.15), rng.uniform(-0.3, 0.3), rng.uniform(0.4, 1.6)
    cut_head = rng.random() < 0.25
    cut_feet = rng.random() < 0.25
    head_line = top + rng.uniform(0.05, 0.2) * (bottom - top)
    feet_line = bottom - rng.uniform(0.05, 0.2) * (bottom - top)
    step = int(rng.choice([1, 1, 2, 3]))
    drop = rng.uniform(0.0, 0.15)
    cos, sin = math.cos(angle), math.sin(angle)
    out = []
    for i, (t, arr, poses) in enumerate(arrays):
        if i % step:
            continue
        if rng.random() < drop:
            out.append((t, []))
            continue
        moved = []
        for a, pose in zip(arr, poses):
            a = a.copy()
            if cut_head:
                a[a[:, 1] < head_line, 2] = 0.0
            if cut_feet:
                a[a[:, 1] > feet_line, 2] = 0.0
            x, y = a[:, 0] - cx, a[:, 1] - cy
            y = y * squash
            x = x * (1.0 + keystone * y / max(bottom - top, 1.0))
            a[:, 0] = cx + scale * (cos * x - sin * y)
            a[:, 1] = cy + scale * (sin * x + cos * y)
            moved.append(Pose.from_array(a, pose.score, None, pose.id))
        out.append((t, moved))
    return out


# -- features and labels ------------------------------------------------------------------------
def features(frames, settings: LearnedSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, t, hip drop) of every frame and person seen, the rules driving the machines."""
    people: dict = {}
    xs, ts, drops = [], [], []
    for t, poses in frames:
        seen = set()
        for pose in poses:
            key = person_key(pose)
            if key in seen:
                continue
            seen.add(key)
            state = people.setdefault(key, PersonLearnedState(settings, by_rules=True))
            state.update(frame_signals(pose, settings.min_score), t)
            if state.posture is not None and state.last_features is not None:
                xs.append(state.last_features)
                ts.append(t)
                drops.append(state.posture.hip_drop)
        for key, state in people.items():
            if key not in seen:
                state.update(None, t)
    if not xs:
        return np.zeros((0, len(FEATURES))), np.zeros(0), np.zeros(0)
    return np.array(xs), np.array(ts), np.array(drops)


def labelled(clip: Clip, frames, settings: LearnedSettings):
    x, t, drop = features(frames, settings)
    y = np.full(len(t), -1)
    if clip.label_row.label == "no_fall":
        y[:] = 0
    else:
        land = clip.landing_ms
        onset = land - (GMDCSA_LANDING_S * 1000.0 if clip.source == "gmdcsa24" else 800.0)
        y[t < onset - 1000.0] = 0
        y[(t >= land - LAND_BEFORE_S * 1000.0) & (t <= land + LAND_AFTER_S * 1000.0) & (drop >= settings.min_hip_drop)] = 1
    keep = y >= 0
    return x[keep], y[keep]


def dataset(clips: list[Clip], models: list[str], copies: int, seed: int, settings: LearnedSettings):
    rng = np.random.default_rng(seed)
    xs, ys, ws = [], [], []
    for clip in clips:
        for model in models:
            frames = clip.frames[model]
            for k in range(copies + 1):
                x, y = labelled(clip, frames if k == 0 else augment(frames, rng), settings)
                xs.append(x)
                ys.append(y)
    x, y = np.concatenate(xs), np.concatenate(ys)
    pos = max(int(y.sum()), 1)
    neg = max(int((1 - y).sum()), 1)
    w = np.where(y == 1, len(y) / (2.0 * pos), len(y) / (2.0 * neg))
    return x, y, w


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1.0, info: dict | None = None) -> LogisticModel:
    """Weighted, L2-regularised logistic regression by Newton's method (standardised features)."""
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std < 1e-9] = 1.0
    z = (x - mean) / std
    a = np.hstack([z, np.ones((len(z), 1))])
    beta = np.zeros(a.shape[1])
    reg = np.full(a.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(a @ beta, -50, 50)))
        grad = a.T @ (w * (p - y)) + reg * beta
        hess = (a * (w * p * (1 - p))[:, None]).T @ a + np.diag(reg + 1e-9)
        delta = np.linalg.solve(hess, grad)
        beta -= delta
        if np.abs(delta).max() < 1e-8:
            break
    return LogisticModel(FEATURES, mean, std, beta[:-1], float(beta[-1]), info or {})


# -- evaluation ---------------------------------------------------------------------------------
THRESHOLD = {"threshold": 0.9}


def score(clips: list[Clip], models: list[str], classifier: LogisticModel | None) -> dict:
    """{(model, method): Totals} on `clips` (learned with `classifier`; default beside it)."""
    out = {}
    for model in models:
        for method in ("learned", "default"):
            verdicts = []
            for clip in clips:
                kwargs = {"classifier": classifier, **THRESHOLD} if method == "learned" else {}
                verdicts.append(judge_clip(clip.frames[model], clip.label_row, method, HOLD_S, frame_size=clip.size, **kwargs))
            out[(model, method)] = (totals(verdicts), verdicts)
    return out


def folds(clips: list[Clip], by: str) -> list[tuple[str, list[Clip], list[Clip]]]:
    groups = defaultdict(list)
    for clip in clips:
        groups[clip.source if by == "source" else clip.subject].append(clip)
    return [(name, [c for c in clips if c not in held], held) for name, held in groups.items()]


def held_out(clips, models, copies, seed, settings, by: str, verbose: bool) -> dict:
    """Each group held out in turn, the classifier trained on the others; the verdicts pooled."""
    pooled: dict = defaultdict(list)
    for name, train, test in folds(clips, by):
        x, y, w = dataset(train, models, copies, seed, settings)
        model = fit(x, y, w)
        for key, (_, verdicts) in score(test, models, model).items():
            pooled[key] += verdicts
            if verdicts and verbose:
                t = totals(verdicts)
                print(f"  held out {by} {name}: {key[0]} {key[1]}: falls {t.caught}/{t.falls}, clean {t.clean}/{t.no_falls}")
    return pooled


def report(title: str, pooled: dict, clips: list[Clip]) -> None:
    print(f"\n{title}")
    print(f"| poses | method | source | recall | specificity | false alarms | mean delay (max) |")
    print("|---|---|---|---|---|---|---|")
    sources = {c.label_row.file: c.source for c in clips}
    for (model, method), verdicts in sorted(pooled.items()):
        for source in ("urfd", "gmdcsa24"):
            t = totals([v for v in verdicts if sources[v.file] == source])
            if not t.clips:
                continue
            delay = "n/a" if t.mean_delay_s is None else f"{t.mean_delay_s:.2f} s ({t.max_delay_s:.2f})"
            print(f"| {model} | {method} | {source} | {t.recall:.3f} ({t.caught}/{t.falls}) | "
                  f"{t.specificity:.3f} ({t.clean}/{t.no_falls}) | {t.false_alarms} | {delay} |")
        missed = [v.file for v in verdicts if v.label == "fall" and not v.detected]
        alarms = [v.file for v in verdicts if v.label == "no_fall" and v.detected]
        if missed or alarms:
            print(f"|   | {method} missed: {', '.join(missed) or '-'}; false alarms: {', '.join(alarms) or '-'} | | | | | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", required=True, type=Path, help="poses: DIR/<model>-video/<clip>.jsonl")
    parser.add_argument("--models", nargs="+", default=["lightning", "thunder", "multipose"])
    parser.add_argument("--copies", type=int, default=4, help="augmented copies per clip and pose model")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--split", nargs="+", default=["source", "subject"], choices=["source", "subject", "none"])
    parser.add_argument("--save", type=Path, help="train on every dev clip and write the model there")
    parser.add_argument("--threshold", type=float, default=0.9, help="the learned method's decision threshold")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    settings = LearnedSettings()
    THRESHOLD["threshold"] = args.threshold
    clips = load(args.cache, args.models)
    for by in args.split:
        if by != "none":
            report(f"leave-one-{by}-out (each {by} held out in turn; poses: {', '.join(args.models)})",
                   held_out(clips, args.models, args.copies, args.seed, settings, by, args.verbose), clips)
    if args.save:
        x, y, w = dataset(clips, args.models, args.copies, args.seed, settings)
        info = {"trained_on": "URFD (48 clips) and GMDCSA24 subjects 1-2 (9 clips), dev", "pose_models": args.models,
                "augmented_copies": args.copies, "seed": args.seed, "frames": int(len(y)), "positives": int(y.sum()),
                "tool": "tools/falls_train.py"}
        model = fit(x, y, w, info=info)
        model.save(args.save)
        pooled = {k: v for k, (_, v) in score(clips, args.models, model).items()}
        report(f"all dev clips, trained on all of them (in-sample): {args.save}", pooled, clips)
        print("\nweights (standardised features):", ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, model.weights)))


if __name__ == "__main__":
    main()
