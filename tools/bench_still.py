"""End-to-end still image against model-only time, with the exact crop on one thread or split
between threads (issue 13, part 3), interleaved in one run.

For each model x thread count: model-only (the network + decoding on a prepared int32 input),
`estimate_poses` on the decoded photo with the crop on 1 worker, and with the crop split over
`threads` workers (`crop_and_resize(..., workers=N)`: the same float32 operations per row, so
identical inputs; tests/preprocess checks that), timed in alternating blocks (movenet.benchmark).
Prints medians and the median per-round ratios end-to-end / model-only, and the crop alone.

    python tools/bench_still.py [--models lightning thunder] [--threads 1 2] [--rounds 20]
"""

from __future__ import annotations

import argparse
import functools
from pathlib import Path

import numpy as np

import movenet
from movenet.benchmark import Config, interleave, model_config, paired_ratio
from movenet.io.image import load_image
from movenet.pipelines import single_pose
from movenet.preprocess.crop import crop_and_resize, padded_square_region
from movenet.registry import get_spec

ROOT = Path(__file__).resolve().parents[1]


def e2e_config(model: str, threads: int, image: np.ndarray, workers: int) -> Config:
    detector = movenet.create_detector(model, threads=threads, min_pose_score=0.0)
    crop = functools.partial(crop_and_resize, workers=workers)

    def call():
        single_pose.crop_and_resize = crop
        try:
            return detector.estimate_poses(image)
        finally:
            single_pose.crop_and_resize = crop_and_resize

    return Config("end_to_end", model, f"crop x{workers}", "fp32", threads, 1, call)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", nargs="+", default=["lightning", "thunder"])
    ap.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--block", type=int, default=5)
    ap.add_argument("--image", default=str(ROOT / "examples" / "pose.jpg"))
    args = ap.parse_args()
    image = load_image(args.image)
    print(f"{'model':<10}{'thr':>4}{'model ms':>10}{'e2e x1 ms':>11}{'e2e xN ms':>11}{'x1/model':>10}{'xN/model':>10}"
          f"{'crop x1 ms':>12}{'crop xN ms':>12}")
    for model in args.models:
        for threads in args.threads:
            m = model_config(model, "onnxruntime", threads)
            one = e2e_config(model, threads, image, 1)
            many = e2e_config(model, threads, image, threads)
            size = get_spec(model).input_size[0]
            region = padded_square_region(*image.shape[:2])  # the first frame's crop: the whole photo
            c1 = Config("crop", model, "x1", "-", threads, 1, functools.partial(crop_and_resize, image, region, size, workers=1))
            cn = Config("crop", model, f"x{threads}", "-", threads, 1,
                        functools.partial(crop_and_resize, image, region, size, workers=threads))
            configs = [m, one, many, c1, cn]
            interleave(configs, warmup=10, rounds=args.rounds, block=args.block, pause_ms=50)
            med = {id(c): float(np.median(c.times_ms)) for c in configs}
            r1, r1lo, r1hi = paired_ratio(one, m)
            rn, rnlo, rnhi = paired_ratio(many, m)
            print(f"{model:<10}{threads:>4}{med[id(m)]:>10.2f}{med[id(one)]:>11.2f}{med[id(many)]:>11.2f}"
                  f"{r1:>10.3f}{rn:>10.3f}{med[id(c1)]:>12.3f}{med[id(cn)]:>12.3f}"
                  f"   (p10-p90 {r1lo:.2f}-{r1hi:.2f}, {rnlo:.2f}-{rnhi:.2f})", flush=True)


if __name__ == "__main__":
    main()
