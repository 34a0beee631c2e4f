"""Accuracy of every precision against fp32 on the COCO val images (the accuracy set): COCO AP of
each (runtime, precision) under the model's protocol, and the keypoint deviation from the fp32
model on the same model inputs (median, p95, max, in model-input pixels, keypoints the fp32
model scores >= 0.3). docs/results/speed.md, Accuracy per precision.

    python tools/precision_report.py --models lightning thunder multipose --json precision.json

Runs each configuration that is installed and supported by this CPU; the others are listed as
skipped with the reason.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

import movenet
from movenet.errors import MovenetError
from movenet.eval import evaluate, load_coco_keypoints
from movenet.export.calibration import whole_image_input
from movenet.io.image import load_image
from movenet.parity import keypoint_distances_px
from movenet.runtime import create_runtime

COCO = Path(__file__).resolve().parents[2] / "shared" / "data" / "coco-val2017"
# (runtime, precision) compared with ("onnxruntime", "fp32")
CONFIGS = (("onnxruntime", "fp32"), ("openvino", "fp32"), ("openvino", "bf16"), ("openvino", "fp16"),
           ("xnnpack", "int8"), ("onnxruntime", "int8"), ("openvino", "int8"), ("litert", "int8"))
PROTOCOL = {"lightning": "single-crop", "thunder": "single-crop", "multipose": "multi"}


def deviation(model: str, runtime: str, precision: str, images: list[Path]) -> dict:
    reference = create_runtime(model, "onnxruntime", threads=1)
    options = {"threads": 1} | ({"precision": precision} if precision != "fp32" else {})
    other = create_runtime(model, runtime, **options)
    distances = []
    for path in images:
        x = whole_image_input(model, load_image(path))
        if runtime == "litert" and x.shape[:2] != other.input_shape:
            continue  # Google's MultiPose file: 256x256 only
        distances.append(keypoint_distances_px(model, other(x), reference(x), x.shape[:2]))
    d = np.concatenate(distances)
    return {"keypoints": int(d.size), "median_px": float(np.median(d)), "p95_px": float(np.percentile(d, 95)),
            "max_px": float(d.max())}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", nargs="+", default=list(PROTOCOL), choices=list(PROTOCOL))
    p.add_argument("--coco", default=str(COCO), help="folder with annotations.json and images/")
    p.add_argument("--configs", nargs="+", metavar="RUNTIME:PRECISION",
                   help="default: " + " ".join(f"{r}:{p}" for r, p in CONFIGS))
    p.add_argument("--json", help="write the rows as JSON")
    args = p.parse_args(argv)
    coco = Path(args.coco)
    dataset = load_coco_keypoints(coco / "annotations.json")
    images = sorted((coco / "images").glob("*.jpg"))
    rows = []
    for model in args.models:
        configs = [tuple(c.split(":")) for c in args.configs] if args.configs else CONFIGS
        for runtime, precision in configs:
            if runtime == "litert" and model == "multipose":
                print(f"{model} litert {precision}: skipped (Google's MultiPose file takes 256x256 inputs only)", flush=True)
                continue
            try:
                detector = movenet.create_detector(model, runtime=runtime, precision=precision, threads=1,
                                                   min_pose_score=0.0, smoothing=False)
            except (MovenetError, ImportError) as exc:
                print(f"{model} {runtime} {precision}: skipped ({exc})", flush=True)
                continue
            report, _ = evaluate(detector, dataset, coco / "images", PROTOCOL[model], bootstrap=0, progress=False)
            row = {"model": model, "runtime": runtime, "precision": precision, "protocol": PROTOCOL[model],
                   "people": report.people, "AP": report.metrics.AP}
            if (runtime, precision) != ("onnxruntime", "fp32"):
                row |= deviation(model, runtime, precision, images)
            rows.append(row)
            print(json.dumps(row), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
