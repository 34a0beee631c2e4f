"""Image -> model input: validation, exact crop-and-resize, MultiPose resize-and-pad."""

from movenet.preprocess.crop import CropRegion, crop_and_resize, resize_and_pad
from movenet.preprocess.validate import as_model_input

__all__ = ["CropRegion", "as_model_input", "crop_and_resize", "resize_and_pad"]
