"""Compact an oracle `sequence` run over a `makeseq` pan/zoom into a test fixture.

    node ../shared/oracle/oracle.js makeseq --image '$ORACLE_WORK/png/data__reference-tfjs-models__three_people.png' \
        --width 320 --height 256 --fps 15 --keys '[[0,520,430,1040],[20,430,400,700],[39,600,460,900]]' --out /tmp/seq.json
    node ../shared/oracle/oracle.js sequence --seq /tmp/seq.json --model lightning,multipose --out /tmp/out.json
    python tools/make_sequence_fixture.py /tmp/seq.json /tmp/out.json tests/fixtures/sequences/three_people_pan.json

The frames are re-rendered from examples/three_people.jpg by `render_frame` (tests do the same).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(spec_path: str, out_path: str, fixture_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    out = json.loads(Path(out_path).read_text())
    fixture = {
        "source": "examples/three_people.jpg",
        "source_rgb_sha256": spec["source_rgb_sha256"],
        "width": spec["width"],
        "height": spec["height"],
        "frames": [{"index": f["index"], "timestamp_ms": f["timestamp_ms"], "box": f["box"], "rgb_sha256": f["rgb_sha256"]} for f in spec["frames"]],
        "backend": out["backend"]["active"] if isinstance(out["backend"], dict) else out["backend"],
        "models": {},
    }
    for model, runs in out["models"].items():
        fixture["models"][model] = {}
        for mode, run in runs.items():
            frames = []
            for f in run["frames"]:
                frames.append({
                    "model_input_sha256_u8": f["model_input_sha256_u8"],
                    "raw_output": f["raw_output"],
                    "next_crop_region": f.get("next_crop_region"),
                    "poses": [
                        {"id": p.get("id"), "score": p["score"], "keypoints": [[k["x"], k["y"], k["score"]] for k in p["keypoints"]]}
                        for p in f["poses"]
                    ],
                })
            fixture["models"][model][mode] = frames
    Path(fixture_path).write_text(json.dumps(fixture, separators=(",", ":")))


if __name__ == "__main__":
    main(*sys.argv[1:4])
