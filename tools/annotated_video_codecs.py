"""The figure "Annotated videos" (docs/results/speed.md): what the annotated-video encoders cost
and give, on the same frames.

For each clip, one pass decodes the frames, runs the detector (Lightning, the `movenet track`
defaults) and draws the poses as `movenet track --out` does; every drawn frame is handed to each
encoder in turn (the order rotating frame by frame, so that a load change hits all alike), and
the time each encoder's `write` takes is summed. Then each file is decoded again (PyAV) and
compared with the drawn frames: frame count, size, PSNR over all frames (the minimum and the
mean of the per-frame values). Last, `movenet track --out` end to end with each encoder,
interleaved for `--rounds` rounds (frames/s, medians).

    python tools/annotated_video_codecs.py                    # examples/squats.mp4 + opencv_vtest.avi
    python tools/annotated_video_codecs.py --clips my.mp4 --rounds 5
"""

from __future__ import annotations

import argparse
import functools
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np
from _shared import DATA, REPO

import movenet
import movenet.io.video as video_io
from movenet.cli.main import build_parser
from movenet.cli.video import run_video, video_detector
from movenet.io.video import VideoSource, VideoWriter
from movenet.viz import draw_poses

DEFAULT_CLIPS = [REPO / "examples" / "squats.mp4", DATA / "videos" / "walking" / "opencv_vtest.avi"]
# name: (file suffix, VideoWriter encoder)
ENCODERS = {
    "H.264 (PyAV, default .mp4)": (".mp4", "pyav"),
    "mp4v (OpenCV, fallback)": (".mp4", "opencv"),
    "VP9 (PyAV, default .webm)": (".webm", "pyav"),
}


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255.0**2 / mse)


def luma(rgb: np.ndarray) -> np.ndarray:
    """BT.601 luma: the PSNR that 4:2:0 chroma subsampling does not touch."""
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    return 0.299 * r + 0.587 * g + 0.114 * b


def decoded_frames(path: Path):
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            yield frame.to_ndarray(format="rgb24")


def encode_pass(clip: Path, folder: Path, threshold: float = 0.3) -> dict:
    """Draw every frame once; each encoder writes it; time per encoder, then PSNR per file."""
    detector = movenet.create_detector("lightning")
    names = list(ENCODERS)
    seconds = dict.fromkeys(names, 0.0)
    with VideoSource(clip) as source:
        writers = {n: VideoWriter(folder / f"{i}{suffix}", source.fps, encoder=enc)
                   for i, (n, (suffix, enc)) in enumerate(ENCODERS.items())}
        drawn_frames = 0
        for frame in source:
            drawn = draw_poses(frame.image, detector.estimate_poses(frame.image, frame.timestamp_ms), threshold)
            for n in names[drawn_frames % len(names):] + names[:drawn_frames % len(names)]:
                start = time.perf_counter()
                writers[n].write(drawn)
                seconds[n] += time.perf_counter() - start
            drawn_frames += 1
        for n, writer in writers.items():
            start = time.perf_counter()
            writer.close()  # flushes the encoder's delayed frames: part of its cost
            seconds[n] += time.perf_counter() - start
    results = {}
    for i, (n, (suffix, _)) in enumerate(ENCODERS.items()):
        path = folder / f"{i}{suffix}"
        detector.reset()
        values, lumas, ceiling, count, size = [], [], [], 0, None
        with VideoSource(clip) as source:
            for frame, decoded in zip(source, decoded_frames(path)):
                drawn = draw_poses(frame.image, detector.estimate_poses(frame.image, frame.timestamp_ms), threshold)
                size = decoded.shape[:2]
                decoded = decoded[: drawn.shape[0], : drawn.shape[1]]
                values.append(psnr(drawn, decoded))
                lumas.append(psnr(luma(drawn), luma(decoded)))
                if i == 0:  # the 4:2:0 colour format alone (swscale's conversion and back)
                    yuv = av.VideoFrame.from_ndarray(drawn, format="rgb24").reformat(format="yuv420p")
                    ceiling.append(psnr(drawn, yuv.to_ndarray(format="rgb24")))
                count += 1
        results[n] = {
            "bytes": path.stat().st_size, "frames": sum(1 for _ in decoded_frames(path)), "size": size,
            "ms_per_frame": 1000 * seconds[n] / drawn_frames, "psnr_min": min(values),
            "psnr_mean": statistics.mean(values), "codec": writers[n].codec, "drawn": drawn_frames,
            "luma_psnr_mean": statistics.mean(lumas), "ceiling_420": statistics.mean(ceiling) if ceiling else None,
        }
    ceiling = results[names[0]]["ceiling_420"]
    for r in results.values():
        r["ceiling_420"] = ceiling
    return results


def track_rounds(clip: Path, folder: Path, rounds: int) -> dict[str, float]:
    """`movenet track CLIP --out` frames/s per encoder, interleaved rounds, medians."""
    base = ["track", str(clip), "--model", "lightning"]
    detector = video_detector(build_parser().parse_args(base))
    fps = {n: [] for n in ENCODERS}
    names = list(ENCODERS)
    original = VideoWriter.__init__
    try:
        for r in range(rounds):
            for n in names[r % len(names):] + names[:r % len(names)]:
                suffix, encoder = ENCODERS[n]
                VideoWriter.__init__ = functools.partialmethod(original, encoder=encoder)
                args = build_parser().parse_args([*base, "--out", str(folder / f"track{suffix}")])
                fresh = movenet.api.Detector(detector.spec, detector.options, detector.runtime)
                start = time.perf_counter()
                run = run_video(args, fresh)
                fps[n].append(run.frames / (time.perf_counter() - start))
    finally:
        VideoWriter.__init__ = original
    return {n: statistics.median(v) for n, v in fps.items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clips", nargs="+", type=Path, default=DEFAULT_CLIPS)
    p.add_argument("--rounds", type=int, default=3, help="rounds of `movenet track --out` per encoder (0: none)")
    args = p.parse_args(argv)
    print(f"movenet {movenet.__version__}, PyAV {av.__version__} (FFmpeg {'.'.join(map(str, av.library_versions['libavcodec']))} "
          f"libavcodec), encoder options {video_io.PYAV_OPTIONS}")
    for clip in args.clips:
        if not clip.is_file():
            print(f"{clip}: missing, skipped (see docs/data.md)")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            results = encode_pass(clip, Path(tmp))
            speed = track_rounds(clip, Path(tmp), args.rounds) if args.rounds else {}
        first = next(iter(results.values()))
        print(f"\n{clip.name}: {first['drawn']} frames drawn; PSNR of the 4:2:0 colour format alone "
              f"(the drawn frames converted and back): {first['ceiling_420']:.1f} dB")
        print(f"{'encoder':<28}{'codec':<12}{'MB':>8}{'frames':>8}{'size':>11}{'encode ms/frame':>17}"
              f"{'PSNR min / mean dB':>21}{'luma PSNR dB':>14}{'track --out fps':>17}")
        for n, r in results.items():
            h, w = r["size"]
            quality = f"{r['psnr_min']:.1f} / {r['psnr_mean']:.1f}"
            print(f"{n:<28}{r['codec']:<12}{r['bytes'] / 1e6:>8.2f}{r['frames']:>8}{f'{w}x{h}':>11}"
                  f"{r['ms_per_frame']:>17.2f}{quality:>21}{r['luma_psnr_mean']:>14.1f}"
                  f"{(f'{speed[n]:.1f}' if n in speed else '-'):>17}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
