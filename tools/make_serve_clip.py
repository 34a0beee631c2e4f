"""Make tests/fixtures/serve/squats_270x480.mp4: the first 45 frames (two complete squats) of
`pose_squats.mp4` (tensorflow/tfjs-models, Apache-2.0; ../shared/data/reference-tfjs-models/),
shrunk to 270x480, 5 fps. The web app's tests play it through the fake camera.

    python tools/make_serve_clip.py [--source PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "reference-tfjs-models" / "pose_squats.mp4"
OUT = ROOT / "tests" / "fixtures" / "serve" / "squats_270x480.mp4"
FRAMES = 45  # frames 0-44: standing, two squats, standing again (tests/fixtures/exercise/README.md)
SIZE = (270, 480)  # the source's 720x1280, 3/8


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=str(SOURCE))
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    capture = cv2.VideoCapture(args.source)
    fps = capture.get(cv2.CAP_PROP_FPS)
    writer = cv2.VideoWriter(args.out, cv2.VideoWriter_fourcc(*"mp4v"), fps, SIZE)
    for _ in range(FRAMES):
        ok, frame = capture.read()
        if not ok:
            raise SystemExit(f"{args.source} has fewer than {FRAMES} frames")
        writer.write(cv2.resize(frame, SIZE, interpolation=cv2.INTER_AREA))
    writer.release()
    capture.release()
    print(f"wrote {args.out}: {FRAMES} frames, {SIZE[0]}x{SIZE[1]}, {fps:g} fps")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
