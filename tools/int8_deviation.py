"""Keypoint deviation of an int8 model from the float one on held-out images that are not the
accuracy set: the person crops of coco-train2017-mini (single-crop rule) and frames of the fall and
walking videos. Used to choose the quantisation settings (docs/results/int8.md).

    python tools/int8_deviation.py --model lightning [--int8 path/to/lightning_int8.onnx|.tflite]

A `.tflite` file runs in LiteRT (the `litert` extra), an `.onnx` one in onnxruntime.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

from movenet.eval import load_coco_keypoints, select_samples
from movenet.export.calibration import whole_image_input
from movenet.io.image import load_image
from movenet.parity import keypoint_distances_px
from movenet.runtime.litert_runtime import LiteRTRuntime
from movenet.runtime.onnx_runtime import OnnxRuntime

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
VIDEOS = sorted((DATA / "videos" / "falls-urfd").glob("*.mp4"))[::2] + sorted((DATA / "videos" / "walking").glob("*"))


def video_frames() -> list[np.ndarray]:
    """Two frames (at 1/3 and 2/3) of every other fall clip and of the walking videos; every
    second one of those (the others served as extra calibration candidates)."""
    frames = []
    for path in VIDEOS:
        capture = cv2.VideoCapture(str(path))
        total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        for index in (total // 3, 2 * total // 3):
            capture.set(cv2.CAP_PROP_POS_FRAMES, index)
            ok, frame = capture.read()
            if ok:
                frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    return frames[1::2]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, choices=["lightning", "thunder", "multipose"])
    p.add_argument("--int8", help="int8 .onnx or .tflite file (default: the shipped one)")
    args = p.parse_args(argv)
    train = load_coco_keypoints(DATA / "coco-train2017-mini" / "annotations.json")
    images = []
    for sample in select_samples(train, "single-crop"):
        x0, y0, x1, y1 = sample.region
        images.append(load_image(DATA / "coco-train2017-mini" / "images" / sample.image.file_name)[y0:y1, x0:x1])
    images += video_frames()
    float_model = OnnxRuntime(args.model, threads=1)
    if args.int8 is not None and args.int8.endswith(".tflite"):
        int8_model = LiteRTRuntime(args.model, weights=args.int8, threads=1)
    else:
        int8_model = OnnxRuntime(args.model, weights=args.int8, precision="int8", threads=1)
    d: list[float] = []
    for image in images:
        x = whole_image_input(args.model, image)[None]
        d += list(keypoint_distances_px(args.model, int8_model.run(x), float_model.run(x), x.shape[1:3]))
    d_arr = np.asarray(d)
    print(json.dumps({"model": args.model, "images": len(images), "keypoints": int(d_arr.size),
                      "mean_px": round(float(d_arr.mean()), 2), "median_px": round(float(np.median(d_arr)), 2),
                      "p90_px": round(float(np.percentile(d_arr, 90)), 2)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
