"""Movement analysis above the detector: repetition counting, range of motion, balance tests and
pose classification. It sees only poses (`movenet.Pose` or None per frame), never runs a model.

    from movenet.exercise import RepCounter
    counter = RepCounter("squat")
    counter.update(pose, timestamp_ms)          # every frame; pose None when nobody is seen
    counter.count, counter.repetitions

    report = analyse_exercise(stream_poses(detector, source), "squat")   # every person
    report.to_dict()
    analyse_exercise(frames, "auto")            # which exercise? the one whose repetitions count
    register_exercise_files(["mine.toml"])      # user-defined exercises (`spec_file`)
"""

from movenet.exercise.auto import AUTO, AutoCounter
from movenet.exercise.counter import RepCounter
from movenet.exercise.repetition import CounterState, Repetition
from movenet.exercise.rom import MEASURES, JointRange, RangeOfMotion, measure_all
from movenet.exercise.session import (
    ExerciseReport,
    ExerciseSession,
    PersonReport,
    analyse_exercise,
)
from movenet.exercise.spec_file import load_exercise_file, register_exercise_files, spec_to_toml
from movenet.exercise.specs import (
    Check,
    ExerciseSpec,
    Track,
    UnknownExerciseError,
    get_exercise,
    list_exercises,
    register_exercise,
)

__all__ = [
    "AUTO",
    "MEASURES",
    "AutoCounter",
    "Check",
    "CounterState",
    "ExerciseReport",
    "ExerciseSession",
    "ExerciseSpec",
    "JointRange",
    "PersonReport",
    "RangeOfMotion",
    "RepCounter",
    "Repetition",
    "Track",
    "UnknownExerciseError",
    "analyse_exercise",
    "get_exercise",
    "list_exercises",
    "load_exercise_file",
    "measure_all",
    "register_exercise",
    "register_exercise_files",
    "spec_to_toml",
]
