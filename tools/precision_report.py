"""Size, deviation from the official outputs, and COCO single-person OKS of each precision.

    python tools/precision_report.py

Deviation: on the pass-1 model inputs of the 122 oracle stills, the distance (in model-input
pixels) between our keypoints and the official ones, for keypoints the official run scores
>= 0.3. OKS: the 10 single-person images of coco-val2017, whole image (as tools/compare_still_modes.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))

from compare_still_modes import score, single_person_images  # noqa: E402
from conftest import SHARED, oracle_model_input, oracle_still, shared_image  # noqa: E402

import movenet  # noqa: E402
from movenet.io.image import load_image  # noqa: E402
from movenet.runtime.onnx_runtime import OnnxRuntime, onnx_file  # noqa: E402


def main() -> None:
    ann_path = SHARED / "data/coco-val2017/annotations.json"
    cases = single_person_images(json.loads(ann_path.read_text()))
    print(f"{'model':<10}{'prec':<6}{'MB':>6}{'mean px':>9}{'median':>8}{'p95':>7}{'max':>7}{'COCO OKS':>10}")
    for name in movenet.list_models():
        for precision in ("fp32", "int8"):
            rt = OnnxRuntime(name, precision=precision)
            devs = []
            for record in oracle_still()["models"][name]["images"]:
                p = record["passes"][0]
                x = oracle_model_input(name, shared_image(record["id"]), p)
                ours = rt(x)[0]
                ref = np.asarray(p["raw_output"]["data"], np.float32).reshape(ours.shape)
                h, w = x.shape[:2]
                if name == "multipose":
                    ours, ref = ours[:, :51].reshape(-1, 17, 3), ref[:, :51].reshape(-1, 17, 3)
                conf = ref[..., 2] >= 0.3
                d = np.hypot((ours[..., 0] - ref[..., 0]) * h, (ours[..., 1] - ref[..., 1]) * w)
                devs += d[conf].tolist()
            detector = movenet.create_detector(name, precision=precision, min_pose_score=0.0)
            oks = []
            for info, ann in cases:
                poses = detector.estimate_poses(load_image(ann_path.parent / "images" / info["file_name"]))
                best = max((score(p, ann)[0] for p in poses), default=0.0)
                oks.append(best)
            devs = np.array(devs)
            size = onnx_file(rt.spec, precision).stat().st_size / 1e6
            row = {"model": name, "precision": precision, "mb": size, "mean_px": devs.mean(), "median_px": np.median(devs),
                   "p95_px": np.percentile(devs, 95), "max_px": devs.max(), "coco_oks": float(np.mean(oks)), "keypoints": len(devs)}
            print(f"{name:<10}{precision:<6}{size:>6.1f}{row['mean_px']:>9.3f}{row['median_px']:>8.3f}{row['p95_px']:>7.2f}{row['max_px']:>7.1f}{row['coco_oks']:>10.3f}")


if __name__ == "__main__":
    main()
