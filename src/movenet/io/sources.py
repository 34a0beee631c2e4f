"""Expand command-line inputs (files, folders, glob patterns) into image paths."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".gif"})
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class ExpandedInputs:
    files: list[Path]
    errors: list[str]  # inputs that gave nothing, with the reason


def is_image_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES


def expand_inputs(inputs: list[str], recursive: bool = False) -> ExpandedInputs:
    """Files stay as given (a bad one fails later with its own message); folders give their
    images in name order; glob patterns are expanded (also when the shell did not)."""
    files: list[Path] = []
    errors: list[str] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            pattern = "**/*" if recursive else "*"
            found = sorted(p for p in path.glob(pattern) if is_image_file(p))
            if not found:
                how = "or its subfolders " if recursive else ""
                errors.append(
                    f"{path}: folder has no images in it {how}"
                    f"(looked for {', '.join(sorted(IMAGE_SUFFIXES))})"
                    + ("" if recursive else "; use --recursive for subfolders")
                )
            files.extend(found)
        elif not path.exists() and _GLOB_CHARS & set(item):
            found = sorted(Path(p) for p in glob.glob(item, recursive=recursive) if is_image_file(Path(p)))
            if not found:
                errors.append(f"{item}: pattern matches no image files")
            files.extend(found)
        else:
            files.append(path)
    return ExpandedInputs(files, errors)
