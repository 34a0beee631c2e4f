"""Reader for TensorFlow.js "graph-model" files (`model.json` + `.bin` weight shards).

Format (shared/models/tfjs/SOURCES.md): `modelTopology` is a TF GraphDef as JSON (nodes with `op`,
`input`, `attr`); `weightsManifest` lists the constant tensors (name, shape, dtype, optional
`quantization`), stored back to back in manifest order in the shard files. Float weights
quantized to float16 are returned as float16 (their stored precision); callers widen them.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from movenet.errors import WeightsError

_DTYPES = {"float32": np.float32, "int32": np.int32, "bool": np.bool_}
_QUANTIZED = {"float16": np.float16, "uint8": np.uint8, "uint16": np.uint16}


@dataclass(frozen=True)
class GraphNode:
    name: str
    op: str
    inputs: tuple[str, ...]
    attr: dict = field(repr=False)

    def attr_value(self, key: str):
        """A node attribute as a plain Python value (strings decoded, lists unwrapped)."""
        if key not in self.attr:
            raise KeyError(f"node {self.name!r} ({self.op}) has no attribute {key!r}")
        value = self.attr[key]
        if "list" in value:
            items = value["list"]
            if "s" in items:
                return [base64.b64decode(s).decode() for s in items["s"]]
            if "i" in items:
                return [int(i) for i in items["i"]]
            return []
        if "s" in value:
            return base64.b64decode(value["s"]).decode()
        if "i" in value:
            return int(value["i"])
        if "f" in value:
            return float(value["f"])
        if "b" in value:
            return bool(value["b"])
        if "type" in value:
            return value["type"]
        return value


@dataclass(frozen=True)
class GraphModel:
    path: Path
    nodes: dict[str, GraphNode]
    weights: dict[str, np.ndarray]

    def consumers(self, tensor_name: str) -> list[GraphNode]:
        """Nodes that take `tensor_name` as an input."""
        return [n for n in self.nodes.values() if tensor_name in n.inputs]

    def weight(self, name: str) -> np.ndarray:
        if name not in self.weights:
            raise WeightsError(f"{self.path}: the graph has no constant tensor {name!r}")
        return self.weights[name]


def read_graph_model(json_path: str | Path) -> GraphModel:
    """Parse a graph-model JSON and its weight shards; damaged files raise WeightsError."""
    path = Path(json_path)
    if not path.is_file():
        raise WeightsError(f"TF.js graph model not found: {path}")
    try:
        doc = json.loads(path.read_text())
        raw_nodes = doc["modelTopology"]["node"]
        manifest = doc["weightsManifest"]
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WeightsError(f"{path}: not a valid JSON file ({exc})") from exc
    except (KeyError, TypeError) as exc:
        raise WeightsError(
            f"{path}: not a TF.js graph model (needs modelTopology.node and weightsManifest)"
        ) from exc
    nodes = {
        n["name"]: GraphNode(n["name"], n["op"], tuple(n.get("input", ())), n.get("attr", {}))
        for n in raw_nodes
    }
    weights: dict[str, np.ndarray] = {}
    for group in manifest:
        data = b"".join(_read_shard(path.parent / p) for p in group["paths"])
        offset = 0
        for entry in group["weights"]:
            array, offset = _decode_entry(entry, data, offset, path)
            weights[entry["name"]] = array
        if offset != len(data):
            raise WeightsError(
                f"{path}: weight shards hold {len(data)} bytes but the manifest describes {offset}"
            )
    return GraphModel(path, nodes, weights)


def _read_shard(path: Path) -> bytes:
    if not path.is_file():
        raise WeightsError(f"TF.js weight shard not found: {path}")
    return path.read_bytes()


def _decode_entry(entry: dict, data: bytes, offset: int, path: Path) -> tuple[np.ndarray, int]:
    shape = [int(d) for d in entry["shape"]]
    count = int(np.prod(shape)) if shape else 1
    quant = entry.get("quantization")
    if quant:
        if quant["dtype"] not in _QUANTIZED or "scale" in quant:
            raise WeightsError(f"{path}: unsupported quantization {quant} of {entry['name']!r}")
        dtype = np.dtype(_QUANTIZED[quant["dtype"]])
    else:
        if entry["dtype"] not in _DTYPES:
            raise WeightsError(f"{path}: unsupported dtype {entry['dtype']!r} of {entry['name']!r}")
        dtype = np.dtype(_DTYPES[entry["dtype"]])
    end = offset + count * dtype.itemsize
    if end > len(data):
        raise WeightsError(
            f"{path}: weight shards are truncated: {entry['name']!r} needs bytes {offset}..{end} "
            f"of {len(data)}"
        )
    array = np.frombuffer(data, dtype, count, offset).reshape(shape).copy()
    return array, end
