"""The figure "MoveNet, PoseNet and BlazePose" (docs/results/accuracy.md: Google's table, reproduced): PoseNet, MoveNet Lightning,
Thunder, MultiPose and BlazePose under `movenet eval`'s single-crop and multi protocols on
shared/data/coco-val2017, in one run, on the same inputs.

    python tools/accuracy_posenet_blazepose.py [--json table.json] [--bootstrap 1000]

BlazePose rows need mediapipe < 0.10.30 (the `mediapipe` extra, numpy < 2: a separate
environment, e.g. `PYTHONPATH=src venv-mp/bin/python tools/accuracy_posenet_blazepose.py`); without it they
are skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import movenet
from movenet.eval import evaluate, load_coco_keypoints
from movenet.peers import create_peer_detector, peer_available

SHARED = Path(__file__).resolve().parents[2] / "shared"
COCO = SHARED / "data" / "coco-val2017"

# (label, model, create_detector options or peer options, protocols)
ROWS = [
    ("PoseNet single-pose decoding", "posenet", {"max_poses": 1}, ("single-crop",)),
    ("PoseNet multi-pose decoding", "posenet", {}, ("single-crop", "multi")),
    ("PoseNet multi-pose decoding, 385 input", "posenet", {"input_resolution": 385}, ("single-crop", "multi")),
    ("MoveNet Lightning", "lightning", {}, ("single-crop",)),
    ("MoveNet Thunder", "thunder", {}, ("single-crop",)),
    ("MoveNet MultiPose", "multipose", {}, ("single-crop", "multi")),
    ("BlazePose full (MediaPipe)", "blazepose", {}, ("single-crop", "multi")),
    ("BlazePose full, detector threshold 0.1", "blazepose", {"min_detection_confidence": 0.1}, ("single-crop", "multi")),
]


def detector_for(model: str, options: dict):
    if model == "blazepose":
        return create_peer_detector(model, **options)
    return movenet.create_detector(model, **{"min_pose_score": 0.0, "smoothing": False, **options})


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", help="write the rows as JSON")
    p.add_argument("--bootstrap", type=int, default=1000)
    p.add_argument("--threads", type=int, default=None)
    args = p.parse_args(argv)
    annotations = load_coco_keypoints(COCO / "annotations.json")
    rows = []
    for label, model, options, protocols in ROWS:
        if model == "blazepose" and not peer_available(model):
            print(f"skipped (mediapipe < 0.10.30 not installed here): {label}", file=sys.stderr)
            continue
        for protocol in protocols:
            extra = {"threads": args.threads} if model != "blazepose" and args.threads else {}
            detector = detector_for(model, {**options, **extra})
            report, _ = evaluate(detector, annotations, COCO / "images", protocol, progress=False, bootstrap=args.bootstrap)
            rows.append((label, model, options, report))
    print("| protocol (people) | model | AP (95% CI) | AP50 | AP75 | APm | APl | AR | poses |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, _, _, r in rows:
        m = r.metrics
        ci = f" ({m.ap_ci[0]:.1f}-{m.ap_ci[1]:.1f})" if m.ap_ci is not None else ""
        print(f"| {r.protocol} ({r.people}) | {label} | {m.AP:.1f}{ci} | {m.AP50:.1f} | {m.AP75:.1f} "
              f"| {m.APm:.1f} | {m.APl:.1f} | {m.AR:.1f} | {r.predictions} |")
    if args.json:
        Path(args.json).write_text(json.dumps(
            [{"label": label, "model": model, "options": o, **r.to_dict()} for label, model, o, r in rows], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
