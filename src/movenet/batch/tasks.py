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
    check: Callable[[BatchOptions], None] = lambda options: None  # InvalidOptionError for options it cannot run
    video: bool = False

    def output_suffixes(self, options: BatchOptions) -> dict[str, str]:
        return {kind: suffix for kind, suffix in self.outputs if kind != "media" or options.save_media}


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
               record: Callable = frame_record, analysis=None) -> TaskResult:
    """Every frame of one video through `stream_poses` (decoding overlapped with inference): one
    JSON line per frame (`record`), and the annotated video with `save_media`. `analysis`, when
    given, sees every frame's poses in order (`update(fp)`) and writes its own output at the end
    (`finish(path)`)."""
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
                    if analysis is not None:
                        analysis.update(fp)
                    sink.submit(fp)
                    frames += 1
                    progress(1)
        finally:
            if writer is not None:
                writer.close()
        announced = video.frame_count
    if analysis is not None:
        analysis.finish(outputs["analysis"])
    warning = None
    if announced and frames < announced:
        warning = f"the video announced {announced} frames but only {frames} could be read"
    return TaskResult(frames, warning)


class ExerciseAnalysis:
    """Repetitions of `options.exercise` per person: the JSON of `movenet exercise --json`."""

    def __init__(self, options: BatchOptions) -> None:
        from movenet.exercise import ExerciseSession

        self.session = ExerciseSession(options.exercise)

    def update(self, fp) -> None:
        self.session.update(fp.poses, fp.frame.timestamp_ms)

    def finish(self, path: Path) -> None:
        _write_json(path, self.session.finish().to_dict())


class FallsAnalysis:
    """Fall events: one JSON line per event, as `movenet falls --events` with the same options
    (method, settings, --hold-s): at the end, the last frame held `fall_hold_s`, then a
    `down_at_end` event for whoever is still down."""

    def __init__(self, options: BatchOptions) -> None:
        from movenet.falls import FallDetector

        self.detector = FallDetector(options.fall_method, **dict(options.fall_settings))
        self.hold_s = options.fall_hold_s
        self.events: list = []
        self._last_frame = 0

    def update(self, fp) -> None:
        self._last_frame = fp.frame.index
        height, width = fp.frame.image.shape[:2]
        self.events += [(e, fp.frame.index) for e in self.detector.update(fp.poses, fp.frame.timestamp_ms, (width, height))]

    def finish(self, path: Path) -> None:
        from movenet.falls.events import EventWriter

        self.events += [(e, self._last_frame) for e in self.detector.finish(self.hold_s)]
        with EventWriter(path) as writer:
            for event, frame in self.events:
                writer.write(event, frame=frame)


def analysis_task(kind) -> Callable[..., TaskResult]:
    def run(source: Path, outputs: dict[str, Path], options: BatchOptions, detector, progress) -> TaskResult:
        return video_task(source, outputs, options, detector, progress, analysis=kind(options))

    return run


def _needs_exercise(options: BatchOptions) -> None:
    from movenet.exercise import get_exercise

    if options.exercise is None:
        from movenet.exercise import list_exercises

        raise InvalidOptionError(f"task exercise needs --exercise NAME; exercises: {', '.join(list_exercises())}")
    get_exercise(options.exercise)  # an unknown name lists the known ones


def _check_fall_method(options: BatchOptions) -> None:
    from movenet.falls.methods import get_method
    from movenet.pipelines.pose_sources import get_pose_source

    get_method(options.fall_method).settings(**dict(options.fall_settings))
    spec = get_pose_source(options.fall_pose_source)
    if spec.single_pose_only:
        import movenet

        if movenet.get_spec(options.model).multi_pose:
            raise InvalidOptionError(f"pose source {spec.name!r} needs a single-person model (lightning, thunder), not {options.model}")
    if not options.fall_hold_s >= 0:
        raise InvalidOptionError(f"--hold-s must be a number of seconds >= 0, got {options.fall_hold_s!r}")


def falls_task(source: Path, outputs: dict[str, Path], options: BatchOptions, detector, progress) -> TaskResult:
    """The falls task: the pose source `movenet falls --pose-source` names (video: the worker's
    detector; rotation: + the rotation retry; ambianic: Ambianic's own input), then the events."""
    if options.fall_pose_source != "video":
        from movenet.falls.ambianic import accepts
        from movenet.falls.signals import trunk_seen
        from movenet.falls.state import FallSettings
        from movenet.pipelines.pose_sources import make_pose_source
        from movenet.pipelines.rotation import RotationRetry

        if options.fall_pose_source == "rotation":
            detector = RotationRetry(detector, lambda pose: trunk_seen(pose, FallSettings.min_score))
        else:
            threshold = dict(options.fall_settings).get("threshold", 0.15)
            detector = make_pose_source("ambianic", options.model, accept=accepts(threshold), runtime=options.runtime,
                                        threads=options.threads, weights=options.weights, precision=options.precision)
    return video_task(source, outputs, options, detector, progress, analysis=FallsAnalysis(options))


TASKS: dict[str, TaskSpec] = {
    spec.name: spec
    for spec in (
        TaskSpec("predict", "poses of each image: <name>.json (+ <name>.annotated.jpg)", IMAGE_SUFFIXES,
                 (("poses", ".json"), ("media", ".annotated.jpg")), predict_task),
        TaskSpec("track", "poses of every frame of each video: <name>.jsonl (+ <name>.annotated.mp4)",
                 VIDEO_SUFFIXES, (("poses", ".jsonl"), ("media", ".annotated.mp4")), video_task, video=True),
        TaskSpec("exercise", "repetitions of --exercise per person: <name>.exercise.json (+ the poses, <name>.jsonl)",
                 VIDEO_SUFFIXES, (("poses", ".jsonl"), ("analysis", ".exercise.json"), ("media", ".annotated.mp4")),
                 analysis_task(ExerciseAnalysis), check=_needs_exercise, video=True),
        TaskSpec("falls", "fall events: <name>.events.jsonl (+ the poses, <name>.jsonl)", VIDEO_SUFFIXES,
                 (("poses", ".jsonl"), ("analysis", ".events.jsonl"), ("media", ".annotated.mp4")),
                 falls_task, check=_check_fall_method, video=True),
    )
}


def get_task(name: str) -> TaskSpec:
    if name not in TASKS:
        raise InvalidOptionError(f"unknown task {name!r}; tasks: {', '.join(TASKS)}")
    return TASKS[name]
