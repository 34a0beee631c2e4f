"""Low-pass filters: MediaPipe's `low_pass_filter.cc` as in pose-detection `shared/filters`."""

from __future__ import annotations

import math

from movenet.preprocess.crop import CropRegion

CROP_FILTER_ALPHA = 0.9  # movenet/constants.ts CROP_FILTER_ALPHA


class LowPassFilter:
    """y = y_prev + alpha (x - y_prev); with a threshold t: y_prev + alpha t asinh((x - y_prev) / t).

    The first value passes through unchanged.
    """

    def __init__(self, alpha: float) -> None:
        self.alpha = float(alpha)
        self.reset()

    def reset(self) -> None:
        self.initialized = False
        self.stored: float = 0.0
        self.raw: float = 0.0

    def apply_with_alpha(self, value: float, alpha: float, threshold: float | None = None) -> float:
        self.alpha = alpha
        return self.apply(value, threshold)

    def apply(self, value: float, threshold: float | None = None) -> float:
        if not self.initialized:
            result = float(value)
            self.initialized = True
        elif threshold is None:
            result = self.stored + self.alpha * (value - self.stored)
        else:
            result = self.stored + self.alpha * threshold * math.asinh((value - self.stored) / threshold)
        self.raw = float(value)
        self.stored = result
        return result


class CropRegionFilter:
    """One low-pass filter per crop coordinate (the detector's `filterCropRegion`)."""

    def __init__(self, alpha: float = CROP_FILTER_ALPHA) -> None:
        self._filters = [LowPassFilter(alpha) for _ in range(4)]

    def reset(self) -> None:
        for f in self._filters:
            f.reset()

    def apply(self, region: CropRegion) -> CropRegion:
        values = (region.y_min, region.x_min, region.y_max, region.x_max)
        return CropRegion(*(f.apply(v) for f, v in zip(self._filters, values)))
