"""Read and check a COCO person-keypoints annotation file (`person_keypoints_*.json` layout).

Only what the evaluation needs is kept, in frozen records; a file that lacks a required field
fails here with the field and the entry named, not later inside pycocotools.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from movenet.errors import InvalidInputError
from movenet.skeleton import NUM_KEYPOINTS

PERSON_CATEGORY_ID = 1  # COCO's "person"

IMAGE_FIELDS = ("id", "file_name", "width", "height")
ANNOTATION_FIELDS = ("id", "image_id", "category_id", "keypoints", "num_keypoints", "bbox", "area")


@dataclass(frozen=True)
class ImageRecord:
    id: int
    file_name: str
    width: int
    height: int


@dataclass(frozen=True)
class PersonAnnotation:
    id: int
    image_id: int
    keypoints: tuple[float, ...]  # 17 x (x, y, v), COCO order
    num_keypoints: int  # keypoints with v > 0
    bbox: tuple[float, float, float, float]  # x, y, w, h in pixels
    area: float  # segmentation area: the OKS scale s^2
    iscrowd: bool

    def to_coco(self, image_id: int | None = None) -> dict:
        """The annotation as a COCO dict, optionally moved to another (pseudo) image id."""
        return {
            "id": self.id, "image_id": self.image_id if image_id is None else image_id,
            "category_id": PERSON_CATEGORY_ID, "keypoints": list(self.keypoints),
            "num_keypoints": self.num_keypoints, "bbox": list(self.bbox), "area": self.area,
            "iscrowd": int(self.iscrowd),
        }


@dataclass(frozen=True)
class CocoKeypoints:
    """The person annotations of a COCO file: `images` by id, `annotations` in file order."""

    path: Path
    images: dict[int, ImageRecord]
    annotations: tuple[PersonAnnotation, ...]

    def annotations_of(self, image_id: int) -> list[PersonAnnotation]:
        return [a for a in self.annotations if a.image_id == image_id]

    @property
    def people(self) -> list[PersonAnnotation]:
        """Non-crowd annotations with at least one labelled keypoint (what OKS AP scores)."""
        return [a for a in self.annotations if not a.iscrowd and a.num_keypoints > 0]


def _require(entry: dict, fields: tuple[str, ...], what: str, path: Path) -> None:
    if not isinstance(entry, dict):
        raise InvalidInputError(f"{path}: each entry of {what} must be an object, got {type(entry).__name__}")
    missing = [f for f in fields if f not in entry]
    if missing:
        ident = f" id {entry['id']}" if "id" in entry else ""
        raise InvalidInputError(f"{path}: {what}{ident} lacks required field(s) {', '.join(missing)}")


def _annotation(entry: dict, path: Path) -> PersonAnnotation:
    keypoints = entry["keypoints"]
    if not isinstance(keypoints, list) or len(keypoints) != 3 * NUM_KEYPOINTS:
        raise InvalidInputError(
            f"{path}: annotation id {entry['id']}: 'keypoints' must be a list of {3 * NUM_KEYPOINTS} "
            f"numbers (17 x (x, y, v)), got {len(keypoints) if isinstance(keypoints, list) else type(keypoints).__name__}"
        )
    bbox = entry["bbox"]
    if not isinstance(bbox, list) or len(bbox) != 4:
        raise InvalidInputError(f"{path}: annotation id {entry['id']}: 'bbox' must be [x, y, w, h], got {bbox!r}")
    return PersonAnnotation(
        int(entry["id"]), int(entry["image_id"]), tuple(float(v) for v in keypoints),
        int(entry["num_keypoints"]), tuple(float(v) for v in bbox), float(entry["area"]),
        bool(entry.get("iscrowd", 0)),
    )


def load_coco_keypoints(path: str | Path) -> CocoKeypoints:
    """Read a COCO keypoint annotation file; InvalidInputError says what is missing or wrong."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInputError(f"annotation file not found: {path}")
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path}: not a JSON file ({exc})") from exc
    if not isinstance(data, dict) or "images" not in data or "annotations" not in data:
        raise InvalidInputError(
            f"{path}: not a COCO annotation file (expected an object with 'images' and 'annotations')"
        )
    images: dict[int, ImageRecord] = {}
    for entry in data["images"]:
        _require(entry, IMAGE_FIELDS, "images", path)
        images[int(entry["id"])] = ImageRecord(
            int(entry["id"]), str(entry["file_name"]), int(entry["width"]), int(entry["height"])
        )
    annotations = []
    for entry in data["annotations"]:
        _require(entry, ANNOTATION_FIELDS, "annotations", path)
        if entry["category_id"] != PERSON_CATEGORY_ID:
            continue
        annotation = _annotation(entry, path)
        if annotation.image_id not in images:
            raise InvalidInputError(
                f"{path}: annotation id {annotation.id} refers to image id {annotation.image_id}, "
                "which is not in 'images'"
            )
        annotations.append(annotation)
    if not images:
        raise InvalidInputError(f"{path}: the annotation set is empty (no images)")
    return CocoKeypoints(path, images, tuple(annotations))
