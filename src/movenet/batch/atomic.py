"""Outputs appear whole or not at all: each is written to a temporary file in `<out>/.tmp/`, made
durable (fsync), then renamed to its final name (an atomic step on one filesystem). A run killed
at any moment leaves finished outputs intact and, at worst, temporary files that the next run
deletes; the manifest (written after the rename) decides what counts as done."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

TEMP_DIR = ".tmp"


def temp_path(out_dir: Path, suffix: str) -> Path:
    """A fresh temporary path under `out_dir/.tmp/` ending in `suffix` (writers choose the format
    by suffix)."""
    return out_dir / TEMP_DIR / f"{uuid.uuid4().hex}{suffix}"


def fsync_path(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit(temps: dict[str, Path], finals: dict[str, Path]) -> None:
    """Rename every temporary file to its final path, each made durable first."""
    for kind, temp in temps.items():
        final = finals[kind]
        final.parent.mkdir(parents=True, exist_ok=True)
        fsync_path(temp)
        os.replace(temp, final)
        fsync_path(final.parent, directory=True)


def write_atomic(path: Path, text: str) -> None:
    """A small text file (the summary) written whole or not at all."""
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    temp.write_text(text)
    fsync_path(temp)
    os.replace(temp, path)


def clear_temporaries(out_dir: Path) -> None:
    """Delete what interrupted runs left in `<out>/.tmp/` (call while holding the run lock)."""
    shutil.rmtree(out_dir / TEMP_DIR, ignore_errors=True)
