"""Which person centre did Google train MoveNet with: the box centre or the mean of the keypoints?

Runs the official SinglePose model on the person crops of a COCO set (the training crops, no
augmentation) and measures, in output-grid pixels, how far the centre heatmap's peak lies from
(a) the target person's box centre and (b) the mean of their labelled keypoints. Prints both.

    python tools/center_convention.py [--model lightning] [--annotations A.json --images DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from movenet.registry import get_spec
from movenet.train.augment import AugmentConfig
from movenet.train.data import PoseDataset, build_samples
from movenet.weights.store import load_model

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "coco-train2017-mini"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="lightning")
    parser.add_argument("--annotations", default=str(SHARED / "annotations.json"))
    parser.add_argument("--images", default=str(SHARED / "images"))
    parser.add_argument("--min-keypoints", type=int, default=8)
    args = parser.parse_args()
    torch.set_num_threads(1)
    spec = get_spec(args.model)
    samples, _ = build_samples(args.annotations, args.images)
    dataset = PoseDataset(samples, spec, AugmentConfig.none())
    model = load_model(spec)[0]
    box_d, mean_d = [], []
    for i in range(len(dataset)):
        image, labels = dataset.render(i)
        h = spec.input_size[0] // 4
        target = min(labels, key=lambda p: abs((p.box[0] + p.box[2]) / 2 - h / 2) + abs((p.box[1] + p.box[3]) / 2 - h / 2))
        labelled = target.keypoints[:, 2] > 0
        if labelled.sum() < args.min_keypoints:
            continue
        with torch.no_grad():
            center = model(torch.from_numpy(image).permute(2, 0, 1).float()[None])["center"][0, 0].numpy()
        peak = np.array(np.unravel_index(np.argmax(center), center.shape)) + 0.5  # the cell's middle
        box = np.array([(target.box[0] + target.box[2]) / 2, (target.box[1] + target.box[3]) / 2])
        mean = target.keypoints[labelled, :2].mean(0)
        box_d.append(np.linalg.norm(peak - box))
        mean_d.append(np.linalg.norm(peak - mean))
    print(f"{args.model}: {len(box_d)} people with >= {args.min_keypoints} keypoints; distance of the centre peak "
          f"(grid px) to the box centre: mean {np.mean(box_d):.2f} median {np.median(box_d):.2f}; "
          f"to the keypoint mean: mean {np.mean(mean_d):.2f} median {np.median(mean_d):.2f}; "
          f"box centre nearer for {np.mean(np.array(box_d) < np.array(mean_d)):.0%}")


if __name__ == "__main__":
    main()
