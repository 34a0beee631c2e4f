"""Read and check a programme file (TOML or JSON): `load_programme(path) -> Programme`.

Every problem is reported with its file and line (`ProgrammeError`, one line per problem, all of
them at once), what was wrong and what is accepted. The format (docs/guide/programmes.md):

    [programme]
    name = "Knee programme, weeks 1-4"
    notes = "Warm up first."              # shown to the patient at the start

    [[item]]
    exercise = "squat"                    # movenet.exercise.list_exercises()
    sets = 3
    reps = 10                             # or time_s = 30 (a timed set)
    rest_s = 60
    tempo = "2-1-2"                       # seconds down, held, up
    hold_s = 0                            # each repetition held this long at the far end
    side = "both"                         # both / left / right / each (every set once per side)
    target_rom = { knee = { at_most = 100 } }   # per joint; knee = both knees, left_knee, trunk, ...
    options = { enter_deg = 125 }         # the exercise spec's numbers, overridden
    notes = "Chair behind you."

    [[item]]
    test = "single-leg-stance"            # standard_tests.TESTS
    side = "each"
    time_s = 30
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from movenet.errors import InvalidOptionError, MovenetError
from movenet.programme.locate import json_lines, line_for, toml_lines
from movenet.programme.model import SIDES, ExerciseItem, Programme, RomTarget, TestItem, Tempo
from movenet.programme.standard_tests import TESTS, canonical_test, is_number

MAX_FILE_BYTES = 1_000_000
MAX_ITEMS = 50
LIMITS = {  # key: (min, max) accepted
    "sets": (1, 20), "reps": (1, 200), "time_s": (1.0, 600.0), "rest_s": (0.0, 900.0), "hold_s": (0.0, 120.0),
    "trials": (1, 5), "deg": (0.0, 180.0),
}
PROGRAMME_KEYS = ("name", "notes", "author")
EXERCISE_KEYS = ("exercise", "label", "sets", "reps", "time_s", "rest_s", "tempo", "hold_s", "side", "target_rom", "options", "notes")
TEST_KEYS = ("test", "label", "side", "trials", "rest_s", "time_s", "notes")
ROM_KEYS = ("at_most", "at_least", "range_deg")
DEFAULT_REST_S = 60.0
_TEMPO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$")


class ProgrammeError(MovenetError, ValueError):
    """A programme file that cannot be used: every problem, one line each, `FILE:LINE: message`."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class _Checker:
    def __init__(self, source: str, lines: dict) -> None:
        self.source, self.lines, self.problems = source, lines, []

    def error(self, path: tuple, message: str) -> None:
        line = line_for(self.lines, path)
        where = f"{self.source}:{line}" if line else self.source
        self.problems.append(f"{where}: {message}")

    def unknown_keys(self, table: dict, path: tuple, known: tuple[str, ...], what: str) -> None:
        for key in table:
            if key not in known:
                self.error((*path, key), f"unknown key {key!r} in {what}; accepted: {', '.join(known)}")

    def text(self, table: dict, key: str, path: tuple, default: str = "", required: bool = False) -> str:
        if key not in table:
            if required:
                self.error(path, f"{_where(path)} needs {key} = \"...\"")
            return default
        value = table[key]
        if not isinstance(value, str):
            self.error((*path, key), f"{key} must be text in quotes, got {value!r}")
            return default
        return value.strip()

    def number(self, table: dict, key: str, path: tuple, default, limits: str | None = None, integer: bool = False):
        if key not in table:
            return default
        value = table[key]
        lo, hi = LIMITS[limits or key]
        kind = "a whole number" if integer else "a number"
        if not is_number(value) or (integer and not float(value).is_integer()):
            self.error((*path, key), f"{key} must be {kind} from {lo:g} to {hi:g}, got {value!r}")
            return default
        if not lo <= value <= hi:
            self.error((*path, key), f"{key} must be from {lo:g} to {hi:g}, got {value:g}")
            return default
        return int(value) if integer else float(value)


def _where(path: tuple) -> str:
    if len(path) >= 2 and path[0] == "item":
        return f"item {path[1] + 1}"
    return "[programme]" if path == ("programme",) else "the file"


