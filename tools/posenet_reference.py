"""Google's PoseNet client on our images: the reference for movenet's PoseNet (network, decoding,
pre- and post-processing), run under Node.js by `tools/posenet_reference/reference.js`.

    W=~/.cache/movenet-posenet-reference; mkdir -p $W && cp tools/posenet_reference/package.json $W/ \
        && npm install --prefix $W --legacy-peer-deps      # once (posenet 2.2.2 names tfjs ^3 as peer)
    python tools/posenet_reference.py IMAGES... --out poses.json [--heads DIR] [--resolution 257]

Images are decoded here (Pillow, as `movenet.io.image.load_image`) and handed to Node as raw RGB,
so both sides see identical pixels. `--heads FILE.npz` also stores the four official heads of
every image (float32, compressed; keys `<image stem>/<head>`), and each record gets the sha256 of
the official float32 model input (`input_sha256`).

    python tools/posenet_reference.py examples/pose.jpg examples/three_people.jpg \
        tests/fixtures/coco_mini/images --out tests/fixtures/posenet/official_257.json
    python tools/posenet_reference.py examples/pose.jpg --heads tests/fixtures/posenet/official_pose_heads.npz \
        --out /tmp/pose.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "tools" / "posenet_reference" / "reference.js"
GRAPH = REPO.parent / "shared" / "models" / "tfjs" / "posenet.json"
WORK = Path(os.environ.get("POSENET_REFERENCE_WORK", Path.home() / ".cache" / "movenet-posenet-reference"))


def run_reference(paths: list[Path], resolution: int = 257, heads_dir: Path | None = None,
                  backend: str = "wasm", graph: Path = GRAPH, work: Path = WORK) -> dict:
    from movenet.io.image import load_image

    with tempfile.TemporaryDirectory() as tmp:
        images = []
        for i, path in enumerate(paths):
            rgb = load_image(path)
            raw = Path(tmp) / f"{i}.rgb"
            raw.write_bytes(rgb.tobytes())
            entry = {"id": str(path), "raw": str(raw), "height": rgb.shape[0], "width": rgb.shape[1]}
            if heads_dir is not None:
                heads_dir.mkdir(parents=True, exist_ok=True)
                entry["heads"] = str(heads_dir / path.stem)
            images.append(entry)
        manifest, out = Path(tmp) / "manifest.json", Path(tmp) / "out.json"
        manifest.write_text(json.dumps({"images": images}))
        subprocess.run(
            ["node", str(SCRIPT), "--model", str(graph), "--list", str(manifest), "--out", str(out),
             "--resolution", str(resolution), "--backend", backend],
            check=True, env={**os.environ, "POSENET_REFERENCE_WORK": str(work)},
        )
        return json.loads(out.read_text())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("images", nargs="+", help="image files or folders")
    p.add_argument("--out", required=True)
    p.add_argument("--heads", help="write the official heads of every image to this .npz file")
    p.add_argument("--resolution", type=int, default=257)
    p.add_argument("--backend", default="wasm", choices=["wasm", "cpu"])
    p.add_argument("--relative-to", default=str(REPO), help="store image paths relative to this folder")
    args = p.parse_args(argv)
    import numpy as np

    from movenet.io.sources import expand_inputs

    paths = expand_inputs(args.images).files
    with tempfile.TemporaryDirectory() as heads_dir:
        result = run_reference(paths, args.resolution, Path(heads_dir) if args.heads else None, args.backend)
        arrays = {}
        for record in result["results"]:
            for name, tensor in record.pop("tensors", {}).items():
                data = np.fromfile(Path(heads_dir) / tensor["file"], np.float32).reshape(tensor["shape"])
                if name == "input":
                    record["input_sha256"] = hashlib.sha256(data.tobytes()).hexdigest()
                else:
                    arrays[f"{Path(record['id']).stem}/{name}"] = data
        if args.heads:
            np.savez_compressed(args.heads, **arrays)
    base = Path(args.relative_to).resolve()
    for record in result["results"]:
        record["id"] = os.path.relpath(Path(record["id"]).resolve(), base)
    Path(args.out).write_text(json.dumps(result, indent=None, separators=(",", ":")) + "\n")
    print(f"{len(result['results'])} images -> {args.out} ({result['info']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
