"""Image (and later video) sources."""

from movenet.io.image import load_image

__all__ = ["load_image"]
