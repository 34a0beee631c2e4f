"""Where movenet keeps its files: the user's data directory (the XDG base-directory rules on Linux,
the platform's own folder elsewhere, through `platformdirs`), or `$MOVENET_DATA_DIR`."""

from __future__ import annotations

import os
from pathlib import Path

# The environment variable that moves every file movenet keeps (databases, evidence, profiles).
DATA_DIR_ENV = "MOVENET_DATA_DIR"
APP_NAME = "movenet"


def data_dir(create: bool = True) -> Path:
    """The folder for movenet's databases and files: `$MOVENET_DATA_DIR` if set, else the
    platform's user data directory (`~/.local/share/movenet` on Linux)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        path = Path(override).expanduser()
    else:
        try:
            from platformdirs import user_data_dir
        except ImportError:  # the light install: follow XDG by hand
            base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
            path = Path(base) / APP_NAME
        else:
            path = Path(user_data_dir(APP_NAME, appauthor=False))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path
