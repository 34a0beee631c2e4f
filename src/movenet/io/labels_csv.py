"""The header check of a labelled-clips CSV (`movenet falls eval`, `movenet exercise eval`)."""

from __future__ import annotations

import csv
from pathlib import Path

from movenet.errors import InvalidInputError


def checked_reader(stream, path: str | Path, required: tuple[str, ...], optional: tuple[str, ...]) -> csv.DictReader:
    """A DictReader over `stream` whose header has every `required` column and nothing outside
    `required + optional`; otherwise a one-line error naming the file, row 1 and the columns."""
    reader = csv.DictReader(stream)
    columns = reader.fieldnames or []
    missing = [c for c in required if c not in columns]
    unknown = [c for c in columns if c not in required + optional]
    if missing or unknown:
        what = f"missing column {missing[0]!r}" if missing else f"unknown column {unknown[0]!r}"
        raise InvalidInputError(f"{path}, row 1: {what}; columns: {', '.join(required)} and optionally {', '.join(optional)}")
    return reader
