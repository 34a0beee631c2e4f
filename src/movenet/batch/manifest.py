"""The manifest: `<out>/manifest.jsonl`, one JSON line per input and run, appended as each input
finishes (flushed and fsynced), never rewritten. Status "ok" (with the outputs, relative to the
output folder), "failed" (with the reason) or "skipped" (done in an earlier run).

Resuming: an input is done when its latest ok/failed line is "ok", was made with the same task
options, the input file still has the same size and modification time (st_size, st_mtime_ns:
cheap for thousands of videos, where a content hash would read every file again), and its
outputs exist. A line cut short by a kill is ignored (it is the last one).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST = "manifest.jsonl"


@dataclass(frozen=True)
class Record:
    input: str
    status: str  # "ok", "failed", "skipped"
    reason: str | None
    outputs: dict[str, str]  # output kind -> path relative to the output folder
    name: str  # the input's output name (relative path without the task suffix)
    size: int | None
    mtime_ns: int | None
    options: str  # BatchOptions.key(task)
    frames: int = 0
    seconds: float = 0.0
    warning: str | None = None
    run: str = ""


def fingerprint(path: Path) -> tuple[int | None, int | None]:
    try:
        stat = path.stat()
    except OSError:
        return None, None
    return stat.st_size, stat.st_mtime_ns


class Manifest:
    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST
        self.latest: dict[str, Record] = {}  # input -> its latest ok / failed record
        if self.path.exists():
            for line in self.path.read_text(errors="replace").splitlines():
                try:
                    record = Record(**json.loads(line))
                except (json.JSONDecodeError, TypeError):
                    continue  # a line cut short by a kill
                if record.status != "skipped":
                    self.latest[record.input] = record
        self._file = None

    def is_done(self, source: Path, options_key: str, out_dir: Path) -> bool:
        record = self.latest.get(str(source))
        return (
            record is not None and record.status == "ok" and record.options == options_key
            and (record.size, record.mtime_ns) == fingerprint(source)
            and all((out_dir / rel).is_file() for rel in record.outputs.values())
        )

    def append(self, record: Record) -> None:
        if self._file is None:
            needs_newline = False
            if self.path.exists() and self.path.stat().st_size > 0:
                with open(self.path, "rb") as existing:
                    existing.seek(-1, os.SEEK_END)
                    needs_newline = existing.read(1) != b"\n"
            self._file = open(self.path, "a")
            if needs_newline:  # after a line cut short by a kill
                self._file.write("\n")
        self._file.write(json.dumps(asdict(record)) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        if record.status != "skipped":
            self.latest[record.input] = record

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
