"""What spans frames: filters (and later smoothing and tracking), each with reset()."""

from movenet.temporal.low_pass import CropRegionFilter, LowPassFilter

__all__ = ["CropRegionFilter", "LowPassFilter"]
