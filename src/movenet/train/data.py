"""Training samples from COCO keypoint files: checked once, then made on the fly as at inference.

SinglePose: one sample per non-crowd person with labelled keypoints, the crop the evaluation makes
(`eval.protocols.crop_region`: 1.25 x the longer box side, clipped to the image), shown to the model
padded to a square like the detector does. Everybody else in the crop keeps their targets, so the
model is not taught "one person only" (people without keypoints get a centre and a masked box, as
in CenterNet). For distillation (no labels needed) people without keypoints whose box is large
enough get a sample too, and a sample may carry the quarter turns that show its person upright (a
teacher label found through a turn). MultiPose: every image, whole, resized and padded as at
inference (square inputs, so that they batch). Bad input is counted, not fatal: images that do not
load (listed), persons without labelled keypoints (no sample of their own), labelled keypoints
outside the image (made unlabelled).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from movenet.codec.encode import PersonLabel, encode_targets
from movenet.errors import InvalidInputError, MovenetError
from movenet.eval.dataset import CocoKeypoints, load_coco_keypoints
from movenet.eval.protocols import crop_region
from movenet.io.image import load_image
from movenet.registry import ModelSpec
from movenet.skeleton import NUM_KEYPOINTS
from movenet.train import views
from movenet.train.augment import (
    AugmentConfig,
    draw_geometry,
    flip_keypoints,
    photometric,
    sample_rng,
)

MULTIPOSE_TRAIN_SIZE = 256  # MultiPose training inputs: the default max dimension, padded square
IMAGE_CACHE_BYTES = 2 << 30  # decoded images kept in memory (per process) up to this size


@dataclass(frozen=True)
class TrainPerson:
    keypoints: np.ndarray  # (17, 3): x, y in image pixels, labelled (0 / 1)
    bbox: tuple[float, float, float, float]  # x, y, w, h


@dataclass(frozen=True)
class TrainSample:
    image: Path
    region: tuple[int, int, int, int] | None  # crop (x0, y0, x1, y1); None: the whole image
    people: tuple[TrainPerson, ...]
    turn: int = 0  # counter-clockwise quarter turns of the model input that show the person upright


@dataclass
class DataReport:
    """What the checks found; `failures` names each image that could not be used."""

    images: int = 0
    samples: int = 0
    people: int = 0
    skipped_people: int = 0  # no labelled keypoints: no sample of their own
    keypoints_outside: int = 0  # labelled keypoints outside the image, made unlabelled
    failures: list[str] = field(default_factory=list)

    def add(self, other: DataReport) -> None:
        for name in ("images", "samples", "people", "skipped_people", "keypoints_outside"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failures += other.failures

    def to_dict(self) -> dict:
        return {**{k: getattr(self, k) for k in ("images", "samples", "people", "skipped_people",
                                                  "keypoints_outside")},
                "failed_images": len(self.failures), "failures": list(self.failures)}


def _person(annotation, width: int, height: int, report: DataReport) -> TrainPerson:
    kps = np.asarray(annotation.keypoints, np.float64).reshape(NUM_KEYPOINTS, 3).copy()
    labelled = kps[:, 2] > 0
    outside = labelled & ((kps[:, 0] < 0) | (kps[:, 0] > width) | (kps[:, 1] < 0) | (kps[:, 1] > height))
    report.keypoints_outside += int(outside.sum())
    kps[:, 2] = (labelled & ~outside).astype(np.float64)
    return TrainPerson(kps, annotation.bbox)


def build_samples(annotations: CocoKeypoints | str | Path, images_dir: str | Path, multi_pose: bool = False,
                  min_box_side: float | None = None, turns: dict[int, int] | None = None
                  ) -> tuple[list[TrainSample], DataReport]:
    """The samples of one COCO file; every image is decoded once here to check that it loads.

    `min_box_side`: people without labelled keypoints get a sample too when their box's longer side
    is at least this many pixels (distillation). `turns`: annotation id -> quarter turns that show
    that person upright (`distill.teacher_turns`)."""
    dataset = annotations if isinstance(annotations, CocoKeypoints) else load_coco_keypoints(annotations)
    images_dir = Path(images_dir)
    if not images_dir.is_dir():
        raise InvalidInputError(f"images folder not found: {images_dir}")
    report = DataReport()
    samples: list[TrainSample] = []
    for image in dataset.images.values():
        path = images_dir / image.file_name
        try:
            rgb = load_image(path)
            if rgb.shape[:2] != (image.height, image.width):
                raise InvalidInputError(f"{path}: image is {rgb.shape[1]}x{rgb.shape[0]}, the annotations "
                                        f"say {image.width}x{image.height}")
        except MovenetError as exc:
            report.failures.append(str(exc))
            continue
        report.images += 1
        found = [a for a in dataset.annotations_of(image.id) if not a.iscrowd]
        people = tuple(_person(a, image.width, image.height, report) for a in found)
        if multi_pose:
            samples.append(TrainSample(path, None, people))
            report.people += sum(1 for p in people if p.keypoints[:, 2].any())
            continue
        for annotation, person in zip(found, people):
            if not person.keypoints[:, 2].any() and (min_box_side is None or max(person.bbox[2:]) < min_box_side):
                report.skipped_people += 1
                continue
            report.people += 1
            turn = (turns or {}).get(annotation.id, 0)
            samples.append(TrainSample(path, crop_region(person.bbox, image.width, image.height), people, turn))
    report.samples = len(samples)
    return samples, report


def _labels(people, matrix: np.ndarray, flip: bool) -> list[PersonLabel]:
    """People in output-grid pixels after `matrix` (source -> grid)."""
    out = []
    for person in people:
        xy = views.apply(matrix, person.keypoints[:, :2])
        kps = np.stack([xy[:, 1], xy[:, 0], person.keypoints[:, 2]], axis=1)
        if flip:
            kps = flip_keypoints(kps)
        x, y, w, h = person.bbox
        corners = views.apply(matrix, np.array([[x, y], [x + w, y], [x, y + h], [x + w, y + h]]))
        labelled = kps[kps[:, 2] > 0, :2]  # the box also covers every labelled keypoint
        ys = np.concatenate([corners[:, 1], labelled[:, 0]])
        xs = np.concatenate([corners[:, 0], labelled[:, 1]])
        out.append(PersonLabel(kps.astype(np.float32), (ys.min(), xs.min(), ys.max(), xs.max())))
    return out


def _turned(label: PersonLabel, turns: int, side: float) -> PersonLabel:
    """A person in grid pixels after the model input is turned counter-clockwise `turns` times
    (`np.rot90`): (y, x) -> (side - x, y) per turn, as `codec.rotate` turns the heads."""
    kps = label.keypoints.copy()
    y_min, x_min, y_max, x_max = label.box
    for _ in range(turns % 4):
        kps[:, 0], kps[:, 1] = side - kps[:, 1], kps[:, 0].copy()
        y_min, x_min, y_max, x_max = side - x_max, y_min, side - x_min, y_max
    return PersonLabel(kps, (y_min, x_min, y_max, x_max))


class PoseDataset(torch.utils.data.Dataset):
    """Samples -> {"image": float (3, S, S) RGB 0..255, targets of `encode_targets`}."""

    def __init__(self, samples: list[TrainSample], spec: ModelSpec, augment: AugmentConfig, seed: int = 0,
                 targets: bool = True) -> None:
        self.samples = samples
        self.targets = targets  # False: the image alone (distillation needs no targets)
        self.spec = spec
        self.augment = augment
        self.seed = seed
        self.epoch = 0
        self.size = spec.input_size[0] if spec.input_size else MULTIPOSE_TRAIN_SIZE
        self._cache: dict[Path, np.ndarray] = {}
        self._cached_bytes = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return len(self.samples)

    def _image(self, path: Path) -> np.ndarray:
        if path in self._cache:
            return self._cache[path]
        rgb = load_image(path)
        if self._cached_bytes + rgb.nbytes <= IMAGE_CACHE_BYTES:
            self._cache[path] = rgb
            self._cached_bytes += rgb.nbytes
        return rgb

    def render(self, index: int) -> tuple[np.ndarray, list[PersonLabel]]:
        """The augmented model input (S, S, 3) uint8 and the people in output-grid pixels."""
        sample = self.samples[index]
        rgb = self._image(sample.image)
        people = sample.people
        if sample.region is not None:
            x0, y0, x1, y1 = sample.region
            rgb = rgb[y0:y1, x0:x1]
            people = [TrainPerson(p.keypoints - np.array([x0, y0, 0.0]), (p.bbox[0] - x0, p.bbox[1] - y0, *p.bbox[2:]))
                      for p in people]
            pixels, grid = views.single_pose_maps(rgb.shape[0], rgb.shape[1], self.size)
        else:
            pixels, grid = views.multi_pose_maps(rgb.shape[0], rgb.shape[1], self.size)
        rng = sample_rng(self.seed, self.epoch, index)
        h, w = rgb.shape[:2]
        geometry = draw_geometry(rng, self.augment, (w / 2, h / 2), max(h, w))
        model_input = views.warp(np.ascontiguousarray(rgb), pixels, geometry.matrix, (self.size, self.size))
        model_input = photometric(model_input, rng, self.augment)
        labels = _labels(people, grid @ geometry.matrix, geometry.flip)
        if sample.turn:
            model_input = np.ascontiguousarray(np.rot90(model_input, sample.turn))
            labels = [_turned(label, sample.turn, self.size / 4) for label in labels]
        return model_input, labels

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        model_input, labels = self.render(index)
        out_size = (self.size // 4, self.size // 4)
        item = {}
        if self.targets:
            targets = encode_targets(labels, out_size, multi_pose=self.spec.multi_pose)
            item = {k: torch.as_tensor(v) for k, v in targets.items()}
        item["image"] = torch.from_numpy(model_input).permute(2, 0, 1).float()
        return item
