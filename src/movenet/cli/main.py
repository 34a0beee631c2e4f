"""`movenet` command line: predict keypoints on images, list models, convert official weights."""

from __future__ import annotations

import argparse
import os
import sys

from movenet.cli import (
    batch,
    bench,
    eval,
    exercise,
    falls,
    predict,
    serve,
    session,
    track,
    train,
    users,
    watch,
)
from movenet.cli import events as events_cli
from movenet.cli.common import require_modules
from movenet.errors import MovenetError
from movenet.registry import get_spec, list_models


def cmd_models(args: argparse.Namespace) -> int:
    for name in list_models():
        spec = get_spec(name)
        free = "HxW multiple of 32" if spec.family == "movenet" else f"HxW {spec.output_stride}k+1, 257"
        size = "x".join(map(str, spec.input_size)) if spec.input_size else free
        print(f"{name:<10} {size:<20} {spec.description}")
    return 0


def cmd_convert_weights(args: argparse.Namespace) -> int:
    from movenet.weights.convert import main as convert_main

    argv = ["--tfjs-dir", args.tfjs_dir] + (["--out", args.out] if args.out else [])
    for name in args.model or []:
        argv += ["--model", name]
    return convert_main(argv)


def cmd_export_onnx(args: argparse.Namespace) -> int:
    require_modules("movenet export-onnx", ("torch", "safetensors", "onnx", "onnxscript"), "torch")
    from movenet.export.onnx import main as export_main

    argv = ["--out", args.out] if args.out else []
    for name in args.model or []:
        argv += ["--model", name]
    return export_main(argv)


def cmd_quantize(args: argparse.Namespace) -> int:
    if args.format == "tflite":
        require_modules("movenet quantize --format tflite", ("torch", "litert_torch"), "tflite-export")
    else:
        require_modules("movenet quantize", ("torch", "safetensors", "onnx"), "torch")
    from movenet.export.quantize import main as quantize_main

    argv = ["--calibration", *args.calibration, "--format", args.format]
    for name in args.model or []:
        argv += ["--model", name]
    return quantize_main(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="movenet",
        description="Human pose estimation with Google's MoveNet (official weights, CPU).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    predict.add_parser(sub)
    track.add_parser(sub)
    falls.add_parser(sub)
    eval.add_parser(sub)
    bench.add_parser(sub)
    train.add_parser(sub)
    serve.add_parser(sub)
    exercise.add_parsers(sub)  # exercise, angles, balance, classify
    batch.add_parser(sub)
    session.add_parsers(sub)  # session, history, report, patient
    users.add_parser(sub)
    watch.add_parser(sub)
    events_cli.add_parser(sub)

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

    export = sub.add_parser("export-onnx", help="regenerate the bundled ONNX models (needs the torch extra)")
    export.add_argument("--out", help="output folder (default: the installed package's)")
    export.add_argument("--model", action="append", choices=list_models(), help="default: all")
    export.set_defaults(func=cmd_export_onnx)

    quant = sub.add_parser("quantize", help="regenerate the bundled int8 models (needs the torch or tflite-export extra)")
    quant.add_argument("--calibration", nargs="+", required=True, help="photos (files or folders), not the accuracy set")
    quant.add_argument("--model", action="append", choices=list_models("movenet"), help="default: all MoveNet models")
    quant.add_argument("--format", choices=["onnx", "tflite"], default="onnx",
                       help="onnx (onnxruntime, torch extra) or tflite (runtime xnnpack, tflite-export extra)")
    quant.set_defaults(func=cmd_quantize)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(falls.route(sys.argv[1:] if argv is None else list(argv)))
    try:
        return args.func(args)
    except BrokenPipeError:  # e.g. `movenet predict ... | head`: the reader left, not an error
        sys.stdout = open(os.devnull, "w")
        return 0
    except MovenetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # an output that cannot be written (disk full, permissions, ...)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
