"""Pseudo labels from a teacher (`--teacher thunder --unlabelled DIR_OR_VIDEO...`).

The official Thunder labels photos and video frames nobody annotated: optionally on the frame
turned by 0/90/180/270 degrees, keeping the turn whose pose scores best (test-time rotation, for
people lying down), and with the refinement pass. Its confident keypoints become labels of a COCO
keypoint file written into the run folder, with the frames as PNG beside it; training then reads
it like any labelled set (rotated and augmented). One person per frame: the teacher's best pose.
Frames that are images of the validation set (same bytes) are never used.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from movenet.errors import InvalidInputError, MovenetError
from movenet.eval.rotation import ROTATIONS, rotate_image, unrotate_points
from movenet.io.image import load_image
from movenet.io.sources import IMAGE_SUFFIXES, expand_inputs

VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mov", ".mkv", ".webm"})
MIN_POSE_SCORE = 0.3  # frames whose teacher pose scores lower are not used
KEYPOINT_SCORE = 0.3  # teacher keypoints at or above become labels (the docs' display threshold)
MIN_LABELLED = 5  # frames with fewer labelled keypoints are not used
BOX_MARGIN = 0.1  # box = keypoint extent + this fraction of it on each side (COCO boxes reach the head top, feet)
LABELS_FILE = "annotations.json"


@dataclass(frozen=True)
class DistillConfig:
    teacher: str = "thunder"
    rotations: tuple[int, ...] = (0,)  # test-time rotation: (0, 90, 180, 270)
    refine: bool = True
    frame_step: int = 10  # every Nth video frame
    threads: int | None = None


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _frames(source: str, frame_step: int):
    """(name, RGB frame or image path) of an image, a folder of images or a video."""
    from movenet.io.video import VideoSource

    path = Path(source)
    if path.is_file() and path.suffix.lower() in VIDEO_SUFFIXES:
        with VideoSource(path) as video:
            for frame in video:
                if frame.index % frame_step == 0:
                    yield f"{path.stem}_{frame.index:05d}", frame.image
        return
    expanded = expand_inputs([source], recursive=True)
    if expanded.errors and not expanded.files:
        raise InvalidInputError(expanded.errors[0])
    for file in expanded.files:
        if file.suffix.lower() not in IMAGE_SUFFIXES:
            raise InvalidInputError(f"{file}: neither an image ({', '.join(sorted(IMAGE_SUFFIXES))}) nor a "
                                    f"video ({', '.join(sorted(VIDEO_SUFFIXES))})")
        yield file.stem, file


def teacher_pose(detector, rgb: np.ndarray, rotations: tuple[int, ...]) -> tuple[np.ndarray, float, int]:
    """The best-scoring pose over the turns: ((17, 3) x, y, score in `rgb` pixels, score, turn)."""
    best = (np.zeros((17, 3)), -1.0, 0)
    h, w = rgb.shape[:2]
    for degrees in rotations:
        detector.reset()
        poses = detector.estimate_poses(rotate_image(rgb, degrees))
        if poses and poses[0].score > best[1]:
            xy = poses[0].to_array().astype(np.float64)
            xy[:, :2] = unrotate_points(xy[:, :2], degrees, h, w)
            best = (xy, poses[0].score, degrees)
    return best


def _annotation(ann_id: int, image_id: int, xy_score: np.ndarray, width: int, height: int) -> dict | None:
    labelled = xy_score[:, 2] >= KEYPOINT_SCORE
    if labelled.sum() < MIN_LABELLED:
        return None
    xy = xy_score[labelled, :2]
    (x0, y0), (x1, y1) = xy.min(0), xy.max(0)
    mx, my = BOX_MARGIN * (x1 - x0), BOX_MARGIN * (y1 - y0)
    x0, y0 = max(0.0, x0 - mx), max(0.0, y0 - my)
    x1, y1 = min(float(width), x1 + mx), min(float(height), y1 + my)
    keypoints = np.c_[xy_score[:, :2] * labelled[:, None], 2 * labelled].ravel()
    return {"id": ann_id, "image_id": image_id, "category_id": 1, "iscrowd": 0,
            "keypoints": [round(float(v), 2) for v in keypoints], "num_keypoints": int(labelled.sum()),
            "bbox": [float(x0), float(y0), float(x1 - x0), float(y1 - y0)], "area": float((x1 - x0) * (y1 - y0)),
            "teacher_scores": [round(float(s), 3) for s in xy_score[:, 2]]}


def teacher_turns(labels: str | Path) -> dict[int, int]:
    """Annotation id -> quarter turns that showed the teacher its person upright (the
    `teacher_rotation` this module writes; other COCO files have none: empty)."""
    try:
        annotations = json.loads(Path(labels).read_text()).get("annotations", [])
    except (OSError, ValueError):
        return {}
    return {int(a["id"]): int(a["teacher_rotation"]) // 90 % 4 for a in annotations
            if isinstance(a, dict) and a.get("teacher_rotation") in ROTATIONS and "id" in a}


def pseudo_label(sources: list[str], out_dir: Path, config: DistillConfig, exclude: frozenset[str] = frozenset(),
                 progress: bool | None = None) -> tuple[Path, Path, dict]:
    """Label `sources` with the teacher into `out_dir` (reused when it holds the same job).
    Returns (annotation file, images folder, report)."""
    from tqdm import tqdm

    import movenet

    if any(r not in ROTATIONS for r in config.rotations):
        raise InvalidInputError(f"teacher rotations must be among {ROTATIONS}, got {config.rotations}")
    out_dir = Path(out_dir)
    labels = out_dir / LABELS_FILE
    job = json.loads(json.dumps({"sources": [str(s) for s in sources], **asdict(config), "threads": None}))
    if labels.is_file():
        previous = json.loads(labels.read_text())
        if previous.get("job") == job:
            return labels, out_dir, previous["report"]
    (out_dir / "images").mkdir(parents=True, exist_ok=True)
    detector = movenet.create_detector(config.teacher, refine=config.refine, min_pose_score=0.0,
                                       threads=config.threads)
    images, annotations, failures = [], [], []
    report = {"frames": 0, "labelled": 0, "low_score": 0, "excluded_validation_images": 0, "rotated": 0}
    bar = tqdm(unit="frame", desc="teacher", file=sys.stderr, disable=None if progress is None else not progress)
    for source in sources:
        try:
            for name, item in _frames(source, config.frame_step):
                if isinstance(item, Path):
                    if file_digest(item) in exclude:
                        report["excluded_validation_images"] += 1
                        continue
                    try:
                        item = load_image(item)
                    except MovenetError as exc:
                        failures.append(str(exc))
                        continue
                report["frames"] += 1
                bar.update(1)
                xy_score, score, turn = teacher_pose(detector, item, config.rotations)
                h, w = item.shape[:2]
                image_id = len(images) + 1
                entry = _annotation(image_id, image_id, xy_score, w, h) if score >= MIN_POSE_SCORE else None
                if entry is None:
                    report["low_score"] += 1
                    continue
                file_name = f"images/{image_id:06d}_{name}.png"
                Image.fromarray(item).save(out_dir / file_name)
                images.append({"id": image_id, "file_name": file_name, "width": w, "height": h})
                annotations.append({**entry, "teacher_score": round(score, 4), "teacher_rotation": turn})
                report["labelled"] += 1
                report["rotated"] += int(turn != 0)
        except MovenetError as exc:
            failures.append(str(exc))
    bar.close()
    report["failures"] = failures
    if not images:
        raise InvalidInputError(f"the teacher labelled no frame of {', '.join(map(str, sources))} "
                                f"({report['frames']} frames seen; {failures[:1]})")
    payload = {"job": job, "report": report, "images": images, "annotations": annotations,
               "categories": [{"id": 1, "name": "person"}]}
    labels.write_text(json.dumps(payload))
    return labels, out_dir, report
