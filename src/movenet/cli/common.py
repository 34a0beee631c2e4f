"""What the commands share: the detector options (predict, track, eval) and JSON output."""

from __future__ import annotations

import json
from pathlib import Path

from movenet.registry import list_models
from movenet.runtime import RUNTIMES


def add_model_options(p, model_default: str | None = "lightning", default_help: str | None = None) -> None:
    """--model, --runtime, --threads, --precision."""
    p.add_argument(
        "--model", default=model_default, type=str.lower, choices=list_models(),
        help="lightning (fast, one person), thunder (accurate, one person), multipose (up to 6 "
        f"people); default: {default_help or model_default}",
    )
    p.add_argument(
        "--runtime", choices=list(RUNTIMES),
        help="default: onnxruntime (int8: xnnpack where installed); torch needs the torch extra; litert "
        "runs Google's own .tflite files (litert extra, shared/peers/tflite or --weights), for "
        "comparison; xnnpack runs our int8 .tflite files in LiteRT (litert extra)",
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
    p.add_argument("--threads", type=int, metavar="N", help="CPU threads for the runtime (default: all cores)")
    p.add_argument(
        "--precision", choices=["fp32", "int8"], default="fp32",
        help="int8: the quantised model (xnnpack: our .tflite in LiteRT, the default where installed "
        "and shipped; onnxruntime; litert: Google's int8 file): smaller and faster, keypoints "
        "typically within 1 px of float (README, Precision)",
    )


def write_json(target: str, payload) -> None:
    """JSON to the file `target`, or to standard output when it is "-"."""
    text = json.dumps(payload, indent=2)
    if target == "-":
        print(text)
    else:
        Path(target).write_text(text + "\n")
