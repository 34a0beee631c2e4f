"""Convert an official TF.js graph model into our weight file (safetensors, float16 as stored).

    movenet convert-weights --tfjs-dir ../shared/models/tfjs            # all models
    python -m movenet.weights.convert --tfjs-dir ../shared/models/tfjs   # the same

The file holds the network parameters (state-dict keys), the input normalisation, and the
decoding constants (`decode.*` tensors; integers in the metadata), each read from the graph by
node name and checked against the node that uses it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
from safetensors.numpy import save

from movenet.errors import WeightsError
from movenet.model.movenet import MoveNet
from movenet.model.posenet import PoseNet
from movenet.registry import ModelSpec, get_spec, list_models
from movenet.weights.mapping import ROOT, collect_weights
from movenet.weights.posenet_mapping import collect_posenet_weights
from movenet.weights.tfjs_graph import GraphModel, read_graph_model

FORMAT_VERSION = "1"
PACKAGE_WEIGHTS_DIR = Path(__file__).resolve().parent


def _const(graph: GraphModel, name: str, consumer_op: str) -> np.ndarray:
    users = [n.op for n in graph.consumers(ROOT + name)]
    if consumer_op not in users:
        raise WeightsError(f"{graph.path}: {ROOT + name!r} should feed a {consumer_op}, feeds {users}")
    return graph.weight(ROOT + name)


def _check_resizes(graph: GraphModel) -> None:
    """Our FPN upsamples like ResizeBilinear(half_pixel_centers=True, align_corners=False)."""
    resizes = [n for n in graph.nodes.values() if n.op == "ResizeBilinear"]
    if len(resizes) != 3:
        raise WeightsError(f"{graph.path}: expected 3 ResizeBilinear nodes, found {len(resizes)}")
    for node in resizes:
        if node.attr_value("half_pixel_centers") is not True or node.attr_value("align_corners"):
            raise WeightsError(f"{graph.path}: {node.name!r} is not a half-pixel-centre resize")


def decoding_tensors(spec: ModelSpec, graph: GraphModel) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The decoding constants of `graph` as (tensors, integer metadata)."""
    if not spec.multi_pose:
        center = graph.weight("ConstantFolding/" + ROOT + "truediv_2_recip")
        if [n.op for n in graph.consumers("ConstantFolding/" + ROOT + "truediv_2_recip")] != ["Mul"]:
            raise WeightsError(f"{graph.path}: the centre weight table is not used by a Mul")
        tensors = {
            "decode.center_weight": center[..., 0],
            "decode.distance_epsilon": _const(graph, "add_5/y", "AddV2"),
            "decode.output_scale": _const(graph, "Reshape_13", "Mul").reshape(-1),
        }
        return tensors, {}
    pools = [n for n in graph.nodes.values() if n.op == "MaxPool"]
    if len(pools) != 1 or pools[0].attr_value("padding") != "SAME":
        raise WeightsError(f"{graph.path}: expected one SAME MaxPool for peak extraction")
    ksize = pools[0].attr_value("ksize")
    tensors = {
        "decode.peak_tolerance": _const(graph, "Less/y", "Less"),
        "decode.sigma_scale": _const(graph, "mul_6/y", "Mul"),
        "decode.keypoint_score_threshold": _const(graph, "Greater_1/y", "Greater"),
        "decode.output_stride": _const(graph, "truediv_8/x", "RealDiv"),
    }
    meta = {
        "decode.peak_pool_size": str(ksize[1]),
        "decode.max_poses": str(int(_const(graph, "TopKV2/k", "TopKV2"))),
    }
    return tensors, meta


def convert(spec: ModelSpec | str, tfjs_dir: str | Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Read `<tfjs_dir>/<spec.tfjs_graph>.json` and return (tensors, metadata) for the file."""
    spec = get_spec(spec)
    path = Path(tfjs_dir) / f"{spec.tfjs_graph}.json"
    graph = read_graph_model(path)
    if spec.family == "posenet":  # float32 weights, no decoding in the graph (the client decodes)
        tensors, meta = collect_posenet_weights(PoseNet(spec), graph), {}
    else:
        _check_resizes(graph)
        tensors = collect_weights(MoveNet(spec), graph)
        decode, meta = decoding_tensors(spec, graph)
        tensors.update(decode)
    source = hashlib.sha256(path.read_bytes()).hexdigest()
    meta.update(
        {
            "format": "movenet-weights",
            "format_version": FORMAT_VERSION,
            "model": spec.name,
            "source": spec.source,
            "converted_from": f"{spec.tfjs_graph}.json sha256 {source}",
        }
    )
    return tensors, meta


def convert_to_bytes(spec: ModelSpec | str, tfjs_dir: str | Path) -> bytes:
    tensors, meta = convert(spec, tfjs_dir)
    return save({k: np.ascontiguousarray(v) for k, v in sorted(tensors.items())}, metadata=meta)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="movenet convert-weights",
        description="Convert Google's official TF.js MoveNet graph models into movenet weight files.",
    )
    parser.add_argument("--tfjs-dir", required=True, help="folder with movenet-<model>.{json,bin} and posenet.{json,bin}")
    parser.add_argument("--out", default=str(PACKAGE_WEIGHTS_DIR), help="output folder (default: the package's)")
    parser.add_argument("--model", action="append", choices=list_models(), help="default: all")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in args.model or list_models():
        spec = get_spec(name)
        data = convert_to_bytes(spec, args.tfjs_dir)
        target = out / spec.weights_file
        target.write_bytes(data)
        print(json.dumps({"model": name, "file": str(target), "bytes": len(data)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
