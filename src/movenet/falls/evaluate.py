"""Scoring fall methods on labelled clips, per clip (an event per clip, not per frame).

Labels: a CSV with the columns `file` and `label` (`fall` / `no_fall`), as
`shared/data/videos/falls-urfd/labels.csv`; optional `impact_ms` (when the body hits the floor, for
the detection delay) and `split` (totals per split as well, e.g. the clips held out while the
settings were chosen); the other columns of that file (repo_file, source_sha256, frames, fps,
width, height) are accepted and ignored. Any other column, an unknown label, a duplicate or a
missing clip is an error naming the row.

Per clip and method: the poses of every frame go through a fresh `FallDetector`; after the last
frame the clip is **held** for `hold_s` (its last frame's poses repeated at its frame rate), as if
the camera kept showing the final scene: recorded fall clips end a second or two after the impact,
sooner than any confirmation time. Verdicts: a fall clip is caught by a fall event confirmed no
earlier than `EARLY_MS` before the impact (a fall lasts under a second; earlier events are false
alarms); the delay is from the impact to that event's confirmation. A no-fall clip with any fall
event is a false alarm (each event counts in false alarms per hour of no-fall video, held seconds
not counted as video).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from movenet.errors import InvalidInputError
from movenet.falls.detector import FallDetector
from movenet.io.labels_csv import checked_reader
from movenet.types import Pose

LABELS = ("fall", "no_fall")
REQUIRED_COLUMNS = ("file", "label")
OPTIONAL_COLUMNS = ("impact_ms", "split", "repo_file", "source_sha256", "frames", "fps", "width", "height")
EARLY_MS = 1000.0  # a fall takes 600-800 ms (FALLS.md): an event this long before the impact is the fall
DEFAULT_HOLD_S = 10.0  # longer than the default confirmation (3 s) plus getting up (0.4 s)

Frames = Sequence[tuple[float, Sequence[Pose]]]


@dataclass(frozen=True)
class LabelledClip:
    file: str
    label: str
    impact_ms: float | None
    split: str | None
    row: int  # line in the labels file (the header is line 1)


def read_labels(path: str | Path, clips_dir: str | Path) -> list[LabelledClip]:
    """The rows of a labels CSV, checked against the clips in `clips_dir`."""
    path, clips_dir = Path(path), Path(clips_dir)
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such labels file")
    with open(path, newline="") as stream:
        reader = checked_reader(stream, path, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
        clips, seen = [], set()
        for row, record in enumerate(reader, start=2):
            clips.append(_clip(path, row, record, clips_dir, seen))
    if not clips:
        raise InvalidInputError(f"{path}: no clips")
    return clips


def _clip(path: Path, row: int, record: dict, clips_dir: Path, seen: set) -> LabelledClip:
    where = f"{path}, row {row}"
    name, label = (record.get("file") or "").strip(), (record.get("label") or "").strip()
    if not name:
        raise InvalidInputError(f"{where}: empty file name")
    if label not in LABELS:
        raise InvalidInputError(f"{where} ({name}): label {label!r} is not one of {', '.join(LABELS)}")
    if name in seen:
        raise InvalidInputError(f"{where}: {name} is listed twice")
    seen.add(name)
    if not (clips_dir / name).exists():
        raise InvalidInputError(f"{where}: clip {name} not found in {clips_dir}")
    impact = (record.get("impact_ms") or "").strip()
    try:
        impact_ms = float(impact) if impact else None
    except ValueError:
        raise InvalidInputError(f"{where} ({name}): impact_ms {impact!r} is not a number of milliseconds") from None
    if impact_ms is not None and label != "fall":
        raise InvalidInputError(f"{where} ({name}): impact_ms given for a {label} clip")
    split = (record.get("split") or "").strip() or None
    return LabelledClip(name, label, impact_ms, split, row)


def held(frames: Frames, hold_s: float) -> list[tuple[float, Sequence[Pose]]]:
    """The frames, then the last frame's poses repeated at the clip's frame interval for hold_s."""
    frames = list(frames)
    if len(frames) < 2 or hold_s <= 0:
        return frames
    step = (frames[-1][0] - frames[0][0]) / (len(frames) - 1)
    last_t, last_poses = frames[-1]
    return frames + [(last_t + step * (k + 1), last_poses) for k in range(int(hold_s * 1000.0 / step))]


@dataclass(frozen=True)
class ClipVerdict:
    file: str
    label: str
    detected: bool
    first_event_ms: float | None  # confirmation time of the first fall event (any)
    delay_ms: float | None  # impact -> the event that caught the fall
    false_alarms: int  # fall events on a no-fall clip, or before the fall on a fall clip
    duration_s: float
    split: str | None
    events: list[dict] = field(default_factory=list)
    down_at_end: int = 0  # people still down, fall not confirmed, at the end of the held clip (not counted as caught)

    def to_dict(self) -> dict:
        return asdict(self)


def clip_frame_size(path: str | Path) -> tuple[float, float] | None:
    """(width, height) of a video file or of the first image of a folder of frames; None if unknown."""
    path = Path(path)
    try:
        if path.is_dir():
            from PIL import Image

            from movenet.io.sources import IMAGE_SUFFIXES

            first = min((p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES), default=None)
            return tuple(map(float, Image.open(first).size)) if first is not None else None
        import cv2

        capture = cv2.VideoCapture(str(path))
        size = (capture.get(cv2.CAP_PROP_FRAME_WIDTH), capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        capture.release()
        return size if size[0] > 0 and size[1] > 0 else None
    except (OSError, ValueError):
        return None


def judge_clip(frames: Frames, clip: LabelledClip, method: str = "default", hold_s: float = DEFAULT_HOLD_S,
               classifier=None, frame_size: tuple[float, float] | None = None, **settings) -> ClipVerdict:
    """Run one method over one clip's poses and judge it against its label (`classifier`: the
    learned method's model, default the shipped one; `frame_size`: the clip's (width, height))."""
    detector = FallDetector(method, classifier=classifier, **settings)
    falls = []
    for t, poses in held(frames, hold_s):
        falls += [e for e in detector.update(list(poses), t, frame_size) if e.event == "fall"]
    unconfirmed = sum(not e.reason.get("fall_confirmed") for e in detector.finish())
    duration_s = _duration_s(frames)
    first = falls[0].confirmed_ms if falls else None
    if clip.label == "no_fall":
        return ClipVerdict(clip.file, clip.label, bool(falls), first, None, len(falls), duration_s, clip.split,
                           [e.to_dict() for e in falls], unconfirmed)
    earliest = -math.inf if clip.impact_ms is None else clip.impact_ms - EARLY_MS
    caught = [e for e in falls if e.confirmed_ms >= earliest]
    delay = caught[0].confirmed_ms - clip.impact_ms if caught and clip.impact_ms is not None else None
    return ClipVerdict(clip.file, clip.label, bool(caught), first, delay, len(falls) - len(caught), duration_s,
                       clip.split, [e.to_dict() for e in falls], unconfirmed)


def _duration_s(frames: Frames) -> float:
    if len(frames) < 2:
        return 0.0
    step = (frames[-1][0] - frames[0][0]) / (len(frames) - 1)
    return (frames[-1][0] - frames[0][0] + step) / 1000.0


@dataclass(frozen=True)
class Totals:
    clips: int
    falls: int
    no_falls: int
    caught: int  # fall clips caught
    clean: int  # no-fall clips without a false alarm
    recall: float | None
    specificity: float | None
    false_alarms: int  # fall events on no-fall clips
    false_alarms_per_hour: float | None
    mean_delay_s: float | None
    median_delay_s: float | None
    max_delay_s: float | None


def totals(verdicts: Sequence[ClipVerdict]) -> Totals:
    falls = [v for v in verdicts if v.label == "fall"]
    no_falls = [v for v in verdicts if v.label == "no_fall"]
    caught = sum(v.detected for v in falls)
    clean = sum(not v.detected for v in no_falls)
    alarms = sum(v.false_alarms for v in no_falls)
    hours = sum(v.duration_s for v in no_falls) / 3600.0
    delays = [v.delay_ms / 1000.0 for v in falls if v.delay_ms is not None]
    return Totals(
        len(verdicts), len(falls), len(no_falls), caught, clean,
        caught / len(falls) if falls else None,
        clean / len(no_falls) if no_falls else None,
        alarms, alarms / hours if hours > 0 else None,
        statistics.fmean(delays) if delays else None,
        statistics.median(delays) if delays else None,
        max(delays) if delays else None,
    )


@dataclass(frozen=True)
class MethodReport:
    method: str
    all: Totals
    splits: dict[str, Totals]
    per_clip: list[ClipVerdict]
    failed: list[dict]  # clips whose poses could not be made: {"file", "error"}

    def to_dict(self) -> dict:
        out = {"method": self.method, **asdict(self.all)}
        out["splits"] = {name: asdict(t) for name, t in self.splits.items()}
        out["per_clip"] = [v.to_dict() for v in self.per_clip]
        out["failed"] = self.failed
        return out


def report(method: str, verdicts: Sequence[ClipVerdict], failed: Sequence[dict] = ()) -> MethodReport:
    names = sorted({v.split for v in verdicts if v.split is not None})
    splits = {name: totals([v for v in verdicts if v.split == name]) for name in names}
    return MethodReport(method, totals(verdicts), splits, list(verdicts), list(failed))


def evaluate_clips(clips: Sequence[LabelledClip], poses_of, methods: Sequence[str] = ("default", "ambianic"),
                   settings: dict[str, dict] | None = None, hold_s: float = DEFAULT_HOLD_S,
                   progress=None, size_of=None) -> list[MethodReport]:
    """Every method on the same poses of every clip. `poses_of(clip)` gives the clip's
    [(timestamp_ms, poses)]; a clip whose poses cannot be made (a MovenetError) is reported in
    `failed` and the others are still scored. `progress(clip)` is called before each clip. A
    method may be given twice with other settings as "NAME+TAG" (e.g. "default+profile"), its
    settings under that key. `size_of(clip)`: the clip's frame size (width, height), or None."""
    from movenet.errors import MovenetError

    settings = settings or {}
    verdicts: dict[str, list[ClipVerdict]] = {m: [] for m in methods}
    failed: list[dict] = []
    for clip in clips:
        if progress is not None:
            progress(clip)
        try:
            frames = poses_of(clip)
        except MovenetError as exc:
            failed.append({"file": clip.file, "error": str(exc)})
            continue
        size = size_of(clip) if size_of is not None else None
        for method in methods:
            verdicts[method].append(judge_clip(frames, clip, method.split("+", 1)[0], hold_s, frame_size=size,
                                               **settings.get(method, {})))
    return [report(m, verdicts[m], failed) for m in methods]
