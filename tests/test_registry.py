import pytest

import movenet
from movenet.errors import UnknownModelError
from movenet.registry import get_spec, list_models


def test_list_models_names_the_variants_by_family():
    assert list_models() == ["lightning", "thunder", "multipose", "posenet"]
    assert movenet.list_models() == list_models()
    assert list_models("movenet") == ["lightning", "thunder", "multipose"]
    assert list_models("posenet") == ["posenet"]
    assert {get_spec(n).family for n in list_models()} == {"movenet", "posenet"}
    with pytest.raises(UnknownModelError, match="unknown model family 'yolo'; valid families: movenet, posenet"):
        list_models("yolo")


def test_posenet_spec_matches_its_graph_and_client():
    spec = get_spec("posenet")
    assert spec.input_size is None and spec.default_input_size == (257, 257)
    assert spec.output_stride == 16 and spec.input_dtype == "float32"
    assert spec.head_channels == {"heatmap": 17, "offset": 34, "displacement_fwd": 32, "displacement_bwd": 32}
    assert spec.output_size((257, 257)) == (17, 17) and spec.output_size((385, 161)) == (25, 11)
    assert spec.accepts_size(257, 385) and spec.accepts_size(17, 17)
    assert not spec.accepts_size(256, 256) and not spec.accepts_size(1, 17)
    assert get_spec("multipose").accepts_size(256, 192) and not get_spec("multipose").accepts_size(257, 257)


def test_specs_match_the_official_models():
    assert get_spec("lightning").input_size == (192, 192)
    assert get_spec("thunder").input_size == (256, 256)
    assert get_spec("multipose").input_size is None
    assert get_spec("multipose").max_poses == 6
    assert get_spec("Thunder").name == "thunder"  # case-insensitive


@pytest.mark.parametrize("bad", ["lightening", "", "movenet"])
def test_unknown_model_lists_valid_names(bad):
    with pytest.raises(UnknownModelError) as info:
        get_spec(bad)
    message = str(info.value)
    assert repr(bad) in message
    for name in list_models():
        assert name in message
    assert isinstance(info.value, KeyError)


def test_non_string_model_name():
    with pytest.raises(UnknownModelError, match="must be a string"):
        get_spec(3)
