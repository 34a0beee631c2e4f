"""Reading COCO keypoint files: the fixture, and clear errors for broken files."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES
from eval_helpers import write_coco

from movenet.errors import InvalidInputError
from movenet.eval.dataset import load_coco_keypoints

MINI = FIXTURES / "coco_mini" / "annotations.json"


def test_reads_the_fixture():
    data = load_coco_keypoints(MINI)
    assert sorted(data.images) == [785, 117425, 205401, 434204]
    assert len(data.annotations) == 10
    assert len(data.people) == 6  # 1 + 3 + 0 + 2 with labelled keypoints
    first = data.annotations_of(785)[0]
    assert len(first.keypoints) == 51 and first.num_keypoints == sum(v > 0 for v in first.keypoints[2::3])


def _base() -> dict:
    return json.loads(MINI.read_text())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("annotations"), "not a COCO annotation file"),
        (lambda d: d["images"][0].pop("width"), "images id 785 lacks required field.s. width"),
        (lambda d: d["annotations"][0].pop("keypoints"), "annotations id .* lacks required field.s. keypoints"),
        (lambda d: d["annotations"][0].update(keypoints=[1, 2, 3]), "'keypoints' must be a list of 51 numbers"),
        (lambda d: d["annotations"][0].update(image_id=999), "refers to image id 999, which is not in 'images'"),
        (lambda d: d.update(images=[], annotations=[]), "the annotation set is empty"),
    ],
)
def test_broken_files_are_named(tmp_path, change, message):
    data = _base()
    change(data)
    with pytest.raises(InvalidInputError, match=message):
        load_coco_keypoints(write_coco(tmp_path / "a.json", data))


def test_missing_and_non_json(tmp_path):
    with pytest.raises(InvalidInputError, match="annotation file not found"):
        load_coco_keypoints(tmp_path / "nope.json")
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(InvalidInputError, match="not a JSON file"):
        load_coco_keypoints(tmp_path / "x.json")
