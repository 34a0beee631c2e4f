"""`movenet predict`: poses on image files and folders -> table, JSON, annotated images."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from movenet.cli.common import (
    add_model_options,
    check_output_dir,
    check_output_file,
    check_threshold,
    write_json,
)
from movenet.errors import MovenetError
from movenet.limits import MAX_BATCH_SIZE, check_int

EPILOG = """\
examples:
  movenet predict photo.jpg
  movenet predict photos/ --recursive --model thunder --out annotated/ --json poses.json
  movenet predict 'shots/*.png' --model multipose --max-poses 3 --json -
  movenet predict photo.jpg --compat tfjs        # exactly what Google's TF.js library returns

JSON (--json FILE): a list with one entry per readable input:
  {"file", "width", "height", "poses": [{"score", "box": [x0, y0, x1, y1], "id": null,
   "keypoints": [{"name", "x", "y", "score"} x 17]}]}
x, y and boxes are pixels of the input image. Exit code 1 if any input failed.
"""


def add_parser(sub) -> None:
    p = sub.add_parser(
        "predict",
        help="find the 17 body keypoints in images",
        description="Find the 17 COCO body keypoints (nose, eyes, ears, shoulders, elbows, wrists, "
        "hips, knees, ankles) of the people in images. Prints a table per image; --json writes "
        "JSON, --out draws them. x and y are pixels of the image; score is the model's "
        "confidence (0..1).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="image files, folders or glob patterns")
    add_model_options(p)
    p.add_argument("--batch-size", type=int, default=1, metavar="N", help="images per network call (default 1: larger batches were not faster on 2 cores; see docs/results/speed.md)")
    p.add_argument("--recursive", "-r", action="store_true", help="look into subfolders too")
    p.add_argument("--out", metavar="DIR", help="write annotated images to DIR")
    p.add_argument(
        "--json", nargs="?", const="-", metavar="FILE",
        help="write the poses as JSON to FILE (to standard output if FILE is - or left out)",
    )
    p.add_argument(
        "--threshold", type=float, default=0.3, metavar="T",
        help="draw keypoints scoring at least T (default 0.3); JSON keeps all keypoints",
    )
    p.add_argument(
        "--compat", choices=["tfjs"],
        help="reproduce Google's TF.js pose-detection exactly (single pose: centre-square first "
        "crop, which cuts off people at the sides of landscape photos)",
    )
    p.add_argument("--refine", action="store_true", help="single pose: second pass on the crop around the person")
    p.add_argument("--min-pose-score", type=float, default=0.25, metavar="S", help="drop poses scoring below S (default 0.25; 0 keeps all)")
    p.add_argument("--max-poses", type=int, metavar="N", help="multipose: at most N people (1..6, default 6); posenet: 1 = single-pose decoding, up to 20 (default 5)")
    p.add_argument("--flip-horizontal", action="store_true", help="mirror the images first")
    p.add_argument("--quiet", "-q", action="store_true", help="no table on standard output")
    p.set_defaults(func=run)


def format_table(file: str, width: int, height: int, model: str, poses) -> str:
    lines = [f"{file} ({width}x{height}), {model}: {len(poses)} pose(s)"]
    for i, pose in enumerate(poses, 1):
        lines.append(f"pose {i}: score {pose.score:.3f}")
        lines.append(f"  {'keypoint':<16}{'x':>9}{'y':>9}{'score':>8}")
        for k in pose.keypoints:
            lines.append(f"  {k.name:<16}{k.x:>9.1f}{k.y:>9.1f}{k.score:>8.3f}")
    return "\n".join(lines)


def _output_path(out_dir: Path, source: Path, used: set[Path]) -> Path:
    suffix = ".jpg" if source.suffix.lower() in (".jpg", ".jpeg") else ".png"
    target = out_dir / f"{source.stem}{suffix}"
    n = 1
    while target in used:
        target = out_dir / f"{source.stem}_{n}{suffix}"
        n += 1
    used.add(target)
    return target


def _estimate(detector, images: list, args: argparse.Namespace) -> list:
    """Poses of each image. Still images are independent: SinglePose compat gets a fresh official
    detector state per image; the others go through the network `--batch-size` at a time."""
    if not images:
        return []
    if args.compat and not detector.spec.multi_pose:
        out = []
        for image in images:
            detector.reset()
            out.append(detector.estimate_poses(image, flip_horizontal=args.flip_horizontal))
        return out
    return detector.estimate_poses(images, flip_horizontal=args.flip_horizontal, batch_size=args.batch_size)


def run(args: argparse.Namespace) -> int:
    check_int("--batch-size", args.batch_size, 1, MAX_BATCH_SIZE, "larger batches were not faster")
    check_threshold(args.threshold)
    check_output_file(args.json, "--json")
    check_output_dir(args.out, "--out")
    from PIL import Image
    from tqdm import tqdm

    import movenet
    from movenet.io.image import load_image
    from movenet.io.sources import expand_inputs
    from movenet.viz import draw_poses

    detector = movenet.create_detector(
        args.model,
        runtime=args.runtime,
        threads=args.threads,
        weights=args.weights,
        precision=args.precision,
        compat=args.compat,
        refine=args.refine,
        min_pose_score=args.min_pose_score,
        max_poses=args.max_poses,
        multipose_max_dimension=args.multipose_max_dimension,
        input_resolution=args.input_resolution,
    )
    expanded = expand_inputs(args.inputs, args.recursive)
    for message in expanded.errors:
        print(f"error: {message}", file=sys.stderr)
    out_dir = Path(args.out) if args.out else None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    table = not args.quiet and args.json != "-"
    results, failures, used = [], len(expanded.errors), set()
    bar = tqdm(total=len(expanded.files), unit="img", file=sys.stderr, disable=None if len(expanded.files) > 1 else True)
    for start in range(0, len(expanded.files), args.batch_size):
        loaded = []
        for file in expanded.files[start:start + args.batch_size]:
            try:
                loaded.append((file, load_image(file)))
            except MovenetError as exc:
                failures += 1
                tqdm.write(f"error: {exc}", file=sys.stderr)
                bar.update(1)
        for (file, image), poses in zip(loaded, _estimate(detector, [im for _, im in loaded], args)):
            bar.update(1)
            try:
                if out_dir is not None:
                    shown = image[:, ::-1] if args.flip_horizontal else image
                    Image.fromarray(draw_poses(shown, poses, args.threshold)).save(_output_path(out_dir, file, used))
            except OSError as exc:
                failures += 1
                tqdm.write(f"error: {file}: cannot write the annotated image ({exc})", file=sys.stderr)
                continue
            height, width = image.shape[:2]
            results.append({"file": str(file), "width": width, "height": height, "poses": [p.to_dict() for p in poses]})
            if table:
                tqdm.write(format_table(str(file), width, height, args.model, poses), file=sys.stdout)
    bar.close()
    if args.json is not None:
        write_json(args.json, results)
    total = len(expanded.files) + len(expanded.errors)
    if failures:
        print(f"{failures} of {total} input(s) failed", file=sys.stderr)
    elif total == 0:
        print("error: no inputs", file=sys.stderr)
        return 1
    return 1 if failures else 0
