"""Which pixel-centre convention turns MoveNet's heads the way `movenet eval --rotate` turns crops.

An ideal turn-equivariant network answers a turned crop with its upright heads turned. This builds
it from the official model (un-turn the input, run the network, turn the heads with
`movenet.codec.rotate`) and scores it with `movenet eval --rotate`: with the right convention it
scores the upright AP at every turn. The alternative re-anchors offsets about cell centres
(o' = -o instead of 1 - o: half a cell off) and shows what a wrong convention costs.

    python tools/rotation_convention.py [--model lightning] [--annotations A.json --images DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

import movenet
from movenet.codec.rotate import rotate_heads
from movenet.eval import evaluate

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "coco-val2017"


class Turned(torch.nn.Module):
    def __init__(self, network, turns: int, convention: str) -> None:
        super().__init__()
        self.network, self.turns, self.convention = network, turns, convention

    def forward(self, x):
        heads = rotate_heads(self.network(torch.rot90(x, -self.turns, dims=(2, 3))), self.turns)
        if self.convention == "cell-centres":
            zero = {"kpt_offset": torch.zeros_like(heads["kpt_offset"])}
            heads["kpt_offset"] = heads["kpt_offset"] - rotate_heads(zero, self.turns)["kpt_offset"]
        return heads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="lightning", choices=["lightning", "thunder"])
    parser.add_argument("--annotations", default=str(DATA / "annotations.json"))
    parser.add_argument("--images", default=str(DATA / "images"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    print("convention    0     90    180   270   (single-crop AP of the ideal turned network)")
    for convention in ("grid", "cell-centres"):
        aps = []
        for turns in range(4):
            detector = movenet.create_detector(args.model, runtime="torch", min_pose_score=0.0, smoothing=False)
            detector.runtime.module.network = Turned(detector.runtime.module.network, turns, convention)
            report, _ = evaluate(detector, args.annotations, args.images, "single-crop", progress=False,
                                 bootstrap=0, rotate=90 * turns)
            aps.append(report.metrics.AP)
        print(f"{convention:12s} " + " ".join(f"{ap:5.1f}" for ap in aps), flush=True)


if __name__ == "__main__":
    main()
