"""`movenet eval --rotate`: the test image turned, the poses turned back (the ground truth with it)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from eval_helpers import STANDING
from PIL import Image

from movenet.errors import InvalidOptionError
from movenet.eval.protocols import crop_region
from movenet.eval.rotation import rotate_image, rotate_points, unrotate_points
from movenet.types import Pose


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_points_turn_with_the_pixels(degrees):
    h, w = 30, 50
    image = np.zeros((h, w), np.uint8)
    image[7, 41] = 255  # pixel (row 7, col 41): centre (41.5, 7.5) in continuous coordinates
    turned = rotate_image(image, degrees)
    row, col = np.argwhere(turned == 255)[0]
    np.testing.assert_allclose(rotate_points([[41.5, 7.5]], degrees, h, w), [[col + 0.5, row + 0.5]])
    back = unrotate_points(rotate_points([[41.5, 7.5]], degrees, h, w), degrees, h, w)
    np.testing.assert_allclose(back, [[41.5, 7.5]])


def test_unknown_rotation_is_refused():
    with pytest.raises(InvalidOptionError, match="0, 90, 180, 270"):
        rotate_image(np.zeros((2, 2)), 45)


class _KnowsTheAnswer:
    """Returns the ground truth as seen in the image it is given, turned by `seen` degrees."""

    def __init__(self, gt_xy, region, seen):
        self.gt_xy, self.region, self.seen = gt_xy, region, seen

    def reset(self):
        pass

    def estimate_poses(self, image):
        x0, y0, x1, y1 = self.region
        xy = rotate_points(self.gt_xy - [x0, y0], self.seen, y1 - y0, x1 - x0)
        return [Pose.from_array(np.c_[xy, np.ones(17)], 1.0, None)]


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_rotated_eval_scores_poses_in_the_turned_image(tmp_path, degrees):
    pytest.importorskip("pycocotools")
    from movenet.eval import evaluate

    xy = STANDING + [120.0, 40.0]
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (240, 320, 3), dtype=np.uint8)).save(tmp_path / "a.png")
    x0, y0 = xy.min(0)
    bbox = [float(x0), float(y0), *map(float, xy.max(0) - xy.min(0))]
    coco = {"images": [{"id": 1, "file_name": "a.png", "width": 320, "height": 240}],
            "annotations": [{"id": 5, "image_id": 1, "category_id": 1, "keypoints": np.c_[xy, np.full(17, 2)].ravel().tolist(),
                             "num_keypoints": 17, "bbox": bbox, "area": 6000.0, "iscrowd": 0}]}
    (tmp_path / "a.json").write_text(json.dumps(coco))
    region = crop_region(tuple(bbox), 320, 240)
    right = _KnowsTheAnswer(xy, region, degrees)  # finds the person where the turned image shows it
    wrong = _KnowsTheAnswer(xy, region, 0)  # answers as if the image were upright
    ap_right = evaluate(right, tmp_path / "a.json", tmp_path, rotate=degrees, progress=False, bootstrap=0)[0].metrics.AP
    ap_wrong = evaluate(wrong, tmp_path / "a.json", tmp_path, rotate=degrees, progress=False, bootstrap=0)[0].metrics.AP
    assert ap_right > 99.99 and ap_wrong < 50.0
