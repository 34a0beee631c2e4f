import pytest

import movenet
from movenet.errors import UnknownModelError
from movenet.registry import get_spec, list_models


def test_list_models_names_the_three_variants():
    assert list_models() == ["lightning", "thunder", "multipose"]
    assert movenet.list_models() == list_models()


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
