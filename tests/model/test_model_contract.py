"""Contract tests over the registry (in the manner of timm's tests/test_models.py)."""

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")
pytest.importorskip("safetensors", reason="needs the torch extra")

import torch

from movenet.model import MoveNet, PoseNet, build_network
from movenet.registry import get_spec, list_models


def _input_sizes(name):
    spec = get_spec(name)
    if spec.input_size is not None:
        return [spec.input_size]
    if spec.family == "posenet":  # any 16k + 1
        return [(257, 257), (161, 225), (33, 17), (353, 289)]
    return [(256, 256), (192, 256), (160, 96), (320, 224)]


@pytest.mark.parametrize("name", list_models())
def test_builds_with_declared_heads_and_strides(name):
    torch.manual_seed(0)
    spec = get_spec(name)
    model = build_network(name).eval()
    assert isinstance(model, PoseNet if spec.family == "posenet" else MoveNet)
    for h, w in _input_sizes(name):
        with torch.no_grad():
            heads = model(torch.rand(2, 3, h, w) * 255)
        assert set(heads) == {head.name for head in spec.heads}
        for head in spec.heads:
            assert heads[head.name].shape == (2, head.channels, *spec.output_size((h, w)))
            assert torch.isfinite(heads[head.name]).all()
    assert model.output_stride == spec.output_stride


@pytest.mark.parametrize("name", list_models("movenet"))  # PoseNet's trunk has no FPN levels
def test_backbone_feature_levels_as_declared(name):
    model = MoveNet(name).eval()
    h, w = _input_sizes(name)[0]
    with torch.no_grad():
        features = model.backbone(torch.zeros(1, 3, h, w))
    levels = model.backbone.feature_info
    assert [lvl.stride for lvl in levels] == [4, 8, 16, 32]
    assert len(features) == len(levels)
    for feature, level in zip(features, levels):
        assert feature.shape == (1, level.channels, h // level.stride, w // level.stride)


@pytest.mark.parametrize("name", list_models())
def test_every_parameter_receives_a_gradient(name):
    torch.manual_seed(0)
    model = build_network(name).train()
    h, w = _input_sizes(name)[-1]
    heads = model(torch.rand(1, 3, h, w) * 255)
    sum(v.float().pow(2).mean() for v in heads.values()).backward()
    for pname, param in model.named_parameters():
        assert param.grad is not None, f"{pname} got no gradient"
        assert torch.isfinite(param.grad).all(), f"{pname} has a non-finite gradient"
        assert param.grad.abs().sum() > 0, f"{pname} has an all-zero gradient"


def test_width_multipliers_give_the_official_channel_widths():
    # Read off the official graphs: Conv1 has 32 / 56 / 48 filters, Conv_1 1280 in all three.
    assert MoveNet("lightning").backbone.stem.conv.out_channels == 32
    assert MoveNet("thunder").backbone.stem.conv.out_channels == 56
    assert MoveNet("multipose").backbone.stem.conv.out_channels == 48
    assert [lvl.channels for lvl in MoveNet("thunder").backbone.feature_info] == [40, 56, 112, 1280]


def test_posenet_widths_and_strides_are_the_graphs():
    # Read off shared/models/tfjs/posenet.json: Conv2d_0 has 24 filters (32 x 0.75), the blocks
    # reach 384 at Conv2d_6 and stay there; strides 2 at Conv2d_0, 2, 4, 6 (total 16).
    model = PoseNet("posenet")
    assert model.backbone.stem.conv.out_channels == 24
    assert [b.pointwise.conv.out_channels for b in model.backbone.blocks][-8:] == [384] * 8
    assert [b.depthwise.conv.stride[0] for b in model.backbone.blocks].count(2) == 3
    assert model.output_stride == 16
