"""How the network runs, chosen by name from one table.

onnxruntime is the default (the light install); torch runs the PyTorch modules themselves (the
`torch` extra); litert runs Google's own `.tflite` files (the `litert` extra), as the reference;
xnnpack runs our own int8 `.tflite` files in LiteRT (the `litert` extra), the default for int8
when installed. Runtimes are imported only when used, so the light install never imports torch.
"""

from __future__ import annotations

import importlib
import importlib.util

from movenet.errors import InvalidOptionError
from movenet.extras import install_hint

# name -> (module, class, the package it needs)
RUNTIMES = {
    "onnxruntime": ("movenet.runtime.onnx_runtime", "OnnxRuntime", "onnxruntime"),
    "torch": ("movenet.runtime.torch_runtime", "TorchRuntime", "torch"),
    "litert": ("movenet.runtime.litert_runtime", "LiteRTRuntime", "ai_edge_litert"),
    "xnnpack": ("movenet.runtime.xnnpack_runtime", "XnnpackRuntime", "ai_edge_litert"),
    "openvino": ("movenet.runtime.openvino_runtime", "OpenVinoRuntime", "openvino"),
}
# Named precisions: fp32 (the default; parity with Google's outputs), bf16 / fp16 (reduced-precision
# float compute, where the CPU has it: chosen by the user, never by an engine), int8 (quantised).
PRECISIONS = ("fp32", "bf16", "fp16", "int8")
# precision -> runtimes that have it, in order of preference (the first installed one is the default);
# int8: our .tflite files in LiteRT are faster than onnxruntime's int8 (docs/results/speed.md).
PREFERRED = {
    "fp32": ("onnxruntime", "openvino", "torch"),
    "bf16": ("openvino",),
    "fp16": ("openvino",),
    "int8": ("xnnpack", "onnxruntime", "openvino"),
}
# (precision, model) -> the order where one model differs (docs/results/speed.md, `movenet bench`):
# OpenVINO's f32 beats onnxruntime on MultiPose at 1 and 2 threads (0.80-0.86 of LiteRT fp16 against
# 0.89-0.96); on Lightning and Thunder it is level at 1 thread and slower at 2 (Thunder 1.08-1.09
# against 0.86-0.89), so they keep onnxruntime.
PREFERRED_FOR_MODEL = {
    ("fp32", "multipose"): ("openvino", "onnxruntime", "torch"),
}


def preference(precision: str, model: str | None = None) -> tuple[str, ...]:
    """The runtimes for `precision` (and `model`), the preferred first."""
    return PREFERRED_FOR_MODEL.get((precision, model), PREFERRED[precision])


def available_runtimes() -> list[str]:
    return [name for name, (_, _, package) in RUNTIMES.items() if importlib.util.find_spec(package)]


def default_runtime(precision: str = "fp32", model: str | None = None) -> str:
    """The first installed runtime of `preference(precision, model)` whose files for `model` exist."""
    if precision not in PREFERRED:
        raise InvalidOptionError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    available = available_runtimes()
    if not available:
        raise InvalidOptionError(f"no runtime installed: pip install onnxruntime (or {install_hint('torch')})")
    order = preference(precision, model)
    preferred = [name for name in order if name in available and has_files(name, model)]
    if not preferred:
        raise InvalidOptionError(f"precision {precision!r} needs the {' or '.join(order)} runtime: {install_hint(order[0])}")
    return preferred[0]


def has_files(runtime: str, model: str | None) -> bool:
    """False where a runtime's packaged model files for `model` are not there (xnnpack)."""
    if runtime != "xnnpack":
        return True
    from movenet.runtime.xnnpack_runtime import xnnpack_file

    return model is not None and xnnpack_file(model).is_file()


def runtime_class(runtime: str):
    if runtime not in RUNTIMES:
        raise InvalidOptionError(f"unknown runtime {runtime!r}; available: {', '.join(RUNTIMES)}")
    module, cls, package = RUNTIMES[runtime]
    if importlib.util.find_spec(package) is None:
        extra = {"torch": "torch", "ai_edge_litert": "litert", "openvino": "openvino"}.get(package)
        hint = install_hint(extra) if extra else f"pip install {package}"
        raise InvalidOptionError(f"runtime {runtime!r} needs {package}: {hint}")
    return getattr(importlib.import_module(module), cls)


def create_runtime(model: str = "lightning", runtime: str | None = None, **options):
    return runtime_class(runtime or default_runtime(options.get("precision", "fp32"), model))(model, **options)


__all__ = ["PREFERRED", "PREFERRED_FOR_MODEL", "PRECISIONS", "RUNTIMES", "available_runtimes", "create_runtime", "default_runtime", "has_files", "preference", "runtime_class"]
