"""Load the converted weights shipped in this package (or any file `convert` wrote).

Float tensors are stored as float16 (the precision of the official graphs) and widened to
float32 here. A missing, damaged or mismatched file raises WeightsError saying what is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.numpy import load

from movenet.codec.constants import MultiPoseDecoding, SinglePoseDecoding
from movenet.errors import WeightsError
from movenet.model import build_network
from movenet.model.movenet import MoveNet
from movenet.model.posenet import PoseNet
from movenet.registry import AnySpec, get_spec

PACKAGE_WEIGHTS_DIR = Path(__file__).resolve().parent
Decoding = SinglePoseDecoding | MultiPoseDecoding


def weights_path(spec: AnySpec | str) -> Path:
    return PACKAGE_WEIGHTS_DIR / get_spec(spec).weights_file


def read_weights(path: str | Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    path = Path(path)
    if not path.is_file():
        raise WeightsError(
            f"weight file not found: {path} (regenerate it with "
            "`movenet convert-weights --tfjs-dir <folder with movenet-*.json>`)"
        )
    data = path.read_bytes()
    try:
        tensors = load(data)
        with_meta = _metadata(data)
    except (SafetensorError, ValueError, json.JSONDecodeError) as exc:
        raise WeightsError(f"{path}: not a valid weight file ({exc})") from exc
    if with_meta.get("format") != "movenet-weights":
        raise WeightsError(f"{path}: not a movenet weight file (metadata {with_meta})")
    return tensors, with_meta


def _metadata(data: bytes) -> dict[str, str]:
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + size])
    return header.get("__metadata__", {})


def load_model(
    spec: AnySpec | str, path: str | Path | None = None
) -> tuple[MoveNet | PoseNet, Decoding | None]:
    """The network with the official weights (eval mode, float32) and its decoding constants
    (PoseNet: None; its decoding runs in Python, `movenet.codec.posenet`)."""
    spec = get_spec(spec)
    path = Path(path) if path is not None else weights_path(spec)
    tensors, meta = read_weights(path)
    if meta.get("model") != spec.name:
        raise WeightsError(f"{path} holds weights of model {meta.get('model')!r}, not {spec.name!r}")
    model = build_network(spec)
    state = model.state_dict()
    expected, given = set(state), {k for k in tensors if not k.startswith("decode.")}
    if expected != given:
        missing, extra = sorted(expected - given), sorted(given - expected)
        raise WeightsError(f"{path}: does not fit {spec.name}: missing {missing}, unexpected {extra}")
    for key, value in state.items():
        if tuple(tensors[key].shape) != tuple(value.shape):
            raise WeightsError(
                f"{path}: tensor {key!r} has shape {tuple(tensors[key].shape)}, "
                f"the model needs {tuple(value.shape)}"
            )
        state[key] = torch.from_numpy(tensors[key].astype(np.float32))
    model.load_state_dict(state)
    model.eval()
    if spec.family == "posenet":
        return model, None
    return model, decoding_from_file(spec, tensors, meta, path)


def _scalar(array: np.ndarray) -> float:
    if array.size != 1:
        raise ValueError(f"expected a scalar, got shape {array.shape}")
    return float(array.reshape(-1)[0])


def decoding_from_file(
    spec: AnySpec, tensors: dict[str, np.ndarray], meta: dict[str, str], path: Path
) -> Decoding:
    try:
        if spec.multi_pose:
            return MultiPoseDecoding(
                peak_pool_size=int(meta["decode.peak_pool_size"]),
                peak_tolerance=_scalar(tensors["decode.peak_tolerance"]),
                max_poses=int(meta["decode.max_poses"]),
                sigma_scale=_scalar(tensors["decode.sigma_scale"]),
                keypoint_score_threshold=_scalar(tensors["decode.keypoint_score_threshold"]),
                output_stride=_scalar(tensors["decode.output_stride"]),
            )
        y_scale, x_scale = tensors["decode.output_scale"].astype(np.float32).tolist()
        return SinglePoseDecoding(
            center_weight=tensors["decode.center_weight"].astype(np.float32),
            distance_epsilon=_scalar(tensors["decode.distance_epsilon"]),
            output_scale=(y_scale, x_scale),
        )
    except (KeyError, ValueError) as exc:
        raise WeightsError(f"{path}: decoding constant missing or damaged: {exc}") from exc
