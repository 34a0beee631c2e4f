"""The figure "MoveNet on COCO val2017" (docs/results/accuracy.md): every model / runtime / precision / mode on shared/data/coco-val2017
under each protocol, beside Google's runtime (LiteRT on the official .tflite files, and the TF.js
oracle's recorded still-image poses), in one run.

    python tools/accuracy_table.py [--json table.json] [--bootstrap 1000]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

from oracle_to_coco_results import official_results  # tools/, beside this script

import movenet
from movenet.eval import evaluate, evaluate_results, load_coco_keypoints
from movenet.registry import get_spec
from movenet.runtime.onnx_runtime import onnx_file

SHARED = Path(__file__).resolve().parents[2] / "shared"
COCO = SHARED / "data" / "coco-val2017"
STILL = SHARED / "oracle" / "results" / "still_data_wasm.json"

# (label, protocol, model, create_detector options)
OURS = [
    ("ours", "single-crop", m, {}) for m in ("lightning", "thunder")
] + [
    ("ours int8", "single-crop", m, {"precision": "int8"}) for m in ("lightning", "thunder")
] + [
    ("ours refine", "single-crop", m, {"refine": True}) for m in ("lightning", "thunder")
] + [
    ("ours compat", "single-crop", m, {"compat": "tfjs"}) for m in ("lightning", "thunder")
] + [
    ("Google LiteRT", "single-crop", m, {"runtime": "litert"}) for m in ("lightning", "thunder")
] + [
    ("Google LiteRT int8", "single-crop", m, {"runtime": "litert", "precision": "int8"}) for m in ("lightning", "thunder")
] + [
    ("ours", "single-crop", "multipose", {}),
    ("ours", "single-image", "lightning", {}), ("ours", "single-image", "thunder", {}),
    ("ours refine", "single-image", "lightning", {"refine": True}), ("ours refine", "single-image", "thunder", {"refine": True}),
    ("ours compat", "single-image", "lightning", {"compat": "tfjs", "min_pose_score": 0.25}),
    ("ours compat", "single-image", "thunder", {"compat": "tfjs", "min_pose_score": 0.25}),
    ("ours", "multi", "multipose", {}),
    ("ours", "multi", "multipose", {"min_pose_score": 0.25}),
    ("ours compat", "multi", "multipose", {"compat": "tfjs", "min_pose_score": 0.25}),
]


def available(options: dict, model: str) -> bool:
    if options.get("runtime") == "litert":
        return importlib.util.find_spec("ai_edge_litert") is not None
    if options.get("precision") == "int8":
        return onnx_file(get_spec(model), "int8").is_file()
    return True


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", help="write the rows as JSON")
    p.add_argument("--bootstrap", type=int, default=1000)
    args = p.parse_args(argv)
    annotations = load_coco_keypoints(COCO / "annotations.json")
    rows = []
    for label, protocol, model, options in OURS:
        if not available(options, model):
            print(f"skipped (not installed / not made): {label} {model}", file=sys.stderr)
            continue
        detector = movenet.create_detector(model, **{"min_pose_score": 0.0, **options})
        report, _ = evaluate(detector, annotations, COCO / "images", protocol, progress=False, bootstrap=args.bootstrap)
        rows.append((label, options, report))
    if STILL.is_file():
        for protocol, model in (("single-image", "lightning"), ("single-image", "thunder"), ("multi", "multipose")):
            results, _ = official_results(model, COCO / "annotations.json", STILL)
            report = evaluate_results(annotations, results, protocol, model=model, bootstrap=args.bootstrap)
            rows.append(("Google TF.js (oracle)", {"min_pose_score": 0.25}, report))
    print("| protocol | model | what | people | AP (95% CI) | AP50 | AP75 | APm | APl | AR |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, options, r in rows:
        m = r.metrics
        extra = " (min pose score 0.25)" if options.get("min_pose_score") == 0.25 else ""
        print(f"| {r.protocol} | {r.model} | {label}{extra} | {r.people} | {m.AP:.1f} ({m.ap_ci[0]:.1f}-{m.ap_ci[1]:.1f}) "
              f"| {m.AP50:.1f} | {m.AP75:.1f} | {m.APm:.1f} | {m.APl:.1f} | {m.AR:.1f} |")
    if args.json:
        Path(args.json).write_text(json.dumps([{"label": label, "options": o, **r.to_dict()} for label, o, r in rows], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
