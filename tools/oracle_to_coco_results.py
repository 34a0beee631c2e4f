"""Convert the official runtime's still-image poses (../shared/oracle/results/still_data_wasm.json,
Google's TF.js pose-detection, pass 1 = a single estimatePoses call on a fresh detector) into COCO
keypoint results for one annotation file, so `movenet eval --results` scores Google's output.

    python tools/oracle_to_coco_results.py --model thunder --out /tmp/official_thunder.json
    movenet eval --annotations ../shared/data/coco-val2017/annotations.json \
        --results /tmp/official_thunder.json --protocol single-image
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"


STILL = SHARED / "oracle" / "results" / "still_data_wasm.json"
ANNOTATIONS = SHARED / "data" / "coco-val2017" / "annotations.json"


def official_results(model: str, annotations: Path = ANNOTATIONS, still: Path = STILL) -> tuple[list[dict], int]:
    """COCO keypoint results of the official pass-1 poses for the images of `annotations` (matched by
    file name within the same data folder), and how many of those images the oracle covered."""
    by_name = {image["file_name"]: image["id"] for image in json.loads(Path(annotations).read_text())["images"]}
    folder = Path(annotations).parent.name
    results, covered = [], 0
    for record in json.loads(Path(still).read_text())["models"][model]["images"]:
        name = Path(record["id"]).name
        if name not in by_name or Path(record["id"]).parent.parent.name != folder:
            continue
        covered += 1
        for pose in record["passes"][0]["poses"]:
            keypoints = [v for k in pose["keypoints"] for v in (k["x"], k["y"], k["score"])]
            results.append({"image_id": by_name[name], "category_id": 1, "keypoints": keypoints, "score": pose["score"]})
    return results, covered


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, choices=["lightning", "thunder", "multipose"])
    p.add_argument("--still", default=str(STILL))
    p.add_argument("--annotations", default=str(ANNOTATIONS))
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    results, covered = official_results(args.model, Path(args.annotations), Path(args.still))
    Path(args.out).write_text(json.dumps(results))
    print(f"{args.out}: {len(results)} poses on {covered} annotated images")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
