"""`movenet` command line: predict keypoints on images, list models, convert official weights."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from movenet.errors import MovenetError
from movenet.registry import get_spec, list_models


def _format_table(file: str, width: int, height: int, model: str, poses) -> str:
    lines = [f"{file} ({width}x{height}), {model}: {len(poses)} pose(s)"]
    for i, pose in enumerate(poses, 1):
        lines.append(f"pose {i}: score {pose.score:.3f}")
        lines.append(f"  {'keypoint':<16}{'x':>9}{'y':>9}{'score':>8}")
        for k in pose.keypoints:
            lines.append(f"  {k.name:<16}{k.x:>9.1f}{k.y:>9.1f}{k.score:>8.3f}")
    return "\n".join(lines)


def cmd_predict(args: argparse.Namespace) -> int:
    from movenet.io.image import load_image
    from movenet.pipelines.still import multi_pose, single_pose
    from movenet.runtime import create_runtime

    spec = get_spec(args.model)
    runtime = create_runtime(spec.name)
    results, failures = [], 0
    for file in args.inputs:
        try:
            image = load_image(file)
            poses = multi_pose(runtime, image) if spec.multi_pose else [single_pose(runtime, image)]
        except MovenetError as exc:
            failures += 1
            print(f"error: {exc}", file=sys.stderr)
            continue
        height, width = image.shape[:2]
        results.append(
            {"file": str(file), "width": width, "height": height, "poses": [p.to_dict() for p in poses]}
        )
        if args.json is None:
            print(_format_table(str(file), width, height, spec.name, poses))
    if args.json is not None:
        text = json.dumps(results, indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n")
    if failures:
        print(f"{failures} of {len(args.inputs)} input(s) failed", file=sys.stderr)
    return 1 if failures else 0


def cmd_models(args: argparse.Namespace) -> int:
    for name in list_models():
        spec = get_spec(name)
        size = "HxW multiple of 32" if spec.input_size is None else "x".join(map(str, spec.input_size))
        print(f"{name:<10} {size:<20} {spec.description}")
    return 0


def cmd_convert_weights(args: argparse.Namespace) -> int:
    from movenet.weights.convert import main as convert_main

    argv = ["--tfjs-dir", args.tfjs_dir] + (["--out", args.out] if args.out else [])
    for name in args.model or []:
        argv += ["--model", name]
    return convert_main(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="movenet",
        description="Human pose estimation with Google's MoveNet (official weights, CPU).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    predict = sub.add_parser(
        "predict",
        help="find the 17 body keypoints in images",
        description="Find the 17 COCO body keypoints (nose, eyes, ears, shoulders, elbows, wrists, "
        "hips, knees, ankles) in each image and print them as a table, or as JSON with --json. "
        "x and y are pixels of the image; score is the model's confidence (0..1; 0.3 is a "
        "sensible display threshold).",
    )
    predict.add_argument("inputs", nargs="+", metavar="IMAGE", help="image files (JPEG, PNG, ...)")
    predict.add_argument(
        "--model",
        default="lightning",
        type=str.lower,
        choices=list_models(),
        help="lightning (fast, one person), thunder (accurate, one person), multipose (up to 6 "
        "people); default: lightning",
    )
    predict.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="FILE",
        help="write JSON instead of the table: to FILE, or to standard output if no FILE is given",
    )
    predict.set_defaults(func=cmd_predict)

    models = sub.add_parser("models", help="list the available models")
    models.set_defaults(func=cmd_models)

    convert = sub.add_parser(
        "convert-weights",
        help="regenerate the bundled weights from Google's TF.js graph models",
    )
    convert.add_argument("--tfjs-dir", required=True, help="folder with movenet-<model>.{json,bin}")
    convert.add_argument("--out", help="output folder (default: the installed package's)")
    convert.add_argument("--model", action="append", choices=list_models(), help="default: all")
    convert.set_defaults(func=cmd_convert_weights)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except MovenetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
