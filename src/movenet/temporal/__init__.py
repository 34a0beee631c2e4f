"""What spans frames: filters, smoothing, tracking; each with reset()."""

from movenet.temporal.low_pass import CropRegionFilter, LowPassFilter
from movenet.temporal.one_euro import KeypointsFilter, OneEuroConfig, OneEuroFilter
from movenet.temporal.tracker import Tracker, box_iou, keypoint_oks

__all__ = [
    "CropRegionFilter", "KeypointsFilter", "LowPassFilter", "OneEuroConfig", "OneEuroFilter",
    "Tracker", "box_iou", "keypoint_oks",
]
