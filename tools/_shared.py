"""Where the tools find the data sets that are not in the repository (docs/data.md): the folder
named by the MOVENET_SHARED environment variable (as for the tests), by default `shared/` beside
the checkout."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MOVENET_SHARED", REPO.parent / "shared"))
DATA = SHARED / "data"
