"""The tasks `movenet batch` runs: one frozen spec per task in one table, like the models.

A task is a pure function of (input file, options) -> output files: `run(source, outputs,
options, progress)` reads `source`, writes each output to the path it is given (temporary paths;
the worker renames them once all are written) and returns what it did. Video tasks share one
loop (`video_task`) over `movenet.pipelines.video.stream_poses`: a new video task (exercise, falls)
is an entry with its own per-video analysis, not a new loop.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from movenet.batch.options import BatchOptions
from movenet.errors import InvalidOptionError
from movenet.io.sources import IMAGE_SUFFIXES
from movenet.io.video import VIDEO_SUFFIXES


@dataclass(frozen=True)
class TaskResult:
    frames: int  # images: 1
    warning: str | None = None  # e.g. a video that ended early


@dataclass(frozen=True)
class TaskSpec:
    name: str
    description: str
    suffixes: frozenset[str]  # inputs it takes (folders and globs are filtered by these)
    outputs: tuple[tuple[str, str], ...]  # (kind, suffix): "poses" always; "media" with save_media
    run: Callable[..., TaskResult]
    missing: Callable[[], str | None] = lambda: None  # why it cannot run here, or None
    video: bool = False

    def output_suffixes(self, options: BatchOptions) -> dict[str, str]:
        return {kind: suffix for kind, suffix in self.outputs if kind == "poses" or options.save_media}


def _write_json(path: Path, payload) -> None:
    path.write_text(json.dumps(payload) + "\n")


def predict_task(source: Path, outputs: dict[str, Path], options: BatchOptions, detector, progress) -> TaskResult:
    """Poses of one image: {"file", "width", "height", "poses"} as `movenet predict --json`."""
    from movenet.io.image import load_image

    image = load_image(source)
    poses = detector.estimate_poses(image)
    height, width = image.shape[:2]
    _write_json(outputs["poses"], {"file": source.name, "width": width, "height": height,
                                   "poses": [p.to_dict() for p in poses]})
    if "media" in outputs:
        from PIL import Image

        from movenet.viz import draw_poses

        Image.fromarray(draw_poses(image, poses, options.threshold)).save(outputs["media"], quality=90)
    progress(1)
    return TaskResult(1)


def frame_record(fp) -> dict:
    """One JSON line per frame, as `movenet track --jsonl`."""
    return {"frame": fp.frame.index, "timestamp_ms": fp.frame.timestamp_ms, "poses": [p.to_dict() for p in fp.poses]}


def video_task(source: Path, outputs: dict[str, Path], options: BatchOptions, detector, progress,
               record: Callable = frame_record) -> TaskResult:
    """Every frame of one video through `stream_poses` (decoding overlapped with inference): one
    JSON line per frame (`record`), and the annotated video with `save_media`."""
    from movenet.io.video import VideoSource, VideoWriter
    from movenet.pipelines.video import OrderedSink, stream_poses
    from movenet.viz import draw_poses

    frames = 0
    with VideoSource(str(source)) as video, open(outputs["poses"], "w") as jsonl:
        writer = VideoWriter(outputs["media"], video.fps) if "media" in outputs else None

        def consume(fp) -> None:
            jsonl.write(json.dumps(record(fp)) + "\n")
            if writer is not None:
                writer.write(draw_poses(fp.frame.image, fp.poses, options.threshold))

        try:
            with OrderedSink(consume) as sink:
                for fp in stream_poses(detector, video):
                    sink.submit(fp)
                    frames += 1
                    progress(1)
        finally:
            if writer is not None:
                writer.close()
        announced = video.frame_count
    warning = None
    if announced and frames < announced:
        warning = f"the video announced {announced} frames but only {frames} could be read"
    return TaskResult(frames, warning)


def _not_yet(module: str, helper: str) -> Callable[[], str | None]:
    return lambda: f"{module} has not landed in this version yet ({helper}); available tasks: predict, track"


def _unavailable(*args, **kwargs):  # pragma: no cover - never called: `missing` stops the run first
    raise InvalidOptionError("this task is not available yet")


TASKS: dict[str, TaskSpec] = {
    spec.name: spec
    for spec in (
        TaskSpec("predict", "poses of each image: <name>.json (+ <name>.annotated.jpg)", IMAGE_SUFFIXES,
                 (("poses", ".json"), ("media", ".annotated.jpg")), predict_task),
        TaskSpec("track", "poses of every frame of each video: <name>.jsonl (+ <name>.annotated.mp4)",
                 VIDEO_SUFFIXES, (("poses", ".jsonl"), ("media", ".annotated.mp4")), video_task, video=True),
        # Built by other issues: each becomes one entry (a `record` over video_task) once it lands.
        TaskSpec("exercise", "repetitions per video (movenet.exercise)", VIDEO_SUFFIXES,
                 (("poses", ".jsonl"),), _unavailable, _not_yet("movenet.exercise", "rep counting"), video=True),
        TaskSpec("falls", "falls per video (movenet.falls)", VIDEO_SUFFIXES,
                 (("poses", ".jsonl"),), _unavailable, _not_yet("movenet.falls", "fall detection"), video=True),
    )
}


def get_task(name: str) -> TaskSpec:
    if name not in TASKS:
        raise InvalidOptionError(f"unknown task {name!r}; tasks: {', '.join(TASKS)}")
    spec = TASKS[name]
    why = spec.missing()
    if why is not None:
        raise InvalidOptionError(f"task {name!r} is not available: {why}")
    return spec
