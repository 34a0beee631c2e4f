"""The figure "PoseNet" of docs/results/parity.md: the network against its TF.js graph executed in numpy
(float64, from the graph's nodes), and the whole pipeline against Google's PoseNet client
(`tests/fixtures/posenet/official_*.json`, made by tools/posenet_reference.py).

    python tools/parity_posenet.py [--runtime onnxruntime|torch]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from movenet.io.image import load_image
from movenet.pipelines.posenet import PoseNetDetector, PoseNetOptions, pad_and_resize
from movenet.runtime import create_runtime
from movenet.weights.numpy_graph import run_graph
from movenet.weights.tfjs_graph import read_graph_model

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = REPO / "tests" / "fixtures" / "posenet"
HEADS = ("heatmap", "offset", "displacement_fwd", "displacement_bwd")


def graph_reference(graph, image: np.ndarray) -> np.ndarray:
    out = run_graph(graph, image.astype(np.float64) / 127.5 - 1.0, [f"MobilenetV1/{h}_2/BiasAdd" for h in HEADS])
    heads = [out[f"MobilenetV1/{h}_2/BiasAdd"] for h in HEADS]
    heads[0] = 1.0 / (1.0 + np.exp(-heads[0]))
    return np.concatenate(heads, axis=-1)


def network_vs_graph(runtime) -> None:
    graph = read_graph_model(SHARED / "models" / "tfjs" / "posenet.json")
    rng = np.random.default_rng(0)
    inputs = [("random", rng.uniform(0, 255, (*s, 3)).astype(np.float32)) for s in ((257, 257), (161, 385), (33, 17), (385, 385))]
    for name in ("pose.jpg", "three_people.jpg"):
        inputs.append((name, pad_and_resize(load_image(REPO / "examples" / name), 257, 257)[0]))
    score = coord = coord_rel = 0.0
    for _, image in inputs:
        ours, ref = runtime(image)[0].astype(np.float64), graph_reference(graph, image)
        score = max(score, np.abs(ours[..., :17] - ref[..., :17]).max())
        dev = np.abs(ours[..., 17:] - ref[..., 17:]).max()
        coord, coord_rel = max(coord, dev), max(coord_rel, dev / max(image.shape[:2]))
    sizes = sorted({f"{i.shape[0]}x{i.shape[1]}" for _, i in inputs})
    print(f"network vs graph (numpy float64), {len(inputs)} inputs ({', '.join(sizes)}): part scores "
          f"{score:.1e}, offsets/displacements {coord:.1e} px = {coord_rel:.1e} of the input size")


def pipeline_vs_official(runtime, records: list[dict], root: Path, label: str) -> None:
    px, scores, counts = [], 0.0, {1: 0, 5: 0}
    for record in records:
        image = load_image(root / record["id"])
        for max_poses, official in ((1, [record["single"]]), (5, record["multi"])):
            ours = PoseNetDetector(runtime, PoseNetOptions(max_poses=max_poses, min_pose_score=0.0)).detect_batch([image])[0]
            assert len(ours) == len(official), record["id"]
            counts[max_poses] += len(ours)
            for (xy_score, score), theirs in zip(ours, official):
                ref = np.array([[k["x"], k["y"], k["score"]] for k in theirs["keypoints"]])
                px.extend(np.hypot(*(xy_score[:, :2] - ref[:, :2]).T))
                scores = max(scores, np.abs(xy_score[:, 2] - ref[:, 2]).max(), abs(score - theirs["score"]))
    px = np.array(px)
    print(f"pipeline vs Google's PoseNet client, {label}: {len(records)} images, {counts[1]} single + {counts[5]} "
          f"multi poses, same poses in the same order; keypoints max {px.max():.1e} px, median {np.median(px):.1e} px; "
          f"scores max {scores:.1e}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runtime", default="onnxruntime")
    args = p.parse_args(argv)
    runtime = create_runtime("posenet", args.runtime, threads=1)
    network_vs_graph(runtime)
    official = np.load(FIXTURES / "official_pose_heads.npz")
    out = runtime(pad_and_resize(load_image(REPO / "examples" / "pose.jpg"), 257, 257)[0])[0]
    ref = np.concatenate([official[f"pose/{h}"] for h in ("scores", "offsets", "displacement_fwd", "displacement_bwd")], -1)
    print(f"network vs the official client's heads (TF.js wasm), examples/pose.jpg: part scores "
          f"{np.abs(out[..., :17] - ref[..., :17]).max():.1e}, offsets/displacements {np.abs(out[..., 17:] - ref[..., 17:]).max():.1e} px")
    examples = json.loads((FIXTURES / "official_257.json").read_text())["results"]
    pipeline_vs_official(runtime, examples, REPO, "examples + coco_mini")
    coco = json.loads((FIXTURES / "official_coco_val_257.json").read_text())["results"]
    pipeline_vs_official(runtime, coco, SHARED.parent, "shared/data/coco-val2017")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
