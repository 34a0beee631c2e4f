"""Home-exercise programmes with a memory: a therapist's prescription (a TOML or JSON file), a
session walked set by set over poses, and results kept per set.

    from movenet.programme import load_programme, SessionRunner
    programme = load_programme("examples/programmes/knee.toml")   # ProgrammeError: FILE:LINE: ...
    runner = SessionRunner(programme, patient="P001")
    for fp in stream_poses(detector, source):
        state = runner.update(fp.poses, fp.frame.timestamp_ms)   # state.count, state.cue, ...
    result = runner.finish()                                       # SessionResult
    ProgrammeStore(Database(url)).save_session(result, programme)  # movenet.programme.store

It sees only poses and the exercise layer's reports (`movenet.exercise`); storage, history and
reports build on its results (`store`, `history`, `movenet.reports`).
"""

from movenet.programme.load import ProgrammeError, load_programme, parse_programme
from movenet.programme.model import ExerciseItem, Programme, RomTarget, Step, Tempo, TestItem
from movenet.programme.results import RomCheck, SessionResult, SetResult, TestResult
from movenet.programme.runner import RunnerState, SessionRunner
from movenet.programme.standard_tests import TESTS

__all__ = [
    "TESTS", "ExerciseItem", "Programme", "ProgrammeError", "RomCheck", "RomTarget", "RunnerState", "SessionResult",
    "SessionRunner", "SetResult", "Step", "Tempo", "TestItem", "TestResult", "load_programme", "parse_programme",
]
