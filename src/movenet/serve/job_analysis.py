"""What an uploaded video's job may run besides the poses: the exercise chosen on the page and fall
detection, with the library's own sessions, exactly as the commands run them:

- `exercise.json`: `ExerciseSession(...).finish().to_dict()`, the JSON of `movenet exercise --json`;
- `falls.jsonl`: `FallSession` with an `EventWriter`, the lines of `movenet falls --events`
  (default settings; the job's poses, i.e. `--pose-source video` for Ambianic's method too);
- the annotated video gets the overlays of those commands: each person's fall state and the fall
  banner (`movenet falls --out`), the count, angle and depth bar (`movenet exercise --out`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from movenet.errors import InvalidOptionError, MovenetError

EXERCISE_REPORT = "exercise.json"
FALL_EVENTS = "falls.jsonl"
QUERY = ("exercise", "falls")  # the query parameters of POST /api/videos that ask for analysis


@dataclass(frozen=True)
class JobAnalysis:
    exercise: str | None = None  # a name of list_exercises()
    falls: str | None = None  # a fall method: default or ambianic

    @classmethod
    def from_query(cls, params: dict) -> JobAnalysis:
        """From the query string; InvalidOptionError naming what is accepted."""
        from movenet.exercise import get_exercise
        from movenet.falls import get_method

        exercise, falls = params.get("exercise") or None, params.get("falls") or None
        try:
            if exercise is not None:
                exercise = get_exercise(exercise).name
            if falls is not None:
                falls = get_method(falls).name
        except MovenetError as exc:
            raise InvalidOptionError(str(exc)) from exc
        return cls(exercise, falls)

    def files(self) -> list[str]:
        return [name for name, on in ((EXERCISE_REPORT, self.exercise), (FALL_EVENTS, self.falls)) if on]


class JobAnalyser:
    """Per frame `analyse(fp)` (in frame order), `render(image, poses, analysed)` for the annotated
    video, then `finish()`: writes the reports and returns their summary for the job's status."""

    def __init__(self, analysis: JobAnalysis, folder: Path, threshold: float) -> None:
        from movenet.exercise import ExerciseSession
        from movenet.falls import EventWriter, FallDetector
        from movenet.falls.session import FallSession

        self.folder, self.threshold = folder, threshold
        self.exercise = ExerciseSession(analysis.exercise) if analysis.exercise else None
        self.falls = None
        if analysis.falls:
            events = EventWriter(folder / FALL_EVENTS)
            self.falls = FallSession(FallDetector(analysis.falls), events=events, threshold=threshold, log=lambda line: None)

    def analyse(self, fp) -> tuple:
        states = self.exercise.update(fp.poses, fp.frame.timestamp_ms) if self.exercise else None
        info = self.falls.analyse(fp) if self.falls else None
        return states, info

    def render(self, image, poses, analysed: tuple):
        from movenet.exercise.overlay import draw_exercise
        from movenet.viz import draw_poses

        states, info = analysed
        out = self.falls.render(image, poses, info) if self.falls else draw_poses(image, poses, self.threshold)
        return draw_exercise(out, self.exercise.spec, states or {}) if self.exercise else out

    def finish(self) -> dict:
        summary = {}
        if self.exercise is not None:
            report = self.exercise.finish()
            (self.folder / EXERCISE_REPORT).write_text(json.dumps(report.to_dict(), indent=2) + "\n")
            summary.update(exercise=report.exercise, reps=report.reps,
                           partial_reps=len(report.primary.partial_repetitions) if report.primary else 0)
        if self.falls is not None:
            self.falls.finish()  # a recorded video's end: down_at_end for whoever is still down, as `movenet falls`
            summary.update(falls=self.falls.detector.method.name, fall_events=dict(self.falls.counts))
        self.close()
        return summary

    def close(self) -> None:
        if self.falls is not None:
            self.falls.close()
