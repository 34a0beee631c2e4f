"""Image -> poses: the only orchestrators of preprocess, runtime and decoding."""

from movenet.pipelines.multi_pose import MultiPoseDetector, MultiPoseOptions
from movenet.pipelines.single_pose import SinglePoseDetector, SinglePoseOptions

__all__ = ["MultiPoseDetector", "MultiPoseOptions", "SinglePoseDetector", "SinglePoseOptions"]
