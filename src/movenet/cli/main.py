"""`movenet` command line: predict keypoints on images, list models, convert official weights."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from movenet.cli.common import require_modules
from movenet.errors import MovenetError
from movenet.registry import get_spec, list_models


# The modules of movenet.cli that register subcommands, in the order of `movenet --help`, with
# the function that registers them. Only the module of the command being run is imported (`movenet
# history` starts without importing the video, serving and training code); --help imports all.
REGISTRARS = (
    ("predict", "add_parser"), ("track", "add_parser"), ("falls", "add_parser"),
    ("falls_eval", "add_parser"),  # `movenet falls eval` (see SPLIT_COMMANDS)
    ("falls_feedback", "add_parser"),  # `movenet falls feedback`, likewise
    ("eval", "add_parser"), ("bench", "add_parser"), ("train", "add_parser"), ("serve", "add_parser"),
    ("exercise", "add_parsers"),  # exercise, exercise-list, exercise-eval, angles, balance, classify
    ("batch", "add_parser"),
    ("session", "add_parsers"),  # session, history, report, patient
    ("users", "add_parser"), ("watch", "add_parser"), ("events", "add_parser"),
)
# command -> the module that registers it, where it is not the command's own name.
COMMAND_MODULES = {
    "falls-eval": "falls_eval", "falls-feedback": "falls_feedback",
    "exercise-list": "exercise", "exercise-eval": "exercise", "angles": "exercise", "balance": "exercise",
    "classify": "exercise", "history": "session", "report": "session", "patient": "session",
}
# `movenet falls eval ...` is the subcommand `falls-eval` (`falls` itself takes a SOURCE); likewise.
SPLIT_COMMANDS = {"falls": ("eval", "feedback"), "exercise": ("eval", "list")}
BUILT_IN = ("models", "convert-weights", "export-onnx", "quantize")


def route(argv: list[str]) -> list[str]:
    """`movenet falls eval ...` -> `falls-eval ...` (SPLIT_COMMANDS)."""
    if len(argv) >= 2 and argv[1] in SPLIT_COMMANDS.get(argv[0], ()):
        return [f"{argv[0]}-{argv[1]}", *argv[2:]]
    return argv


def module_of(command: str | None) -> str | None:
    """The movenet.cli module that registers `command`; None: unknown (or a built-in one)."""
    if command is None:
        return None
    name = COMMAND_MODULES.get(command, command.replace("-", "_"))
    return name if any(module == name for module, _ in REGISTRARS) else None


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


def version_line() -> str:
    """`movenet 0.1.0 (onnxruntime 1.x, Python 3.11.7)`: what a bug report needs, read cheaply."""
    import platform
    from importlib import metadata

    from movenet import __version__

    try:
        runtime = f"onnxruntime {metadata.version('onnxruntime')}, "
    except metadata.PackageNotFoundError:
        runtime = ""
    return f"movenet {__version__} ({runtime}Python {platform.python_version()})"


class VersionAction(argparse.Action):
    """--version: the line is read (package metadata) only when asked for."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_line())
        parser.exit()


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command; with `command`, only that command's module is imported and
    registered (and the built-in ones), which is all `parse_args` needs to run it."""
    parser = argparse.ArgumentParser(
        prog="movenet",
        description="Human pose estimation with Google's MoveNet (official weights, CPU).",
    )
    parser.add_argument("--version", action=VersionAction, help="print the version of movenet and of its runtime, then exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    only = module_of(command)
    if command is None or only is not None or command not in BUILT_IN:
        for module, register in REGISTRARS:
            if only is None or module == only:
                getattr(importlib.import_module(f"movenet.cli.{module}"), register)(sub)

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


class ReaderGoneStdout:
    """Standard output that survives its reader leaving (`movenet exercise ... --json r.json | head`):
    what is printed after that is dropped, and the command goes on to write its files and return
    its own exit status (a broken pipe used to end it at the first print after, silently, with 0)."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._gone()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._gone()

    def _gone(self) -> None:
        # the Python documentation's recipe: standard output's descriptor onto /dev/null, so that
        # nothing (the interpreter's flush at exit included) writes to the closed pipe again
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, self._stream.fileno())
        except (OSError, ValueError):
            pass  # not a real descriptor (a test's capture): dropping is enough
        finally:
            os.close(devnull)
        self._stream = open(os.devnull, "w")

    def __getattr__(self, name):
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    argv = route(sys.argv[1:] if argv is None else list(argv))
    command = argv[0] if argv and not argv[0].startswith("-") else None
    args = build_parser(command).parse_args(argv)
    if not isinstance(sys.stdout, ReaderGoneStdout):
        sys.stdout = ReaderGoneStdout(sys.stdout)
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
