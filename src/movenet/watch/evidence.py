"""Evidence clips the browser can play: the fall recorder writes MPEG-4 Part 2 (`mp4v`, what
OpenCV's wheels encode to .mp4), which browsers do not decode; the clip is re-encoded to WebM (VP8,
also in OpenCV's wheels) for the events page, and the .mp4 removed."""

from __future__ import annotations

from pathlib import Path


def browser_clip(mp4: Path) -> Path:
    """`mp4` re-encoded to .webm beside it (the .mp4 deleted); the .mp4 itself if that fails."""
    import cv2

    from movenet.io.video import _cv2

    _cv2()
    source = cv2.VideoCapture(str(mp4))
    fps = source.get(cv2.CAP_PROP_FPS) or 15.0
    target = mp4.with_suffix(".webm")
    writer = None
    try:
        while True:
            ok, bgr = source.read()
            if not ok:
                break
            if writer is None:
                writer = cv2.VideoWriter(str(target), cv2.VideoWriter_fourcc(*"VP80"), fps, (bgr.shape[1], bgr.shape[0]))
                if not writer.isOpened():
                    return mp4
            writer.write(bgr)
    finally:
        source.release()
        if writer is not None:
            writer.release()
    if writer is None or not target.exists() or target.stat().st_size == 0:
        return mp4
    mp4.unlink(missing_ok=True)
    return target
