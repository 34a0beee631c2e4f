"""Static int8 quantisation of the ONNX models (onnxruntime.quantization), calibrated on photos.

    movenet quantize --calibration ../shared/data/coco-train2017-mini/images ../shared/data/photos

The model is exported with float32 weights (the quantiser must see them as initializers),
pre-processed (shape inference, folding), and its convolutions quantised: QDQ, per-channel int8
weights, uint8 activations. The decoding stays float32, so its arg-max / top-k logic is the
official one. Calibration images must not be the ones accuracy is measured on (never
coco-val2017; COCO train and other photos are fine). Needs the `torch` extra.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from movenet.io.image import load_image
from movenet.io.sources import expand_inputs
from movenet.pipelines.multi_pose import DEFAULT_MAX_DIMENSION
from movenet.preprocess.crop import (
    crop_and_resize,
    padded_square_region,
    resize_and_pad,
)
from movenet.registry import get_spec, list_models
from movenet.runtime.onnx_runtime import onnx_file

MAX_CALIBRATION_IMAGES = 256
# 7-bit weights: this CPU has AVX2 without VNNI, where onnxruntime's u8 x s8 kernels saturate
# 16-bit sums (onnxruntime's quantization docs); with full-range weights Lightning single-crop AP
# fell 10.8 points, with reduce_range 4.8 (all convolutions int8, coco-val2017).
REDUCE_RANGE = True
# Modules whose convolutions stay float32. The stem (raw pixels), the FPN and the heads (the
# outputs the decoding arg-maxes): chosen on coco-train2017-mini single-crop AP. The first two
# inverted-residual blocks (stride 2, full resolution): chosen by the keypoint deviation from the
# float model on held-out non-val images (tools/int8_deviation.py): Lightning mean 5.68 -> 2.05 px,
# Thunder 3.04 -> 1.36, MultiPose 1.42 -> 0.81, for 0.7-0.9 ms more. README, Precision.
KEEP_FLOAT = (
    "network.backbone.stem", "network.backbone.blocks.0", "network.backbone.blocks.1",
    "network.fpn", "network.heads",
)
# Min-max ranges averaged over the calibration images instead of the extremes. Held-out deviation
# from the float model (tools/int8_deviation.py) favours it on medians and for MultiPose, plain
# min-max slightly on the Lightning / Thunder means; README, Precision.
CALIBRATION_MOVING_AVERAGE = True


def whole_image_input(model: str, image: np.ndarray, size: tuple[int, int] | None = None) -> np.ndarray:
    """The int32 model input a still-image detector builds for the whole `image` (default mode);
    MultiPose with a fixed `size` (H, W): the image resized and padded to that size instead."""
    spec = get_spec(model)
    if spec.multi_pose:
        if size is None:
            return resize_and_pad(image, DEFAULT_MAX_DIMENSION)[0]
        return fixed_size_input(image, size)
    return crop_and_resize(image, padded_square_region(*image.shape[:2]), spec.input_size[0])


def fixed_size_input(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """MultiPose: the image resized to fit (H, W) (`resize_and_pad` to the longer side) and padded with
    zeros at the bottom / right to exactly (H, W)."""
    model_input = resize_and_pad(image, max(size))[0]
    out = np.zeros((*size, 3), model_input.dtype)
    h, w = min(size[0], model_input.shape[0]), min(size[1], model_input.shape[1])
    out[:h, :w] = model_input[:h, :w]
    return out


def calibration_inputs(model: str, images: list[Path], size: tuple[int, int] | None = None) -> list[np.ndarray]:
    """The model inputs the detector would build for each photo, as batches of one."""
    return [whole_image_input(model, load_image(path), size)[None] for path in images[:MAX_CALIBRATION_IMAGES]]


def convs_in_scopes(path: Path, modules: tuple[str, ...]) -> list[str]:
    """Names of the Conv nodes exported from `modules` or their submodules (e.g. "network.heads")."""
    import ast

    import onnx

    names = []
    for node in onnx.load(str(path), load_external_data=False).graph.node:
        meta = {p.key: p.value for p in node.metadata_props}
        scopes = ast.literal_eval(meta.get("pkg.torch.onnx.name_scopes", "[]"))
        if node.op_type == "Conv" and any(s == m or s.startswith(m + ".") for s in scopes for m in modules):
            names.append(node.name)
    return names


def quantize(model: str, calibration: list[Path], out: Path | None = None,
             keep_float: tuple[str, ...] = KEEP_FLOAT, method: str = "minmax") -> Path:
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    from movenet.export.onnx import export

    spec = get_spec(model)
    inputs = calibration_inputs(model, calibration)
    if not inputs:
        raise ValueError("no calibration images")

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self._batches = iter({"input": x} for x in inputs)

        def get_next(self):
            return next(self._batches, None)

    target = Path(out) if out is not None else onnx_file(spec, "int8")
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = export(spec.name, Path(tmp) / "fp32.onnx", float16_weights=False)
        prepared = Path(tmp) / "prepared.onnx"
        excluded = convs_in_scopes(fp32, keep_float)
        quant_pre_process(str(fp32), str(prepared), skip_symbolic_shape=True)
        quantize_static(
            str(prepared), str(target), Reader(), quant_format=QuantFormat.QDQ,
            op_types_to_quantize=["Conv"], per_channel=True, nodes_to_exclude=excluded,
            reduce_range=REDUCE_RANGE,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method={"minmax": CalibrationMethod.MinMax, "entropy": CalibrationMethod.Entropy,
                              "percentile": CalibrationMethod.Percentile}[method],
            extra_options={"CalibMovingAverage": CALIBRATION_MOVING_AVERAGE},
        )
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="movenet quantize", description=__doc__.split("\n\n")[0])
    parser.add_argument("--calibration", nargs="+", required=True, help="image files or folders (not the accuracy set)")
    # MoveNet only: PoseNet is a float32 comparison baseline
    parser.add_argument("--model", action="append", choices=list_models("movenet"), help="default: all MoveNet models")
    parser.add_argument(
        "--format", choices=["onnx", "tflite"], default="onnx",
        help="onnx: <model>_int8.onnx for onnxruntime (torch extra); tflite: <model>_int8.tflite for "
        "LiteRT's XNNPACK, runtime xnnpack (tflite-export extra, in its own environment)",
    )
    args = parser.parse_args(argv)
    images = expand_inputs(args.calibration, recursive=True).files
    models = args.model or list_models("movenet")
    if args.format == "tflite":
        from movenet.export.tflite import TFLITE_MODELS
        from movenet.export.tflite import quantize_tflite as make

        models = args.model or list(TFLITE_MODELS)
    else:
        make = quantize
    for name in models:
        path = make(name, images)
        print(json.dumps({"model": name, "file": str(path), "bytes": path.stat().st_size,
                          "calibration_images": min(len(images), MAX_CALIBRATION_IMAGES)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
