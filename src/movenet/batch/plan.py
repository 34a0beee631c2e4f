"""Which inputs a batch has, and the output name of each (stable across reruns).

Files, folders (their files with the task's suffixes, in name order; `recursive` for subfolders)
and glob patterns, as `movenet predict` takes them. An input's output name is its path relative
to the folder it was found in, under that folder's own name (`clips/a/1.mp4` from `clips/`), or
its file name; the task adds its suffixes (`clips/a/1.mp4.jsonl`). Two inputs that would share a
name get `~2`, `~3`; an input keeps the name the manifest gave it in an earlier run.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from movenet.io.sources import expand_inputs


@dataclass(frozen=True)
class Item:
    source: Path  # absolute, links not resolved (a broken link is an input that fails)
    name: str  # relative output name, posix


def _name(found: Path, argument: Path) -> str:
    if argument.is_dir():
        root = argument.resolve()
        return (Path(root.name or "root") / found.absolute().relative_to(argument.absolute())).as_posix()
    return found.name


def plan_items(
    inputs: list[str], suffixes: Collection[str], recursive: bool, kind: str, previous_names: dict[str, str]
) -> tuple[list[Item], list[str]]:
    """The inputs to process (each once) with their output names, and the arguments that gave none."""
    items: list[Item] = []
    errors: list[str] = []
    seen: set[Path] = set()
    claimed = {name: source for source, name in previous_names.items()}
    for argument in inputs:
        expanded = expand_inputs([argument], recursive, suffixes, kind)
        errors.extend(expanded.errors)
        for found in expanded.files:
            source = found.absolute()
            if source in seen:
                continue
            seen.add(source)
            name = previous_names.get(str(source)) or _name(found, Path(argument))
            base, n = name, 2
            while claimed.get(name, str(source)) != str(source):
                name, n = f"{base}~{n}", n + 1
            claimed[name] = str(source)
            items.append(Item(source, name))
    return items, errors
