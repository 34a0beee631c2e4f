"""Vendor onnxruntime-web into the package: the runtime files the page's browser inference loads,
from the npm registry (`npm pack`, its ordinary client, which checks the tarball's integrity), with
the licence and a note of the version. The page never loads anything from a CDN.

    python tools/vendor_onnxruntime_web.py [--version 1.31.1] [--out src/movenet/serve/static/ort]

Kept (everything else in the npm package is left out):
- `ort.wasm.min.mjs` + `ort-wasm-simd-threaded.mjs` + `.wasm`: the WebAssembly (CPU) build,
  SIMD, multi-threaded when the page is cross-origin isolated; it runs in every browser with
  WebAssembly SIMD (Chrome 91, Firefox 89, Safari 16.4).
- `ort.jspi.min.mjs` + `ort-wasm-simd-threaded.jspi.mjs` + `.wasm`: the WebGPU build that uses
  JavaScript Promise Integration (Chromium 137+), 18 MB; the other WebGPU build (asyncify, for
  browsers without JSPI) is 29 MB and is left out: such browsers use the CPU build.
The npm package carries no licence file: LICENSE (MIT) and ThirdPartyNotices.txt come from the same
repository's Python package (`onnxruntime`, a dependency of ours), copied from the installed one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "movenet" / "serve" / "static" / "ort"
VERSION = "1.31.1"
KEEP = (
    "ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm",
    "ort.jspi.min.mjs", "ort-wasm-simd-threaded.jspi.mjs", "ort-wasm-simd-threaded.jspi.wasm",
)
NOTICES = ("LICENSE", "ThirdPartyNotices.txt")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", default=VERSION)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    import onnxruntime

    with tempfile.TemporaryDirectory() as tmp:
        packed = subprocess.run(["npm", "pack", f"onnxruntime-web@{args.version}", "--json", "--pack-destination", tmp],
                                check=True, capture_output=True, text=True)
        info = json.loads(packed.stdout)[0]
        with tarfile.open(Path(tmp) / info["filename"]) as tar:
            tar.extractall(tmp, filter="data")
        dist = Path(tmp) / "package" / "dist"
        if args.out.exists():
            shutil.rmtree(args.out)
        args.out.mkdir(parents=True)
        rows = []
        for name in KEEP:
            shutil.copyfile(dist / name, args.out / name)
            data = (args.out / name).read_bytes()
            rows.append(f"| `{name}` | {len(data):,} | `{hashlib.sha256(data).hexdigest()}` |")
        source = Path(onnxruntime.__file__).parent
        for name in NOTICES:
            shutil.copyfile(source / name, args.out / name)
        total = sum((args.out / n).stat().st_size for n in (*KEEP, *NOTICES))
        (args.out / "README.md").write_text(
            f"# onnxruntime-web {info['version']} (vendored)\n\n"
            f"From the npm registry: `npm pack onnxruntime-web@{info['version']}` (integrity\n"
            f"`{info['integrity']}`), by `python tools/vendor_onnxruntime_web.py --version {info['version']}`.\n"
            "Only the files the page loads are kept (the CPU build, and the WebGPU build for browsers with\n"
            "JavaScript Promise Integration); see the tool's docstring.\n\n"
            "| file | bytes | sha256 |\n|---|---|---|\n" + "\n".join(rows) + "\n\n"
            f"Licence: MIT (`LICENSE`), with `ThirdPartyNotices.txt`; the npm package ships no licence file,\n"
            f"so both are copied from the same repository's Python package (onnxruntime {onnxruntime.__version__}).\n"
            f"Total: {total:,} bytes.\n"
        )
    print(f"wrote {args.out}: onnxruntime-web {info['version']}, {len(KEEP)} files + licence, {total / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
