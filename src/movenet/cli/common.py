"""What the commands share: the detector options (predict, track, eval) and JSON output."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from movenet.errors import InvalidOptionError
from movenet.extras import install_hint
from movenet.registry import list_models
from movenet.runtime import PRECISIONS, RUNTIMES


def add_model_options(p, model_default: str | None = "lightning", default_help: str | None = None,
                      extra_models: tuple[str, ...] = ()) -> None:
    """--model, --runtime, --threads, --precision, --multipose-max-dimension, --input-resolution."""
    p.add_argument(
        "--model", default=model_default, type=str.lower, choices=list_models() + list(extra_models),
        help="lightning (fast, one person), thunder (accurate, one person), multipose (up to 6 "
        "people), posenet (Google's older PoseNet, for comparison)"
        + (f", {', '.join(extra_models)} (comparison only)" if extra_models else "")
        + f"; default: {default_help or model_default}",
    )
    p.add_argument(
        "--runtime", choices=list(RUNTIMES),
        help="default: the fastest installed one for the model and precision (docs/guide/runtimes.md); "
        "torch needs the torch extra; litert runs Google's own .tflite files (litert extra; --weights FILE, or found in the data folder, "
        "docs/data.md), for comparison; xnnpack runs our .tflite files in LiteRT "
        "(litert extra); openvino runs our ONNX files in OpenVINO (openvino extra)",
    )
    p.add_argument(
        "--weights", metavar="FILE",
        help="another model file for the runtime (.onnx for onnxruntime, .safetensors for torch, .tflite for litert)",
    )
    p.add_argument(
        "--multipose-max-dimension", type=int, default=256, metavar="D",
        help="multipose: longer side of the model input, a multiple of 32 (default 256; larger "
        "finds smaller people, slower)",
    )
    p.add_argument(
        "--input-resolution", type=int, metavar="R",
        help="posenet: side of the model input, 16k + 1 (default 257; another R becomes floor(R / 16) * 16 + 1)",
    )
    p.add_argument("--threads", type=int, metavar="N", help="CPU threads for the runtime (default: all cores)")
    p.add_argument(
        "--precision", choices=list(PRECISIONS), default="fp32",
        help="fp32 (default: Google's outputs within 1e-4); bf16 / fp16: reduced-precision float on "
        "CPUs that have it (openvino runtime, openvino extra); int8: the quantised model (xnnpack: our "
        ".tflite in LiteRT, the default where installed and shipped; onnxruntime; openvino; litert: "
        "Google's int8 file). Which runtime is fastest for each: docs/guide/runtimes.md",
    )


# What each optional extra a command may need brings, and how to install it (pyproject.toml).
EXTRAS = {
    "torch": ("PyTorch and safetensors", install_hint("torch")),
    "tflite-export": ("PyTorch and litert-torch", install_hint("tflite-export") + " (in an environment of its own)"),
}


def require_modules(command: str, modules: tuple[str, ...], extra: str) -> None:
    """A one-line error, before anything is imported, when a command's optional packages are missing."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        what, hint = EXTRAS[extra]
        raise InvalidOptionError(f"{command} needs {what} (missing: {', '.join(missing)}): {hint}")


def check_output_file(target: str | None, option: str) -> None:
    """Before a long run: InvalidOptionError if `target` ("-" = standard output) cannot be written."""
    if target is None or target == "-":
        return
    path = Path(target)
    if path.is_dir():
        raise InvalidOptionError(f"{option} {target}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise InvalidOptionError(f"{option} {target}: folder {path.parent} does not exist")


def check_output_dir(target: str | None, option: str) -> None:
    if target is not None and Path(target).exists() and not Path(target).is_dir():
        raise InvalidOptionError(f"{option} {target}: is a file, not a folder")


def check_threshold(value: float) -> None:
    if not 0.0 <= value <= 1.0:  # NaN fails too
        raise InvalidOptionError(f"--threshold must be a keypoint score in 0..1, got {value}")


def write_json(target: str, payload) -> None:
    """JSON to the file `target`, or to standard output when it is "-"."""
    text = json.dumps(payload, indent=2)
    if target == "-":
        print(text)
    else:
        Path(target).write_text(text + "\n")


def add_exercise_file_option(p) -> None:
    p.add_argument("--exercise-file", action="append", default=[], metavar="FILE",
                   help="exercises defined in a TOML or JSON file (examples/exercises/; `movenet exercise list --toml` "
                   "prints the built-in ones in that format); repeatable")
