"""Make tests/fixtures/tflite/strided_int8_unfolded.tflite: a tiny int8 network (1x1 conv + ReLU6,
then a stride-2 depthwise 3x3 with TF "SAME" padding, as in MobileNetV2) converted by
litert-torch WITHOUT the padding fold, for the test of movenet.export.tflite_graph. Random
weights (seed 0), calibrated on random images. Needs the tflite-export extra.

    python tools/make_fold_fixture.py
"""

from pathlib import Path

import litert_torch
import torch
from litert_torch.quantize.quant_config import QuantConfig
from torch import nn
from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

from movenet.export.tflite import make_quantizer
from movenet.model.layers import ConvAct

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "tflite" / "strided_int8_unfolded.tflite"


class Tiny(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.network = nn.Sequential(ConvAct(3, 8, 1, act="relu6"), ConvAct(8, 8, 3, stride=2, groups=8, act="relu6"))

    def forward(self, images_nhwc: torch.Tensor) -> torch.Tensor:
        return self.network(images_nhwc.permute(0, 3, 1, 2).float() / 255.0)


def main() -> None:
    torch.manual_seed(0)
    module = Tiny().eval()
    example = (torch.zeros((1, 16, 16, 3), dtype=torch.int32),)
    quantizer = make_quantizer(())
    prepared = prepare_pt2e(torch.export.export(module, example).module(), quantizer)
    with torch.no_grad():
        for _ in range(8):
            prepared(torch.randint(0, 256, (1, 16, 16, 3), dtype=torch.int32))
    converted = convert_pt2e(prepared, fold_quantize=False)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    litert_torch.convert(converted, example, quant_config=QuantConfig(pt2e_quantizer=quantizer)).export(str(OUT))
    print(OUT, OUT.stat().st_size)


if __name__ == "__main__":
    main()