def parse_programme(text: str, source: str = "<programme>", fmt: str | None = None) -> Programme:
    """Parse and check programme text; `fmt` "toml" or "json" (default: from `source`'s suffix,
    else JSON when the text starts with '{')."""
    fmt = (fmt or Path(source).suffix.lstrip(".") or ("json" if text.lstrip().startswith("{") else "toml")).lower()
    if fmt not in ("toml", "json"):
        raise ProgrammeError([f"{source}: a programme is a .toml or .json file, got .{fmt}"])
    if fmt == "toml":
        try:
            import tomllib
        except ImportError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+)", str(exc))
            raise ProgrammeError([f"{source}:{match.group(1) if match else '?'}: not valid TOML: {exc}"]) from None
        lines = toml_lines(text)
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProgrammeError([f"{source}:{exc.lineno}: not valid JSON: {exc.msg} (column {exc.colno})"]) from None
        if not isinstance(data, dict):
            raise ProgrammeError([f"{source}:1: a programme is a JSON object with \"programme\" and \"item\""])
        lines = json_lines(text)
    return _build(data, source, lines)


def load_programme(path: str | Path) -> Programme:
    """Read a .toml or .json programme file (ProgrammeError listing every problem)."""
    path = Path(path)
    if not path.is_file():
        raise ProgrammeError([f"{path}: no such programme file"])
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ProgrammeError([f"{path}: {path.stat().st_size} bytes: a programme file is at most {MAX_FILE_BYTES} bytes"])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ProgrammeError([f"{path}: not UTF-8 text"]) from None
    return parse_programme(text, str(path))


def _build(data: dict, source: str, lines: dict) -> Programme:
    c = _Checker(source, lines)
    c.unknown_keys(data, (), ("programme", "item", "items"), "the file")
    head = data.get("programme", {})
    if not isinstance(head, dict):
        c.error(("programme",), "programme must be a table: [programme] with name = \"...\"")
        head = {}
    if "programme" not in data:
        c.error((), "the file needs a [programme] table with name = \"...\"")
    c.unknown_keys(head, ("programme",), PROGRAMME_KEYS, "[programme]")
    name = c.text(head, "name", ("programme",), required="programme" in data)
    key = "items" if "items" in data and "item" not in data else "item"
    raw_items = data.get(key, [])
    if not isinstance(raw_items, list) or not all(isinstance(x, dict) for x in raw_items):
        c.error((key,), "item must be an array of tables ([[item]] in TOML, \"item\": [{...}] in JSON)")
        raw_items = []
    if not raw_items:
        c.error((key,) if key in data else (), "the programme has no [[item]]: add at least one exercise or test")
    if len(raw_items) > MAX_ITEMS:
        c.error((key, MAX_ITEMS), f"{len(raw_items)} items: at most {MAX_ITEMS}")
    items = []
    for i, raw in enumerate(raw_items[:MAX_ITEMS]):
        path = (key, i)
        if ("exercise" in raw) == ("test" in raw):
            c.error(path, f"item {i + 1} needs exactly one of exercise = \"NAME\" or test = \"NAME\"")
            continue
        item = _exercise(c, raw, path) if "exercise" in raw else _test(c, raw, path)
        if item is not None:
            items.append(item)
    if c.problems:
        raise ProgrammeError(c.problems)
    return Programme(name=name, items=tuple(items), notes=c.text(head, "notes", ("programme",)),
                     author=c.text(head, "author", ("programme",)), source=source)


