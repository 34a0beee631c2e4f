"""Google's PoseNet client on our images: the reference for movenet's PoseNet (network, decoding,
pre- and post-processing), run under Node.js by `tools/posenet_reference/reference.js`.

    npm install --prefix ~/.cache/movenet-posenet-reference tools/posenet_reference   # once
    python tools/posenet_reference.py IMAGES... --out poses.json [--heads DIR] [--resolution 257]

Images are decoded here (Pillow, as `movenet.io.image.load_image`) and handed to Node as raw RGB,
so both sides see identical pixels. `--heads DIR` also writes the official model input and the four
heads of every image (float32 files) into DIR. `--fixture` stores keypoints rounded to 1e-6 px.
"""

from __future__ import annotations

import argparse
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
    p.add_argument("--heads", help="folder for the official model input and heads (float32 files)")
    p.add_argument("--resolution", type=int, default=257)
    p.add_argument("--backend", default="wasm", choices=["wasm", "cpu"])
    p.add_argument("--relative-to", default=str(REPO), help="store image paths relative to this folder")
    args = p.parse_args(argv)
    from movenet.io.sources import expand_inputs

    paths = expand_inputs(args.images).files
    result = run_reference(paths, args.resolution, Path(args.heads) if args.heads else None, args.backend)
    base = Path(args.relative_to).resolve()
    for record in result["results"]:
        record["id"] = os.path.relpath(Path(record["id"]).resolve(), base)
    Path(args.out).write_text(json.dumps(result, indent=None, separators=(",", ":")) + "\n")
    print(f"{len(result['results'])} images -> {args.out} ({result['info']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
