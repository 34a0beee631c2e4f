"""Export network + official decoding to ONNX, with the weights stored as float16.

    movenet export-onnx                 # regenerate the ONNX files shipped in the package
    movenet export-onnx --out DIR --model lightning

Input `input`: int32 (B, H, W, 3) RGB 0..255 (the official contract; B dynamic, and for MultiPose H
and W any multiples of 32). Output `output`: the official layout, (B, 1, 17, 3) or (B, 6, 56).
The official weights are float16 values, so the initializers are stored as float16 (lossless) and
cast to float32 in the graph; onnxruntime folds the casts when it loads the model. Needs torch,
onnx and onnxscript (the `torch` extra).

PoseNet: input float32 (B, H, W, 3), H and W any 16k + 1; output (B, h, w, 115), the four heads
(`movenet.codec.posenet.heads`); its official weights are float32 and stay float32.
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

import numpy as np

from movenet.registry import INPUT_MULTIPLE, get_spec, list_models

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "weights"
OPSET = 18
MIN_FP16_ELEMENTS = 16  # small constants (shapes, scalars) stay as they are


def onnx_path(model: str, directory: Path = PACKAGE_DIR) -> Path:
    return directory / f"{get_spec(model).name}.onnx"


def export(model: str, path: str | Path, float16_weights: bool = True, weights: str | Path | None = None) -> Path:
    """`weights`: another movenet weight file (e.g. a `movenet train` checkpoint) instead of the
    shipped one; weights not exactly representable in float16 stay float32."""
    import onnx
    import torch

    from movenet.runtime.torch_runtime import TorchRuntime

    spec = get_spec(model)
    module = TorchRuntime(spec, weights=weights, lean=spec.family == "movenet").module.eval()
    # Example sizes: batch 2 (size-1 dims would be specialised); MultiPose H != W so that the
    # exporter cannot tie the two dimensions together.
    batch = torch.export.Dim("batch", min=1, max=64)
    dims = {0: batch}
    if spec.family == "posenet":  # H, W = 16k + 1
        h, w = 257, 193
        stride = spec.output_stride
        dims[1] = stride * torch.export.Dim("h16", min=1, max=128) + 1
        dims[2] = stride * torch.export.Dim("w16", min=1, max=128) + 1
        float16_weights = False  # the official PoseNet weights are float32
    else:
        h, w = spec.input_size or (256, 192)
        if spec.input_size is None:
            dims[1] = INPUT_MULTIPLE * torch.export.Dim("h32", min=1, max=128)
            dims[2] = INPUT_MULTIPLE * torch.export.Dim("w32", min=1, max=128)
    example = torch.zeros((2, h, w, 3), dtype=getattr(torch, spec.input_dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            module, (example,), dynamo=True, dynamic_shapes={"images_nhwc": dims},
            input_names=["input"], output_names=["output"], opset_version=OPSET, verbose=False,
        )
    proto = _store_weights_as_float16(program.model_proto) if float16_weights else program.model_proto
    proto.doc_string = f"movenet {spec.name}: {spec.description} ({spec.source})"
    onnx.checker.check_model(proto)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save_model(proto, str(path))
    return path


def _store_weights_as_float16(proto):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = proto.graph
    casts, kept = [], []
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT and int(np.prod(init.dims)) >= MIN_FP16_ELEMENTS:
            array = numpy_helper.to_array(init)
            half = array.astype(np.float16)
            if not np.array_equal(half.astype(np.float32), array):
                kept.append(init)  # not exactly representable: keep float32
                continue
            stored = numpy_helper.from_array(half, init.name + "_fp16")
            kept.append(stored)
            casts.append(helper.make_node("Cast", [stored.name], [init.name], to=TensorProto.FLOAT))
        else:
            kept.append(init)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    return onnx.shape_inference.infer_shapes(proto)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="movenet export-onnx", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(PACKAGE_DIR), help="output folder (default: the package's)")
    parser.add_argument("--model", action="append", choices=list_models(), help="default: all")
    args = parser.parse_args(argv)
    for name in args.model or list_models():
        path = export(name, onnx_path(name, Path(args.out)))
        print(json.dumps({"model": name, "file": str(path), "bytes": path.stat().st_size}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
