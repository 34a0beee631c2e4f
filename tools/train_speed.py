"""Training speed: images per second of `movenet train` steps (forward, losses, backward, Adam) and
the data pipeline, per model and thread count, interleaved in one run; peak memory of the process.

    python tools/train_speed.py [--models lightning thunder] [--threads 1 2] [--batch 8] [--steps 6]

Samples are the person crops of coco-train2017-mini with rotation augmentation (as in training);
the first step of each configuration is a warm-up and not timed. Reports img/s for the training
step alone and for data + step, and the peak resident memory (ru_maxrss) at the end.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import torch

from movenet.registry import get_spec
from movenet.train.augment import AugmentConfig
from movenet.train.data import PoseDataset, build_samples
from movenet.train.losses import Normalizers, movenet_losses
from movenet.weights.store import load_model

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "coco-train2017-mini"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", default=["lightning", "thunder"])
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=2, help="interleaved repeats of every configuration")
    args = parser.parse_args()
    samples, _ = build_samples(DATA / "annotations.json", DATA / "images")
    results: dict[tuple[str, int], list[tuple[float, float]]] = {}
    models = {}
    for name in args.models:
        spec = get_spec(name)
        model = load_model(spec)[0].train()
        models[name] = (spec, model, torch.optim.Adam(model.parameters(), lr=1e-6),
                        PoseDataset(samples, spec, AugmentConfig(rotate=180.0)))
    for _ in range(args.rounds):
        for name, (spec, model, optimizer, dataset) in models.items():
            for threads in args.threads:
                torch.set_num_threads(threads)
                step_time = data_time = 0.0
                for step in range(args.steps + 1):
                    t0 = time.perf_counter()
                    batch = torch.utils.data.default_collate([dataset[(step * args.batch + i) % len(dataset)]
                                                             for i in range(args.batch)])
                    t1 = time.perf_counter()
                    loss = movenet_losses(model(batch["image"]), batch, Normalizers.from_targets(batch))["total"]
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                    t2 = time.perf_counter()
                    if step:
                        data_time += t1 - t0
                        step_time += t2 - t1
                images = args.steps * args.batch
                results.setdefault((name, threads), []).append((images / step_time, images / (step_time + data_time)))
    print(f"batch {args.batch}, {args.steps} timed steps x {args.rounds} rounds (best round shown)")
    print(f"{'model':<11}{'threads':>8}{'step img/s':>12}{'data+step img/s':>17}")
    for (name, threads), values in results.items():
        best = max(values)
        print(f"{name:<11}{threads:>8}{best[0]:>12.1f}{best[1]:>17.1f}")
    print(f"peak memory (ru_maxrss, all models loaded): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
