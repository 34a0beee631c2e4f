"""How sure are the models of people lying on the floor? (URFD fall clips held out from training.)

Frames where the person lies are picked by the official Thunder with test-time rotation (the best
of 0/90/180/270 degrees, refine on): teacher pose score >= 0.3 and a torso (shoulder midpoint ->
hip midpoint, all four >= 0.3) more than 60 degrees from vertical. On those frames each model runs
as a user would run it (whole frame, default mode, minimum pose score 0): its pose score, and the
error of its keypoints against the teacher's confident ones (median over keypoints, in torso
lengths). The teacher poses are cached in --cache. Prints a table; --figure writes a picture
(matplotlib).

    python tools/lying_scores.py --weights RUN_DIR/best.onnx [--clips 02 07 ...] [--figure out.png]
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

import movenet
from movenet.io.video import VideoSource
from movenet.train.distill import teacher_pose

URFD = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "videos" / "falls-urfd"
HELD_OUT = ("02", "07", "10", "15", "19", "24", "27")  # fall clips never used for training
LYING_ANGLE = 60.0  # degrees between the torso and the vertical
MIN_SCORE = 0.3
TORSO = (5, 6, 11, 12)


def torso_angle(xy_score: np.ndarray) -> float | None:
    if (xy_score[list(TORSO), 2] < MIN_SCORE).any():
        return None
    shoulders, hips = xy_score[[5, 6], :2].mean(0), xy_score[[11, 12], :2].mean(0)
    dx, dy = hips - shoulders
    return math.degrees(math.atan2(abs(dx), abs(dy)))


def teacher_frames(clips, step: int, cache: Path) -> list[dict]:
    if cache.is_file():
        return json.loads(cache.read_text())
    teacher = movenet.create_detector("thunder", refine=True, min_pose_score=0.0)
    frames = []
    for clip in clips:
        path = next(URFD.glob(f"urfd_{clip}_fall.mp4"))
        with VideoSource(path) as video:
            for frame in video:
                if frame.index % step:
                    continue
                xy, score, turn = teacher_pose(teacher, frame.image, (0, 90, 180, 270))
                angle = torso_angle(xy)
                if score >= MIN_SCORE and angle is not None and angle > LYING_ANGLE:
                    frames.append({"clip": path.name, "frame": frame.index, "teacher": xy.tolist(),
                                   "teacher_score": score, "angle": angle, "turn": turn})
    cache.write_text(json.dumps(frames))
    return frames


def model_scores(detector, frames: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    by_clip: dict[str, list[dict]] = {}
    for f in frames:
        by_clip.setdefault(f["clip"], []).append(f)
    scores, errors = [], []
    for clip, chosen in by_clip.items():
        wanted = {f["frame"]: f for f in chosen}
        with VideoSource(URFD / clip) as video:
            for frame in video:
                if frame.index not in wanted:
                    continue
                detector.reset()
                pose = detector.estimate_poses(frame.image)[0]
                teacher = np.array(wanted[frame.index]["teacher"])
                ok = teacher[:, 2] >= MIN_SCORE
                torso = np.linalg.norm(teacher[[5, 6], :2].mean(0) - teacher[[11, 12], :2].mean(0))
                error = np.linalg.norm(pose.to_array()[ok, :2] - teacher[ok, :2], axis=1) / max(torso, 1.0)
                scores.append(pose.score)
                errors.append(float(np.median(error)))
    return np.array(scores), np.array(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", nargs="+", required=True, help="fine-tuned model files (.onnx)")
    parser.add_argument("--model", default="lightning")
    parser.add_argument("--clips", nargs="+", default=list(HELD_OUT))
    parser.add_argument("--step", type=int, default=3, help="every Nth frame")
    parser.add_argument("--cache", default="/work/cache/train/lying_teacher.json")
    parser.add_argument("--figure", help="write a picture of the score distributions here")
    parser.add_argument("--json", help="write the figures as JSON here")
    args = parser.parse_args()
    frames = teacher_frames(args.clips, args.step, Path(args.cache))
    rows = {"official": movenet.create_detector(args.model, min_pose_score=0.0, smoothing=False)}
    for w in args.weights:
        rows[Path(w).parent.name or w] = movenet.create_detector(args.model, weights=w, min_pose_score=0.0, smoothing=False)
    print(f"{len(frames)} lying frames (torso > {LYING_ANGLE:g} deg from vertical) in {len(args.clips)} held-out fall clips")
    print(f"{'model':<16}{'score mean':>11}{'median':>8}{'>= 0.3':>8}{'err median':>12}{'err <= 0.5':>12}")
    results = {}
    for name, detector in rows.items():
        scores, errors = model_scores(detector, frames)
        results[name] = {"scores": scores.tolist(), "errors": errors.tolist()}
        print(f"{name:<16}{scores.mean():>11.3f}{np.median(scores):>8.3f}{(scores >= 0.3).mean():>8.0%}"
              f"{np.median(errors):>12.2f}{(errors <= 0.5).mean():>12.0%}")
    if args.json:
        Path(args.json).write_text(json.dumps({"frames": len(frames), "clips": args.clips, "models": results}))
    if args.figure:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
        bins = np.linspace(0, 1, 21)
        for name, r in results.items():
            axes[0].hist(r["scores"], bins=bins, alpha=0.55, label=name)
            axes[1].hist(np.clip(r["errors"], 0, 2), bins=np.linspace(0, 2, 21), alpha=0.55, label=name)
        axes[0].set_xlabel("pose score on lying frames")
        axes[1].set_xlabel("keypoint error vs Thunder-TTA (median, torso lengths)")
        for ax in axes:
            ax.set_ylabel("frames")
            ax.legend()
        fig.suptitle(f"{args.model} on {len(frames)} frames of people lying (URFD falls {', '.join(args.clips)}, not trained on)")
        fig.tight_layout()
        fig.savefig(args.figure, dpi=90)


if __name__ == "__main__":
    main()
