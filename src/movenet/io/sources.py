"""Expand command-line inputs (files, folders, glob patterns) into image (or video) paths."""

from __future__ import annotations

import glob
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".gif"})
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class ExpandedInputs:
    files: list[Path]
    errors: list[str]  # inputs that gave nothing, with the reason


def is_image_file(path: Path, suffixes: Collection[str] = IMAGE_SUFFIXES) -> bool:
    """A file with one of `suffixes`, or a broken link with one (kept, so that it is reported
    as failed instead of silently skipped); folders are never files, whatever their name."""
    if path.suffix.lower() not in suffixes:
        return False
    return path.is_file() or (path.is_symlink() and not path.exists())


def expand_inputs(
    inputs: list[str], recursive: bool = False, suffixes: Collection[str] = IMAGE_SUFFIXES, kind: str = "image"
) -> ExpandedInputs:
    """Files stay as given (a bad one fails later with its own message); folders give their
    images (files with `suffixes`, of `kind`) in name order; glob patterns are expanded (also
    when the shell did not)."""
    files: list[Path] = []
    errors: list[str] = []
    looked_for = ", ".join(sorted(suffixes))
    from movenet.io.streams import is_stream_url, redact_stream_url

    for item in inputs:
        if is_stream_url(item):  # never a path (Path() would turn rtsp://x into rtsp:/x)
            errors.append(f"{redact_stream_url(item)}: URLs are not downloaded here; give {kind} files or folders "
                          "(camera streams: movenet track / falls / watch URL)")
            continue
        path = Path(item)
        if path.is_dir():
            pattern = "**/*" if recursive else "*"
            found = sorted(p for p in path.glob(pattern) if is_image_file(p, suffixes))
            if not found:
                how = "or its subfolders " if recursive else ""
                errors.append(
                    f"{path}: folder has no {kind}s in it {how}(looked for {looked_for})"
                    + ("" if recursive else "; use --recursive for subfolders")
                )
            files.extend(found)
        elif not path.exists() and not path.is_symlink() and _GLOB_CHARS & set(item):
            found = sorted(Path(p) for p in glob.glob(item, recursive=recursive) if is_image_file(Path(p), suffixes))
            if not found:
                errors.append(f"{item}: pattern matches no {kind} files (looked for {looked_for})")
            files.extend(found)
        else:
            files.append(path)
    return ExpandedInputs(files, errors)