def _exercise(c: _Checker, raw: dict, path: tuple) -> ExerciseItem | None:
    from movenet.exercise import MEASURES, get_exercise, list_exercises

    before = len(c.problems)
    c.unknown_keys(raw, path, EXERCISE_KEYS, f"exercise item {path[1] + 1}")
    name = c.text(raw, "exercise", path)
    spec = None
    try:
        spec = get_exercise(name)
    except (KeyError, ValueError):
        c.error((*path, "exercise"), f"unknown exercise {name!r}; known: {', '.join(list_exercises())}")
    sets = c.number(raw, "sets", path, 1, integer=True)
    reps = c.number(raw, "reps", path, None, integer=True)
    time_s = c.number(raw, "time_s", path, None)
    if reps is None and time_s is None and "reps" not in raw and "time_s" not in raw:
        c.error(path, f"item {path[1] + 1} ({name}) needs reps = N (or time_s = S for a timed set)")
    rest_s = c.number(raw, "rest_s", path, DEFAULT_REST_S)
    hold_s = c.number(raw, "hold_s", path, 0.0)
    side = _side(c, raw, path, SIDES)
    tempo = None
    if "tempo" in raw:
        m = _TEMPO.match(raw["tempo"]) if isinstance(raw["tempo"], str) else None
        if m is None:
            c.error((*path, "tempo"), f"tempo must be \"DOWN-HOLD-UP\" in seconds, e.g. \"3-1-2\", got {raw['tempo']!r}")
        else:
            tempo = Tempo(*(float(g) for g in m.groups()))
            if tempo.total_s <= 0 or max(tempo.down_s, tempo.hold_s, tempo.up_s) > 30:
                c.error((*path, "tempo"), f"tempo {raw['tempo']!r}: each part 0-30 s, not all 0")
                tempo = None
    targets: list[RomTarget] = []
    rom = raw.get("target_rom", {})
    if not isinstance(rom, dict):
        c.error((*path, "target_rom"), "target_rom must be a table: { knee = { at_most = 100 } }")
        rom = {}
    joints = sorted({m.split("_", 1)[1] for m in MEASURES if m.startswith("left_")}) + ["trunk"]
    for joint, bounds in rom.items():
        jpath = (*path, "target_rom", joint)
        if joint in MEASURES:
            measures = [joint]
        elif joint in joints:
            measures = [f"{s}_{joint}" for s in (("left", "right") if side in ("both", "each") else (side,))]
        else:
            c.error(jpath, f"unknown joint {joint!r} in target_rom; accepted: {', '.join(joints)} (both sides) or {', '.join(MEASURES)}")
            continue
        if not isinstance(bounds, dict) or not bounds:
            c.error(jpath, f"target_rom.{joint} must be a table of at_most / at_least / range_deg (degrees)")
            continue
        c.unknown_keys(bounds, jpath, ROM_KEYS, f"target_rom.{joint}")
        values = {k: c.number(bounds, k, jpath, None, limits="deg") for k in ROM_KEYS}
        if values["at_most"] is not None and values["at_least"] is not None and values["at_most"] < values["at_least"]:
            c.error(jpath, f"target_rom.{joint}: at_most {values['at_most']:g} is below at_least {values['at_least']:g}")
        if any(v is not None for v in values.values()):
            targets += [RomTarget(m, **values) for m in measures]
    options = raw.get("options", {})
    if not isinstance(options, dict):
        c.error((*path, "options"), "options must be a table of the exercise's numbers, e.g. { enter_deg = 110 }")
        options = {}
    elif options and spec is not None:
        bad = [k for k, v in options.items() if not is_number(v)]
        for k in bad:
            c.error((*path, "options", k), f"options.{k} must be a number, got {options[k]!r}")
        try:
            spec.with_options(**{k: float(v) for k, v in options.items() if k not in bad})
        except (InvalidOptionError, TypeError, ValueError) as exc:
            c.error((*path, "options"), f"options: {exc}")
    if hold_s and spec is not None and hold_s * 1000.0 > spec.max_active_ms:
        c.error((*path, "hold_s"), f"hold_s {hold_s:g}: {spec.name} allows at most {spec.max_active_ms / 1000:g} s at the far end")
    label = c.text(raw, "label", path) or (spec.description.capitalize() if spec else name)
    if len(c.problems) > before or spec is None:
        return None
    return ExerciseItem(spec.name, label, sets, reps, time_s, rest_s, tempo, hold_s, side, tuple(targets),
                        {k: float(v) for k, v in options.items()}, c.text(raw, "notes", path))


def _test(c: _Checker, raw: dict, path: tuple) -> TestItem | None:
    before = len(c.problems)
    c.unknown_keys(raw, path, TEST_KEYS, f"test item {path[1] + 1}")
    name = c.text(raw, "test", path)
    key = canonical_test(name)
    if key is None:
        c.error((*path, "test"), f"unknown test {name!r}; known: {', '.join(TESTS)}")
        return None
    spec = TESTS[key]
    side = _side(c, raw, path, spec.sides)
    time_s = None
    if spec.time_s is not None:
        default, lo, hi = spec.time_s
        value = raw.get("time_s", default)
        if not is_number(value) or not lo <= value <= hi:
            c.error((*path, "time_s"), f"time_s of {key} must be {lo:g} to {hi:g} seconds, got {value!r}")
        else:
            time_s = float(value)
    elif "time_s" in raw:
        c.error((*path, "time_s"), f"{key} has a fixed protocol: no time_s")
    trials = c.number(raw, "trials", path, 1, integer=True)
    rest_s = c.number(raw, "rest_s", path, DEFAULT_REST_S)
    if len(c.problems) > before:
        return None
    return TestItem(key, c.text(raw, "label", path) or spec.description.split(":")[0].capitalize(), side, trials, rest_s, time_s,
                    c.text(raw, "notes", path))


def _side(c: _Checker, raw: dict, path: tuple, accepted: tuple[str, ...]) -> str:
    value = raw.get("side", accepted[0])
    if not isinstance(value, str) or value.strip().lower() not in accepted:
        c.error((*path, "side"), f"side must be one of {', '.join(accepted)}, got {value!r}")
        return accepted[0]
    return value.strip().lower()


def _finite(x) -> bool:
    return is_number(x) and math.isfinite(x)
