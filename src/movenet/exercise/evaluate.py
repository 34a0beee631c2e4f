"""Repetition counts scored against labelled clips: `movenet exercise eval DIR --labels ...`.

Labels: the WorkoutTracker format (`index.csv` with the columns `file`, `exercise` and `reps`, and
`labels/<clip stem>.csv` beside it with the columns `frame`, `time`, `label`: label 1 on the frame
where a repetition starts). A clip's labelled count is the number of its start markers (its
`reps` column must agree); a clip without a label file is scored on `reps` alone. The `time`
column is not used (the source computed it at 30 fps): a start's time is its frame's timestamp in
the video, at the video's own frame rate. Optional columns: `split` and `person` (totals per split
too), `source`, `source_sha256`, `frames`, `fps` (accepted and ignored). Any other column, an
unknown exercise, a duplicate, a missing clip or a label file that disagrees with `reps` is an
error naming the file and row.

**What is scored**: a clip's completed repetitions (what `movenet exercise` counts). A repetition
the clip cuts off after the far end of the movement (the bottom of a squat reached, the return not
seen: `Repetition.cut_off`) is kept per clip beside it; `count_cut_off=True` (`--count-cut-off`)
scores it too, for labels that mark every repetition begun. The WorkoutTracker labels do so in
some clips and not in others (docs/results/exercise.md), so it is not the default.

Scores, per exercise (and per split, and per camera view where the clips' views are given):
exact counts, **off-by-one accuracy** (the share of clips counted within one repetition of the
label: a clip may begin mid-repetition or end on a marker of a repetition it cuts off), the **mean
relative error** |counted - labelled| / labelled (labelled 0: the count itself), and the clips
with two or more labelled repetitions counted 0. The start markers' times are kept per clip (for
plots) but not scored: in the WorkoutTracker labels they mark the top before a repetition in some
clips and the top after it in others.
"""

from __future__ import annotations

import csv
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from movenet.errors import InvalidInputError, MovenetError
from movenet.exercise.session import analyse_exercise
from movenet.exercise.specs import ExerciseSpec, get_exercise
from movenet.io.labels_csv import checked_reader
from movenet.types import Pose

REQUIRED_COLUMNS = ("file", "exercise", "reps")
OPTIONAL_COLUMNS = ("split", "person", "view", "source", "source_sha256", "frames", "fps")
LABEL_COLUMNS = ("frame", "label")  # `time` is read past: it assumes 30 fps

Frames = Sequence[tuple[float, Sequence[Pose]]]


@dataclass(frozen=True)
class LabelledClip:
    file: str
    exercise: str  # a registry name
    reps: int
    start_frames: tuple[int, ...] | None  # frames where a repetition starts (None: no label file)
    split: str | None
    person: str | None
    view: str | None  # the camera view, as judged by eye (front, side, angled), when given
    row: int  # line in index.csv (the header is line 1)


def _index_path(labels: str | Path) -> Path:
    path = Path(labels)
    if path.is_dir():
        path = path / "index.csv"
    if not path.is_file():
        raise InvalidInputError(f"{labels}: no labels here; give index.csv (or its folder) with labels/<clip>.csv beside it")
    return path


