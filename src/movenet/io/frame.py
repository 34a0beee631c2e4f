"""`Frame`: one decoded video frame (index, timestamp in milliseconds, RGB pixels), as every video
source gives it (files, webcams, folders: `movenet.io.video`; camera URLs: `movenet.io.streams`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Frame:
    index: int
    timestamp_ms: float
    image: np.ndarray  # (H, W, 3) uint8 RGB
