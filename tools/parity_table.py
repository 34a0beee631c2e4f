"""Print the deviation from Google's official runtime per model, over every input we have.

    python tools/parity_table.py            # golden fixtures; plus all oracle stills if ../shared

Inputs: the in-repo golden fixtures and, where ../shared is present, the pass-1 inputs of every
image of the oracle's still run (re-made bit-exactly). Prints JSON lines.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import (
    GOLDEN,
    ORACLE_RESULTS,
    RUNTIMES,
    golden_outputs,
    oracle_model_input,
    oracle_still,
    read_png,
    runtime,
    shared_image,
)

from movenet.parity import raw_output_deviation
from movenet.registry import list_models


def cases(name):
    for e in golden_outputs()[name]:
        yield "golden", read_png(GOLDEN / e["input"]), np.asarray(e["output"], np.float32).reshape(e["output_shape"])
    if not (ORACLE_RESULTS / "still_data_wasm.json").is_file():
        return
    for record in oracle_still()["models"][name]["images"]:
        p = record["passes"][0]
        image = shared_image(record["id"])
        x = oracle_model_input(name, image, p)
        yield "oracle-still", x, np.asarray(p["raw_output"]["data"], np.float32).reshape(p["raw_output"]["shape"])


def main() -> None:
    for backend in RUNTIMES:
        report(backend)


def report(backend: str) -> None:
    min_score = 1e-4 if backend == "onnxruntime" else 0.0  # see NEAR_TIE_SCORE in tests/test_parity.py
    for name in list_models("movenet"):
        rows = {}
        for kind, x, official in cases(name):
            coord, score = raw_output_deviation(name, runtime(name, backend)(x), official, min_score)
            r = rows.setdefault(kind, {"n": 0, "coord": [], "score": [], "sizes": set()})
            r["n"] += 1
            r["coord"].append(coord)
            r["score"].append(score)
            r["sizes"].add("x".join(map(str, x.shape[:2])))
        for kind, r in rows.items():
            print(json.dumps({
                "runtime": backend, "model": name, "inputs": kind, "n": r["n"],
                "max_coord_dev": max(r["coord"]), "median_coord_dev": float(np.median(r["coord"])),
                "max_score_dev": max(r["score"]), "median_score_dev": float(np.median(r["score"])),
                "input_sizes": sorted(r["sizes"]),
            }))


if __name__ == "__main__":
    main()
