"""COCO keypoint evaluation: protocols, OKS AP with pycocotools, per-keypoint breakdown."""

from movenet.eval.dataset import (
    CocoKeypoints,
    ImageRecord,
    PersonAnnotation,
    load_coco_keypoints,
)
from movenet.eval.evaluate import EvalReport, evaluate, evaluate_results, predict, score
from movenet.eval.metrics import (
    KeypointAP,
    KeypointBreakdown,
    object_keypoint_similarity,
)
from movenet.eval.protocols import (
    CROP_MARGIN,
    PROTOCOLS,
    Sample,
    crop_region,
    select_samples,
)

__all__ = [
    "CROP_MARGIN", "PROTOCOLS", "CocoKeypoints", "EvalReport", "ImageRecord", "KeypointAP",
    "KeypointBreakdown", "PersonAnnotation", "Sample", "crop_region", "evaluate", "evaluate_results",
    "load_coco_keypoints", "object_keypoint_similarity", "predict", "score", "select_samples",
]
