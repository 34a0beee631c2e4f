"""Movement analysis above the detector: repetition counting, range of motion, balance tests and
pose classification. It sees only poses (never runs a model)."""

from movenet.exercise.counter import RepCounter
from movenet.exercise.repetition import CounterState, Repetition
from movenet.exercise.specs import ExerciseSpec, UnknownExerciseError, get_exercise, list_exercises

__all__ = [
    "CounterState",
    "ExerciseSpec",
    "RepCounter",
    "Repetition",
    "UnknownExerciseError",
    "get_exercise",
    "list_exercises",
]