def read_labels(labels: str | Path, clips_dir: str | Path, exercise: str | None = None,
                splits: str | Path | None = None) -> list[LabelledClip]:
    """The labelled clips of `labels` (index.csv or its folder), checked against `clips_dir`.
    `exercise`: count every clip as this exercise instead of its `exercise` column. `splits`: a CSV
    with the columns `file` and `split`, optionally `person` and `view` (others ignored), giving
    them for each clip it lists."""
    index, clips_dir = _index_path(labels), Path(clips_dir)
    split_of = _read_splits(splits) if splits is not None else {}
    with open(index, newline="") as stream:
        reader = checked_reader(stream, index, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
        clips, seen = [], set()
        for row, record in enumerate(reader, start=2):
            clips.append(_clip(index, row, record, clips_dir, seen, exercise, split_of))
    if not clips:
        raise InvalidInputError(f"{index}: no clips")
    return clips


def _read_splits(path: str | Path) -> dict[str, dict]:
    path = Path(path)
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such split file")
    with open(path, newline="") as stream:
        reader = csv.DictReader(stream)
        if not {"file", "split"} <= set(reader.fieldnames or []):
            raise InvalidInputError(f"{path}, row 1: a split file needs the columns file and split (optionally person, view)")
        return {r["file"].strip(): {k: (r.get(k) or "").strip() for k in ("split", "person", "view")} for r in reader if (r.get("file") or "").strip()}


def _clip(index: Path, row: int, record: dict, clips_dir: Path, seen: set, exercise: str | None, split_of: dict) -> LabelledClip:
    where = f"{index}, row {row}"
    name = (record.get("file") or "").strip()
    if not name:
        raise InvalidInputError(f"{where}: empty file name")
    if name in seen:
        raise InvalidInputError(f"{where}: {name} is listed twice")
    seen.add(name)
    if not (clips_dir / name).exists():
        raise InvalidInputError(f"{where}: clip {name} not found in {clips_dir}")
    try:
        spec = get_exercise(exercise or (record.get("exercise") or "").strip())
    except MovenetError as exc:
        raise InvalidInputError(f"{where} ({name}): {exc}") from None
    text = (record.get("reps") or "").strip()
    try:
        reps = int(float(text))
        if reps < 0 or reps != float(text):
            raise ValueError
    except ValueError:
        raise InvalidInputError(f"{where} ({name}): reps {text!r} is not a whole number >= 0") from None
    starts = _read_starts(index.parent / "labels" / (Path(name).stem + ".csv"))
    if starts is not None and len(starts) != reps:
        raise InvalidInputError(f"{where} ({name}): reps is {reps} but labels/{Path(name).stem}.csv marks {len(starts)} starts")
    given = split_of.get(name, {})
    split, person, view = ((given.get(k) or (record.get(k) or "").strip() or None) for k in ("split", "person", "view"))
    return LabelledClip(name, spec.name, reps, starts, split, person, view, row)


def _read_starts(path: Path) -> tuple[int, ...] | None:
    if not path.is_file():
        return None
    with open(path, newline="") as stream:
        reader = csv.DictReader(stream)
        missing = [c for c in LABEL_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInputError(f"{path}, row 1: missing column {missing[0]!r}; a label file has frame, time, label")
        starts = []
        for row, record in enumerate(reader, start=2):
            try:
                frame, label = int(record["frame"]), float(record["label"])
            except (TypeError, ValueError):
                raise InvalidInputError(f"{path}, row {row}: frame must be a whole number and label a number, got {record.get('frame')!r}, {record.get('label')!r}") from None
            if label >= 0.5:
                starts.append(frame)
    return tuple(starts)


@dataclass(frozen=True)
class ClipCount:
    file: str
    exercise: str
    labelled: int
    counted: int  # completed repetitions
    partial: int
    split: str | None
    person: str | None
    signal: str  # the signal that counted (`ExerciseReport.signal_used`)
    view: str  # the camera view seen (`ExerciseReport.view`)
    view_label: str | None  # the camera view judged by eye, when the labels give it
    label_starts_ms: list[float]
    repetitions: list[dict]  # counted: start_ms, end_ms
    reasons: list[str]  # why each partial repetition was not counted
    duration_s: float
    cut_off: int = 0  # 1: the clip ended inside a repetition past its far end (`Repetition.cut_off`)
    count_cut_off: bool = False  # it is scored: the labels count repetitions begun

    @property
    def scored(self) -> int:
        """The count set against the label: completed repetitions (+ the one cut off, `count_cut_off`)."""
        return self.counted + (self.cut_off if self.count_cut_off else 0)

    @property
    def error(self) -> int:
        return self.scored - self.labelled

    @property
    def relative_error(self) -> float:
        return abs(self.error) / self.labelled if self.labelled else float(abs(self.error))

    def to_dict(self) -> dict:
        return {**asdict(self), "scored": self.scored, "error": self.error, "relative_error": round(self.relative_error, 4)}


def count_clip(frames: Frames, clip: LabelledClip, spec: ExerciseSpec | None = None, count_cut_off: bool = False, **options) -> ClipCount:
    """Count one clip's poses with its exercise (or `spec`) and set the result beside its label
    (`count_cut_off`: score a repetition the clip cuts off past its far end, as begun)."""
    report = analyse_exercise(frames, spec or clip.exercise, **options)
    p = report.primary
    reps = list(p.repetitions) if p else []
    times = [t for t, _ in frames]
    starts_ms = [times[f] for f in clip.start_frames if 0 <= f < len(times)] if clip.start_frames is not None else []
    step = (times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else 0.0
    return ClipCount(
        clip.file, clip.exercise, clip.reps, report.reps, len(p.partial_repetitions) if p else 0, clip.split, clip.person,
        report.signal_used, report.view, clip.view, [round(s, 1) for s in starts_ms],
        [{"start_ms": round(r.start_ms, 1), "end_ms": round(r.end_ms, 1)} for r in reps],
        [r.reason for r in p.partial_repetitions] if p else [], (times[-1] - times[0] + step) / 1000.0 if times else 0.0,
        report.cut_off, count_cut_off,
    )


@dataclass(frozen=True)
class Totals:
    clips: int
    labelled: int
    counted: int  # completed repetitions
    cut_off: int  # repetitions cut off past their far end (scored when `ClipCount.count_cut_off`)
    exact: int
    within_one: int
    off_by_one_accuracy: float
    mean_relative_error: float
    zero_counted: int  # clips with >= 2 labelled repetitions and no completed one


def totals(counts: Sequence[ClipCount]) -> Totals:
    n = len(counts)
    return Totals(
        n, sum(c.labelled for c in counts), sum(c.counted for c in counts), sum(c.cut_off for c in counts),
        sum(c.error == 0 for c in counts), sum(abs(c.error) <= 1 for c in counts),
        sum(abs(c.error) <= 1 for c in counts) / n if n else float("nan"),
        statistics.fmean(c.relative_error for c in counts) if n else float("nan"),
        sum(c.labelled >= 2 and c.counted == 0 for c in counts),
    )


@dataclass(frozen=True)
class EvalReport:
    per_clip: list[ClipCount]
    by_exercise: dict[str, Totals]
    by_split: dict[str, dict[str, Totals]]  # split -> exercise -> totals ("all": every exercise)
    by_view: dict[str, dict[str, Totals]]  # view by eye -> exercise -> totals ("all": every exercise)
    all: Totals
    failed: list[dict] = field(default_factory=list)  # clips whose poses could not be made: {"file", "error"}

    def to_dict(self) -> dict:
        return {
            "all": asdict(self.all),
            "by_exercise": {k: asdict(v) for k, v in self.by_exercise.items()},
            "by_split": {s: {k: asdict(v) for k, v in d.items()} for s, d in self.by_split.items()},
            "by_view": {s: {k: asdict(v) for k, v in d.items()} for s, d in self.by_view.items()},
            "per_clip": [c.to_dict() for c in self.per_clip],
            "failed": self.failed,
        }


def summarise(counts: Sequence[ClipCount], failed: list[dict] | None = None) -> EvalReport:
    exercises = sorted({c.exercise for c in counts})
    by_exercise = {e: totals([c for c in counts if c.exercise == e]) for e in exercises}

    def grouped(key) -> dict[str, dict[str, Totals]]:
        out = {}
        for value in sorted({key(c) for c in counts if key(c) is not None}):
            part = [c for c in counts if key(c) == value]
            out[value] = {"all": totals(part), **{e: totals([c for c in part if c.exercise == e]) for e in exercises if any(c.exercise == e for c in part)}}
        return out

    return EvalReport(list(counts), by_exercise, grouped(lambda c: c.split), grouped(lambda c: c.view_label), totals(counts), failed or [])


def evaluate_clips(clips: Sequence[LabelledClip], poses_of: Callable[[LabelledClip], Frames],
                   spec_of: Callable[[str], ExerciseSpec] = get_exercise, progress: Callable | None = None,
                   count_cut_off: bool = False, **options) -> EvalReport:
    """Count every clip (`poses_of(clip)` gives its frames); a clip whose poses fail is listed in
    `failed` and the rest are scored."""
    counts, failed = [], []
    for clip in clips:
        try:
            frames = poses_of(clip)
            if not frames:
                raise InvalidInputError("no frames")
            counts.append(count_clip(frames, clip, spec_of(clip.exercise), count_cut_off, **options))
        except (MovenetError, OSError) as exc:
            failed.append({"file": clip.file, "error": str(exc)})
        if progress is not None:
            progress(clip)
    return summarise(counts, failed)
