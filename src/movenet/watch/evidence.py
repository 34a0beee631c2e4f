"""Evidence clips the browser can play. The fall recorder (`falls.evidence`) writes its clips with
`movenet.io.video.VideoWriter`: H.264 in MP4 through PyAV (a core dependency), which browsers play
as it is. Only a clip in another codec (OpenCV's MPEG-4 Part 2 `mp4v`, where PyAV's encoder is
missing) is re-encoded, to WebM (VP9 through PyAV, else OpenCV's VP8), for the events page."""

from __future__ import annotations

from pathlib import Path

BROWSER_CODECS = frozenset({"h264", "vp8", "vp9", "av1"})  # what Chromium and Firefox decode


def video_codec(path: Path) -> str | None:
    """The codec of the first video stream of `path` (FFmpeg's name, e.g. "h264"), None if unreadable."""
    try:
        import av

        with av.open(str(path)) as container:
            return container.streams.video[0].codec_context.name
    except Exception:  # noqa: BLE001 - PyAV missing, or no readable video stream: not known
        return None


def browser_clip(mp4: Path) -> Path:
    """`mp4` itself when browsers play its codec; else re-encoded to .webm beside it (the .mp4
    deleted), or the .mp4 if that fails."""
    if video_codec(mp4) in BROWSER_CODECS:
        return mp4
    import warnings

    from movenet.io.video import VideoSource, VideoWriter

    target = mp4.with_suffix(".webm")
    try:
        with VideoSource(str(mp4)) as source, warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # PyAV's VP9 missing: OpenCV's VP8, said below
            with VideoWriter(target, source.fps or 15.0) as writer:
                for frame in source:
                    writer.write(frame.image)
    except Exception:  # noqa: BLE001 - the .mp4 stays the evidence
        target.unlink(missing_ok=True)
        return mp4
    if not target.exists() or target.stat().st_size == 0:
        return mp4
    mp4.unlink(missing_ok=True)
    return target
