"""Clean-up of a converted int8 `.tflite` graph: TF "SAME" padding back into the convolutions.

The network pads explicitly before each stride-2 convolution (TF "SAME" on an even size pads 0
before and 1 after, which PyTorch's symmetric padding cannot express; `movenet.model.layers`).
In a float model the converter folds that PAD into the convolution; in the quantised one the
quantise / dequantise pairs around the PAD keep it apart, and it is left in NCHW between two
TRANSPOSEs (three int8 copies of a full-resolution tensor per strided layer). A CONV_2D /
DEPTHWISE_CONV_2D with padding SAME computes exactly that (stride 2, 3x3 kernel, even input:
pad 0 before, 1 after, with the input's zero point, i.e. 0.0), so each
TRANSPOSE(to NCHW) -> PAD(0 / 1 after on H, W) -> TRANSPOSE(to NHWC) -> conv(VALID) chain becomes the
conv alone with padding SAME. Uses the flatbuffer schema shipped with ai-edge-litert.
"""

from __future__ import annotations

import numpy as np

TO_NCHW = (0, 3, 1, 2)
TO_NHWC = (0, 2, 3, 1)
SAME_PAD_NCHW = ((0, 0), (0, 0), (0, 1), (0, 1))


def _constant(model, subgraph, index: int) -> np.ndarray | None:
    tensor = subgraph.tensors[index]
    data = model.buffers[tensor.buffer].data
    if data is None or len(data) == 0:
        return None
    dtype = {2: np.int32, 4: np.int64}.get(tensor.type)
    if dtype is None:
        return None
    return np.frombuffer(bytes(bytearray(data)), dtype=dtype).reshape(tensor.shape)


def fold_same_padding(tflite: bytes) -> tuple[bytes, int]:
    """The model with every foldable TRANSPOSE-PAD-TRANSPOSE-conv chain folded; and their count."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromObj(schema.Model.GetRootAs(tflite, 0))
    codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in model.operatorCodes]
    op = schema.BuiltinOperator
    folded = 0
    for subgraph in model.subgraphs:
        ops = subgraph.operators
        producer = {out: i for i, o in enumerate(ops) for out in o.outputs}
        consumers: dict[int, list[int]] = {}
        for i, o in enumerate(ops):
            for t in o.inputs:
                consumers.setdefault(t, []).append(i)
        drop = set()
        for i, conv in enumerate(ops):
            if codes[conv.opcodeIndex] not in (op.CONV_2D, op.DEPTHWISE_CONV_2D):
                continue
            if conv.builtinOptions.padding != schema.Padding.VALID or conv.builtinOptions.strideH != 2:
                continue
            chain = []
            tensor = conv.inputs[0]
            for code, check in ((op.TRANSPOSE, TO_NHWC), (op.PAD, SAME_PAD_NCHW), (op.TRANSPOSE, TO_NCHW)):
                j = producer.get(tensor)
                if j is None or codes[ops[j].opcodeIndex] != code or len(consumers.get(tensor, [])) != 1:
                    break
                constant = _constant(model, subgraph, ops[j].inputs[1])
                if constant is None or tuple(map(tuple, np.atleast_2d(constant))) != tuple(map(tuple, np.atleast_2d(check))):
                    break
                chain.append(j)
                tensor = ops[j].inputs[0]
            else:
                conv.inputs = [tensor, *list(conv.inputs)[1:]]
                conv.builtinOptions.padding = schema.Padding.SAME
                drop.update(chain)
                folded += 1
        subgraph.operators = [o for i, o in enumerate(ops) if i not in drop]
    builder = flatbuffers.Builder(len(tflite) + 1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output()), folded
