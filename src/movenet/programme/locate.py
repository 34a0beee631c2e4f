"""Where a value sits in a programme file: the line of a key path, for TOML and JSON.

Python's `tomllib` and `json` give line numbers only for syntax errors; a programme that parses
but is wrong (an unknown exercise, reps = 0) needs its error to point at the line too. These
locators map a key path (`("item", 2, "reps")`) to the line where that key is written (or the
nearest enclosing table/object when the key itself is missing), from the text alone.
"""

from __future__ import annotations

import re

Path = tuple  # of str (keys) and int (array indices)

_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_TOML_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")
_INLINE_KEY = re.compile(r"""(?:^|[{,]\s*)((?:[A-Za-z0-9_-]+|"[^"]*")(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"))*)\s*=""")


def _split_dotted(text: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", text)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def toml_lines(text: str) -> dict[Path, int]:
    """Key path -> 1-based line, for tables, arrays of tables, keys and the keys of one-line
    inline tables. Multi-line arrays and strings: the line where the key is."""
    lines: dict[Path, int] = {}
    counts: dict[tuple, int] = {}  # array-of-tables path -> entries so far
    table: Path = ()
    in_string = None
    for number, line in enumerate(text.splitlines(), 1):
        if in_string:  # inside a multi-line string
            if in_string in line:
                in_string = None
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        header = _TOML_HEADER.match(line)
        if header and not _TOML_KEY.match(line):
            keys = _split_dotted(header.group(2))
            resolved: list = []
            for i, key in enumerate(keys):
                resolved.append(key)
                prefix = tuple(resolved)
                if prefix in counts and i < len(keys) - 1:  # a sub-table of the latest entry
                    resolved.append(counts[prefix] - 1)
            if header.group(1) == "[[":
                base = tuple(resolved)
                counts[base] = counts.get(base, 0) + 1
                lines.setdefault(base, number)
                table = (*base, counts[base] - 1)
            else:
                table = tuple(resolved)
            lines.setdefault(table, number)
            continue
        key = _TOML_KEY.match(line)
        if key:
            path = (*table, *_split_dotted(key.group(1)))
            for i in range(len(table) + 1, len(path) + 1):
                lines.setdefault(path[:i], number)
            rest = line[key.end():]
            for quote in ('"""', "'''"):
                if rest.count(quote) == 1:
                    in_string = quote
            if "{" in rest:  # keys of an inline table on this line
                depth_path = path
                for inner in _INLINE_KEY.finditer(rest[rest.index("{"):]):
                    sub = (*depth_path, *_split_dotted(inner.group(1)))
                    lines.setdefault(sub, number)
    return lines


def json_lines(text: str) -> dict[Path, int]:
    """Key path -> 1-based line of every key and array element of a JSON document (a small
    scanner: strings, numbers and literals are skipped, objects and arrays walked)."""
    lines: dict[Path, int] = {}
    pos, n = 0, len(text)
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def line_of(index: int) -> int:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= index:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def skip_ws(i: int) -> int:
        while i < n and text[i] in " \t\r\n":
            i += 1
        return i

    def string_end(i: int) -> int:  # i at the opening quote
        i += 1
        while i < n and text[i] != '"':
            i += 2 if text[i] == "\\" else 1
        return i + 1

    def value(i: int, path: Path) -> int:
        i = skip_ws(i)
        if i >= n:
            return i
        c = text[i]
        if c == "{":
            i = skip_ws(i + 1)
            while i < n and text[i] != "}":
                end = string_end(i)
                import json as _json

                try:
                    key = _json.loads(text[i:end])
                except ValueError:
                    return n
                lines.setdefault((*path, key), line_of(i))
                i = skip_ws(end)
                i = value(i + 1, (*path, key))  # past ':'
                i = skip_ws(i)
                if i < n and text[i] == ",":
                    i = skip_ws(i + 1)
            return i + 1
        if c == "[":
            i = skip_ws(i + 1)
            k = 0
            while i < n and text[i] != "]":
                lines.setdefault((*path, k), line_of(i))
                i = skip_ws(value(i, (*path, k)))
                k += 1
                if i < n and text[i] == ",":
                    i = skip_ws(i + 1)
            return i + 1
        if c == '"':
            return string_end(i)
        while i < n and text[i] not in ",]} \t\r\n":
            i += 1
        return i

    try:
        value(pos, ())
    except IndexError:
        pass
    return lines


def line_for(lines: dict[Path, int], path: Path) -> int | None:
    """The line of `path`, else of its nearest enclosing path that has one."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None
