"""Which test images an evaluation protocol makes from a COCO annotation set, and what they are
scored against.

- `single-crop` (the protocol of Google's MoveNet model card: "each image is filtered and cropped to contain only one
  person"): every non-crowd person with at least `min_keypoints` labelled keypoints becomes one test
  image, the crop `crop_region` gives around that person's box; the model's best pose is scored
  against that person only.
- `single-image`: the whole images in which exactly one person has labelled keypoints; the best
  pose is scored against that image's annotations (unlabelled people are ignored by OKS AP).
- `multi`: every image, whole, all poses, all annotations (images without people included: false
  positives there count).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from movenet.errors import InvalidOptionError
from movenet.eval.dataset import CocoKeypoints, ImageRecord, PersonAnnotation

PROTOCOLS = ("single-crop", "single-image", "multi")

# single-crop: the person's COCO box, centred, its longer side times CROP_MARGIN, made square, then
# clipped to the image. 1.25 is the box padding of the common top-down COCO pipelines (HRNet,
# mmpose's `padding=1.25`) and about the margin MoveNet's own video crop keeps around the body
# (1.2 x the body range, BRIEF 2). Tighter crops show fewer neighbours and score higher (docs/results/accuracy.md).
CROP_MARGIN = 1.25
DEFAULT_MIN_KEYPOINTS = 1


@dataclass(frozen=True)
class Sample:
    """One test image: a whole image or a crop of it, with the annotations it is scored against."""

    id: int  # the image id the scoring uses (single-crop: the person's annotation id)
    image: ImageRecord
    region: tuple[int, int, int, int] | None  # crop (x0, y0, x1, y1) in image pixels; None: whole
    ground_truth: tuple[PersonAnnotation, ...]
    target: PersonAnnotation | None  # single-person protocols: the person the pose must match
    max_poses: int | None  # 1: only the best pose is scored; None: all


def crop_region(bbox: tuple[float, float, float, float], width: int, height: int,
                margin: float = CROP_MARGIN) -> tuple[int, int, int, int]:
    """Square crop of side margin * max(w, h) centred on the box, clipped to the image, whole pixels
    (outward). Returns (x0, y0, x1, y1), x1 and y1 exclusive."""
    x, y, w, h = bbox
    half = margin * max(w, h, 1.0) / 2.0
    cx, cy = x + w / 2.0, y + h / 2.0
    x0, y0 = max(0, math.floor(cx - half)), max(0, math.floor(cy - half))
    x1, y1 = min(width, math.ceil(cx + half)), min(height, math.ceil(cy + half))
    return x0, y0, x1, y1


def select_samples(dataset: CocoKeypoints, protocol: str, min_keypoints: int = DEFAULT_MIN_KEYPOINTS,
                   crop_margin: float = CROP_MARGIN) -> list[Sample]:
    """The test images of `protocol`, in annotation-file order."""
    if protocol not in PROTOCOLS:
        raise InvalidOptionError(f"unknown protocol {protocol!r}; choose one of {', '.join(PROTOCOLS)}")
    if not isinstance(min_keypoints, int) or not 1 <= min_keypoints <= 17:
        raise InvalidOptionError(f"min_keypoints must be an integer in 1..17, got {min_keypoints!r}")
    if not isinstance(crop_margin, (int, float)) or not crop_margin >= 1.0:
        raise InvalidOptionError(f"crop_margin must be a number >= 1 (1 = the box itself), got {crop_margin!r}")
    if protocol == "single-crop":
        return [
            Sample(person.id, dataset.images[person.image_id],
                   crop_region(person.bbox, dataset.images[person.image_id].width,
                               dataset.images[person.image_id].height, crop_margin),
                   (person,), person, 1)
            for person in dataset.people if person.num_keypoints >= min_keypoints
        ]
    samples = []
    for image in dataset.images.values():
        annotations = tuple(dataset.annotations_of(image.id))
        if protocol == "multi":
            samples.append(Sample(image.id, image, None, annotations, None, None))
            continue
        labelled = [a for a in annotations if not a.iscrowd and a.num_keypoints > 0]
        if len(labelled) == 1 and labelled[0].num_keypoints >= min_keypoints:
            samples.append(Sample(image.id, image, None, annotations, labelled[0], 1))
    return samples
