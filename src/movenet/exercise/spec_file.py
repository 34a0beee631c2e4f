"""Exercises defined in a TOML or JSON file: `load_exercise_file(path)`, `movenet exercise
--exercise-file FILE`, `movenet serve --exercise-file FILE`. The built-in specs are written the
same way by `spec_to_toml` (`movenet exercise list --toml`), and read back equal.

    [[exercise]]
    name = "wall_push_up"                 # letters, digits, _ (not a built-in name)
    description = "push-up against a wall"
    base = "push_up"                      # optional: start from a built-in spec, change what is given
    rest_name = "arms straight"           # the start position, in words
    active_name = "chest at the wall"     # the far end of the movement
    min_rep_ms = 400                      # and max_active_ms, min_hold_ms, start_active, view, source

    [[exercise.signals]]                  # the first is the primary signal, the others alternatives
    angle = "elbow"                       # or height = "shoulder" + above = "wrist" (+ unit = "torso"),
    combine = "mean"                      #    inclination = "trunk" + reference = "vertical",
    levels = [165, 150, 135, 110, 90]     #    asymmetry = "hip", larger_of = [{angle = "hip"}, ...]
    relative = false                      # a share of the person's rest value (heights)
    views = ["side"]                      # the views it describes a repetition best in

    [[exercise.checks]]                   # posture checks; none when the list is empty
    measure = "lean"                      # a posture measure, or signal = {angle = "hip"}
    high = 65                             # and/or low
    phase = "active"                      # or "rest"
    why = "leaning over: not a wall push-up"
    required = false
    views = []

JSON: the same structure, `{"exercise": [{"name": ..., "signals": [...], "checks": [...]}]}`.
Errors name the file and the line of the value that is wrong, and say what is accepted.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path

from movenet.errors import InvalidInputError, MovenetError
from movenet.exercise import signals as sig
from movenet.exercise.specs import (
    _MEASURES,
    Check,
    ExerciseSpec,
    Track,
    get_exercise,
    is_builtin,
    register_exercise,
)
from movenet.exercise.view import VIEWS

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10: the tomli backport (a dependency there)
    import tomli as tomllib

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
SPEC_KEYS = {
    "name": str, "description": str, "base": str, "rest_name": str, "active_name": str, "view": str, "source": str,
    "min_rep_ms": float, "max_active_ms": float, "min_hold_ms": float, "start_active": bool, "signals": list, "checks": list,
}
SIGNAL_KINDS = ("angle", "height", "inclination", "asymmetry", "larger_of")
SIGNAL_KEYS = {"angle", "height", "above", "unit", "inclination", "reference", "asymmetry", "larger_of", "combine", "levels", "relative", "views"}
CHECK_KEYS = {"measure", "signal", "low", "high", "phase", "why", "required", "views"}
REQUIRED = ("name", "rest_name", "active_name", "signals")  # without `base`


class SpecFileError(InvalidInputError):
    """A mistake in an exercise file: `str()` is "FILE:LINE: what is wrong; what is accepted"."""


class _Where:
    """Finds the line of a key: the n-th key of that name in the document is on the n-th line that
    sets it (a parsed TOML or JSON document keeps its keys in their order)."""

    def __init__(self, path: Path, text: str, data, kind: str) -> None:
        self.path, self.lines = path, text.splitlines()
        pattern = r'^\s*"?{key}"?\s*=' if kind == "toml" else r'"{key}"\s*:'
        self._pattern = pattern
        self._order: dict[int, tuple[str, int]] = {}  # id(container) + key -> (key, occurrence)
        self._seen: dict[str, int] = {}
        self._walk(data)

    def _walk(self, node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                n = self._seen.get(key, 0)
                self._seen[key] = n + 1
                self._order[(id(node), key)] = (key, n)
                self._walk(value)
        elif isinstance(node, list):
            for value in node:
                self._walk(value)

    def line(self, container, key: str | None) -> int | None:
        if key is None or (id(container), key) not in self._order:
            return None
        name, n = self._order[(id(container), key)]
        rx = re.compile(self._pattern.format(key=re.escape(name)))
        hits = [i for i, line in enumerate(self.lines, 1) if rx.search(line)]
        if key in ("signals", "checks") and len(hits) <= n:  # [[exercise.signals]] tables
            rx = re.compile(r"^\s*\[\[\s*exercise\s*\.\s*" + re.escape(name) + r"\s*\]\]")
            hits = [i for i, line in enumerate(self.lines, 1) if rx.search(line)]
            return hits[0] if hits else None
        return hits[n] if n < len(hits) else None

    def error(self, container, key: str | None, message: str) -> SpecFileError:
        line = self.line(container, key)
        return SpecFileError(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")


def load_exercise_file(path: str | Path) -> list[ExerciseSpec]:
    """The exercises of a TOML (.toml) or JSON (.json) file, each checked as the built-in ones are."""
    path = Path(path)
    if path.suffix.lower() not in (".toml", ".json"):
        raise SpecFileError(f"{path}: an exercise file is .toml or .json, got {path.suffix or 'no extension'!r}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecFileError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    kind = path.suffix.lower()[1:]
    try:
        data = tomllib.loads(text) if kind == "toml" else json.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise SpecFileError(f"{path}:{found.group(1)}: not valid TOML: {message} (column {found.group(2)})" if found else f"{path}: not valid TOML: {exc}") from None
    except json.JSONDecodeError as exc:
        raise SpecFileError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg} (column {exc.colno})") from None
    where = _Where(path, text, data, kind)
    if not isinstance(data, dict) or "exercise" not in data:
        raise SpecFileError(f"{path}: no exercise: define them as [[exercise]] tables (TOML) or {{\"exercise\": [...]}} (JSON)")
    unknown = [k for k in data if k != "exercise"]
    if unknown:
        raise where.error(data, unknown[0], f"unknown top-level key {unknown[0]!r}; only 'exercise' is read")
    items = data["exercise"] if isinstance(data["exercise"], list) else [data["exercise"]]
    specs, names = [], set()
    for item in items:
        spec = _spec(item, where, data)
        if spec.name in names:
            raise where.error(item, "name", f"exercise {spec.name!r} is defined twice")
        names.add(spec.name)
        specs.append(spec)
    if not specs:
        raise SpecFileError(f"{path}: the exercise list is empty")
    return specs


def register_exercise_files(paths) -> list[str]:
    """Load every file and add its exercises to the registry (`specs.register_exercise`), so that
    `get_exercise`, `list_exercises` and everything built on them (the CLI, the web app) know
    them; the names, in order. A mistake in any file raises before anything is registered."""
    specs = [spec for path in paths for spec in load_exercise_file(path)]
    names = [s.name for s in specs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SpecFileError(f"exercise {twice[0]!r} is defined in more than one file")
    for spec in specs:
        register_exercise(spec)
    return names


def _spec(item, where: _Where, parent) -> ExerciseSpec:
    if not isinstance(item, dict):
        raise where.error(parent, "exercise", "each exercise is a table of keys (name, signals, ...)")
    for key, value in item.items():
        if key not in SPEC_KEYS:
            raise where.error(item, key, f"unknown key {key!r}; known: {', '.join(SPEC_KEYS)}")
        want = SPEC_KEYS[key]
        ok = isinstance(value, want) and not isinstance(value, bool) if want is not bool else isinstance(value, bool)
        if want is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if not ok:
            kind = {str: "a string", float: "a number", bool: "true or false", list: "a list of tables"}[want]
            raise where.error(item, key, f"{key} must be {kind}, got {value!r}")
    name = item.get("name", "")
    if not NAME.match(name):
        raise where.error(item, "name" if "name" in item else None, f"name must be lower-case letters, digits and _ (starting with a letter), got {name!r}")
    if is_builtin(name):
        raise where.error(item, "name", f"exercise {name!r} is built in; choose another name (base = {name!r} starts from it)")
    fields: dict = {}
    if "base" in item:
        try:
            base = get_exercise(item["base"])
        except MovenetError as exc:
            raise where.error(item, "base", str(exc)) from None
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    else:
        missing = [k for k in REQUIRED if k not in item]
        if missing:
            raise where.error(item, "name", f"exercise {name!r} needs {', '.join(missing)} (or base = a built-in exercise to start from)")
        fields = {"description": "", "view": "any", "source": "user-defined", "min_rep_ms": 400.0, "max_active_ms": 5000.0}
    for key in ("name", "description", "rest_name", "active_name", "view", "source", "min_rep_ms", "max_active_ms", "min_hold_ms", "start_active"):
        if key in item:
            fields[key] = float(item[key]) if SPEC_KEYS[key] is float else item[key]
    fields.setdefault("description", name)
    if "signals" in item:
        tracks = [_track(s, where, item) for s in item["signals"]]
        if not tracks:
            raise where.error(item, "signals", "signals must list at least one signal (the first is the primary one)")
        first = tracks[0]
        fields.update(signal=first.signal, rest_deg=first.rest, start_deg=first.start, exit_deg=first.exit, enter_deg=first.enter,
                      depth_deg=first.depth, relative=first.relative, views=first.views, alternatives=tuple(tracks[1:]))
    if "checks" in item:
        fields["checks"] = tuple(_check(c, where, item) for c in item["checks"])
    try:
        return ExerciseSpec(**fields)
    except MovenetError as exc:
        raise where.error(item, "signals" if "levels" in str(exc) else "name", str(exc)) from None


def _signal(table, where: _Where, parent, key: str):
    """A signal from its table: {angle = "knee", combine = "mean"} etc."""
    if not isinstance(table, dict):
        raise where.error(parent, key, f"a signal is a table such as {{angle = \"knee\"}}; got {table!r}")
    kinds = [k for k in SIGNAL_KINDS if k in table]
    if len(kinds) != 1:
        raise where.error(parent, key, f"a signal names exactly one of {', '.join(SIGNAL_KINDS)}; got {', '.join(kinds) or 'none'}")
    kind = kinds[0]
    combine = table.get("combine", "mean")
    try:
        if kind == "angle":
            return sig.JointAngle(table["angle"], combine)
        if kind == "height":
            if "above" not in table:
                raise ValueError(f"a height needs above = one of {', '.join(sig.HEIGHT_POINTS)} (the point it is measured from)")
            return sig.Height(table["height"], table["above"], table.get("unit", "px"))
        if kind == "inclination":
            return sig.Inclination(table["inclination"], table.get("reference", "horizontal"), combine)
        if kind == "asymmetry":
            return sig.Asymmetry(table["asymmetry"])
        parts = table["larger_of"]
        if not isinstance(parts, list) or len(parts) < 2:
            raise ValueError("larger_of lists two or more angle or inclination signals")
        inner = tuple(_signal(p, where, table, "larger_of") for p in parts)
        if not all(isinstance(s, (sig.JointAngle, sig.Inclination)) for s in inner):
            raise ValueError("larger_of takes angle and inclination signals only")
        return sig.LargerOf(inner)
    except (ValueError, TypeError) as exc:
        raise where.error(table, kind if kind in table else key, str(exc)) from None


def _views(table, where: _Where) -> tuple[str, ...]:
    views = table.get("views", [])
    if not isinstance(views, list) or any(v not in VIEWS for v in views):
        raise where.error(table, "views", f"views is a list of {', '.join(VIEWS)} (empty: every view), got {views!r}")
    return tuple(views)


def _track(table, where: _Where, parent) -> Track:
    if isinstance(table, dict):
        unknown = [k for k in table if k not in SIGNAL_KEYS]
        if unknown:
            raise where.error(table, unknown[0], f"unknown key {unknown[0]!r} in a signal; known: {', '.join(sorted(SIGNAL_KEYS))}")
    signal = _signal(table, where, parent, "signals")
    levels = table.get("levels")
    if not (isinstance(levels, list) and len(levels) == 5 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in levels)):
        raise where.error(table, "levels" if "levels" in table else next(iter(table)), f"levels must be 5 numbers: rest, start, exit, enter, depth; got {levels!r}")
    relative = table.get("relative", False)
    if not isinstance(relative, bool):
        raise where.error(table, "relative", f"relative must be true or false, got {relative!r}")
    views = _views(table, where)
    try:
        return Track(signal, *map(float, levels), relative=relative, views=views)
    except MovenetError as exc:
        raise where.error(table, "levels", str(exc)) from None


def _check(table, where: _Where, parent) -> Check:
    if not isinstance(table, dict):
        raise where.error(parent, "checks", f"a check is a table (measure, low/high, phase, why), got {table!r}")
    unknown = [k for k in table if k not in CHECK_KEYS]
    if unknown:
        raise where.error(table, unknown[0], f"unknown key {unknown[0]!r} in a check; known: {', '.join(sorted(CHECK_KEYS))}")
    if ("measure" in table) == ("signal" in table):
        raise where.error(table, next(iter(table), None), f"a check has either measure = one of {', '.join(_MEASURES)} or signal = a signal table")
    if "measure" in table:
        measure = table["measure"]
        if measure not in _MEASURES:
            raise where.error(table, "measure", f"unknown measure {measure!r}; known: {', '.join(_MEASURES)} (or signal = a signal table)")
    else:
        measure = _signal(table["signal"], where, table, "signal")
    bounds = {}
    for key in ("low", "high"):
        if key in table:
            value = table[key]
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise where.error(table, key, f"{key} must be a number, got {value!r}")
            bounds[key] = float(value)
    if not bounds:
        raise where.error(table, "measure" if "measure" in table else "signal", "a check needs low, high or both")
    for key, want in (("phase", str), ("why", str), ("required", bool)):
        if key in table and not isinstance(table[key], want):
            raise where.error(table, key, f"{key} must be {'a string' if want is str else 'true or false'}, got {table[key]!r}")
    views = _views(table, where)
    try:
        return Check(measure, bounds.get("low", -math.inf), bounds.get("high", math.inf), table.get("phase", "active"),
                     table.get("why", ""), table.get("required", False), views)
    except MovenetError as exc:
        raise where.error(table, "phase" if "phase" in table else "low", str(exc)) from None


# --- writing: the built-in specs in the same format -------------------------------------------------
def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(float(value)) if not float(value).is_integer() else str(int(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} as TOML")


def signal_table(signal) -> dict:
    """A signal as its table in an exercise file."""
    if isinstance(signal, sig.JointAngle):
        return {"angle": signal.joint, "combine": signal.combine}
    if isinstance(signal, sig.Height):
        return {"height": signal.point, "above": signal.reference, **({"unit": signal.unit} if signal.unit != "px" else {})}
    if isinstance(signal, sig.Inclination):
        return {"inclination": signal.segment, "reference": signal.reference, "combine": signal.combine}
    if isinstance(signal, sig.Asymmetry):
        return {"asymmetry": signal.joint}
    if isinstance(signal, sig.LargerOf):
        return {"larger_of": [signal_table(s) for s in signal.signals]}
    raise TypeError(f"no file form for {signal!r}")


def spec_to_toml(spec: ExerciseSpec) -> str:
    """`spec` in the exercise-file format (`load_exercise_file` reads it back equal, under another name)."""
    out = ["[[exercise]]"]
    for key in ("name", "description", "rest_name", "active_name", "view", "min_rep_ms", "max_active_ms", "min_hold_ms", "start_active", "source"):
        out.append(f"{key} = {_toml_value(getattr(spec, key))}")
    for track in spec.tracks:
        out += ["", "[[exercise.signals]]"]
        out += [f"{k} = {_toml_value(v)}" for k, v in signal_table(track.signal).items()]
        out.append(f"levels = {_toml_value(track.levels)}")
        out.append(f"relative = {_toml_value(track.relative)}")
        out.append(f"views = {_toml_value(list(track.views))}")
    for check in spec.checks:
        out += ["", "[[exercise.checks]]"]
        out.append(f"measure = {_toml_value(check.measure)}" if isinstance(check.measure, str) else f"signal = {_toml_value(signal_table(check.measure))}")
        if not math.isinf(check.low):
            out.append(f"low = {_toml_value(check.low)}")
        if not math.isinf(check.high):
            out.append(f"high = {_toml_value(check.high)}")
        out.append(f"phase = {_toml_value(check.phase)}")
        out.append(f"why = {_toml_value(check.why)}")
        out.append(f"required = {_toml_value(check.required)}")
        out.append(f"views = {_toml_value(list(check.views))}")
    return "\n".join(out) + "\n"


__all__ = ["SpecFileError", "load_exercise_file", "register_exercise_files", "signal_table", "spec_to_toml"]
