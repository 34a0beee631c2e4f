"""Build the golden parity fixtures in tests/fixtures/golden/ from the official oracle's results.

    python tools/make_golden_fixtures.py inputs-extra   # 1. extra MultiPose inputs (other sizes)
    node ../shared/oracle/oracle.js raw --model multipose \
        --list tests/fixtures/golden/multipose_extra_inputs.txt \
        --out tests/fixtures/golden/multipose_extra_raw.json   # 2. official outputs on them
    python tools/make_golden_fixtures.py build           # 3. PNG inputs + JSON outputs

Inputs of the 122-image oracle run are re-made from the decoded images with our bit-exact
crop/resize, and their sha256 must equal the oracle's record (so the fixture is exactly what the
official runtime was fed). Needs ../shared and the oracle's decoded PNGs (`setup.sh`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from movenet.preprocess.crop import CropRegion, crop_and_resize, resize_and_pad

SHARED = ROOT.parent / "shared"
ORACLE = SHARED / "oracle" / "results"
WORK = Path(os.environ.get("ORACLE_WORK", Path.home() / ".cache" / "movenet-oracle"))
OUT = ROOT / "tests" / "fixtures" / "golden"

# Photos with redistributable licences (see tests/fixtures/golden/README.md).
IMAGES = [
    "data/reference-tfjs-models/pose.jpg",
    "data/reference-tfjs-models/three_people.jpg",
    "data/reference-tfjs-models/portrait.jpg",
    "data/reference-tf-examples/image2.jpg",
    "data/reference-tf-examples/image3.jpeg",
    "data/photos/opencv-samples/messi5.jpg",
    "data/photos/opencv-samples/basketball1.png",
    "data/photos/opencv-samples/basketball2.png",
    "data/photos/mmpose-tests/aic/054d9ce9201beffc76e5ff2169d2af2f027002ca.jpg",
    "data/photos/mmpose-tests/crowdpose/103319.jpg",
    "data/photos/mmpose-tests/mpii/004645041.jpg",
    "data/photos/mmpose-tests/mpii/052475643.jpg",
    "data/ochuman-mmpose/images/003799.jpg",
    "data/ochuman-mmpose/images/000817.jpg",
    "data/coco-val2017/images/000000000785.jpg",
    "data/coco-val2017/images/000000117425.jpg",
    "data/coco-val2017/images/000000160012.jpg",
    "data/coco-val2017/images/000000214753.jpg",
    "data/coco-val2017/images/000000290843.jpg",
    "data/coco-val2017/images/000000397133.jpg",
    "data/coco-val2017/images/000000434204.jpg",
    "data/coco-val2017/images/000000511599.jpg",
]
# MultiPose inputs at other sizes: (image, max_dimension) -> padded shapes such as 320x320.
EXTRA_MULTIPOSE = [
    ("data/ochuman-mmpose/images/003799.jpg", 320),  # 320x320
    ("data/reference-tfjs-models/pose.jpg", 320),  # 224x320
    ("data/reference-tfjs-models/portrait.jpg", 320),  # 320x256
    ("data/photos/mmpose-tests/mpii/004645041.jpg", 384),  # 224x384
    ("data/coco-val2017/images/000000511599.jpg", 160),  # 128x160 (small)
    ("data/reference-tfjs-models/three_people.jpg", 512),  # 448x512 (large)
]


def stem(image_id: str) -> str:
    return Path(image_id).stem


def decoded(image_id: str) -> np.ndarray:
    png = WORK / "png" / (image_id.replace("/", "__").rsplit(".", 1)[0] + ".png")
    return np.asarray(Image.open(png).convert("RGB"))


def sha_u8(array: np.ndarray) -> str:
    return hashlib.sha256(array.astype(np.uint8).tobytes()).hexdigest()


def inputs_extra() -> None:
    folder = OUT / "multipose_extra"
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for image_id, max_dim in EXTRA_MULTIPOSE:
        x, _ = resize_and_pad(decoded(image_id), max_dim)
        path = folder / f"{stem(image_id)}_{max_dim}.png"
        Image.fromarray(x.astype(np.uint8)).save(path)
        lines.append(str(path.relative_to(ROOT)))
    (OUT / "multipose_extra_inputs.txt").write_text("\n".join(lines) + "\n")


def build() -> None:
    still = json.loads((ORACLE / "still_data_wasm.json").read_text())
    manifest = {}
    for model, run in still["models"].items():
        by_id = {im["id"]: im for im in run["images"]}
        folder = OUT / model
        folder.mkdir(parents=True, exist_ok=True)
        entries = []
        for image_id in IMAGES:
            record = by_id[image_id]["passes"][0]
            image = decoded(image_id)
            if model == "multipose":
                x, _ = resize_and_pad(image, 256)
            else:
                c = record["crop_region"]
                region = CropRegion(c["yMin"], c["xMin"], c["yMax"], c["xMax"])
                x = crop_and_resize(image, region, record["model_input"]["shape"][1])
            if sha_u8(x) != record["model_input"]["sha256_u8"]:
                raise SystemExit(f"{model} {image_id}: re-made input differs from the oracle's")
            name = f"{stem(image_id)}.png"
            Image.fromarray(x.astype(np.uint8)).save(folder / name)
            entries.append(
                {
                    "input": f"{model}/{name}",
                    "source": image_id,
                    "input_sha256_u8": record["model_input"]["sha256_u8"],
                    "output_shape": record["raw_output"]["shape"],
                    "output": record["raw_output"]["data"],
                }
            )
        manifest[model] = entries
    extra = json.loads((OUT / "multipose_extra_raw.json").read_text())
    for result in extra["results"]:
        name = Path(result["input"]).name
        x = np.asarray(Image.open(OUT / "multipose_extra" / name).convert("RGB"))
        assert sha_u8(x) == result["input_sha256_u8"], name
        manifest["multipose"].append(
            {
                "input": f"multipose_extra/{name}",
                "source": name,
                "input_sha256_u8": result["input_sha256_u8"],
                "output_shape": result["output_shape"],
                "output": result["output"],
            }
        )
    (OUT / "outputs.json").write_text(json.dumps({"backend": still["backend"], "models": manifest}))
    (OUT / "multipose_extra_raw.json").unlink()
    print({m: len(v) for m, v in manifest.items()})


if __name__ == "__main__":
    {"inputs-extra": inputs_extra, "build": build}[sys.argv[1]]()
