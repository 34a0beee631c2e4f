"""One frozen spec per model variant, and the only place that knows which variants exist.

The numbers come from the official graphs (`shared/models/tfjs/movenet-*.json`): channel widths
of every layer, the head names and sizes, the fixed input sizes. `movenet.weights.convert` checks
every spec against its graph when it converts the official weights.
"""

from __future__ import annotations

from dataclasses import dataclass

from movenet.errors import UnknownModelError

INPUT_MULTIPLE = 32  # the backbone's total stride: MultiPose accepts H, W multiples of this
OUTPUT_STRIDE = 4  # head maps are H/4 x W/4 (48x48 at 192, 64x64 at 256)


@dataclass(frozen=True)
class HeadSpec:
    """One CenterNet head: its name (the graph's scope, e.g. `kpt_heatmap_0/...`) and width."""

    name: str
    channels: int


SINGLE_POSE_HEADS = (
    HeadSpec("kpt_heatmap", 17),  # one heatmap per keypoint
    HeadSpec("kpt_regress", 34),  # (dy, dx) from the person centre to each keypoint
    HeadSpec("center", 1),  # person-centre heatmap
    HeadSpec("kpt_offset", 34),  # (dy, dx) sub-pixel offset of each keypoint
)
MULTI_POSE_HEADS = SINGLE_POSE_HEADS + (
    HeadSpec("box_scale", 2),  # (height, width) of each person's box, in output pixels
    HeadSpec("box_offset", 2),  # (dy, dx) sub-pixel offset of each person's centre
)


@dataclass(frozen=True)
class ModelSpec:
    """Everything that defines one variant: architecture, input contract, official source."""

    name: str
    description: str
    multi_pose: bool
    input_size: tuple[int, int] | None  # fixed (height, width); None: any multiple of 32
    default_input_size: tuple[int, int]
    width_multiplier: float  # MobileNetV2 alpha
    last_channels: int  # the 1x1 conv after the last inverted residual block
    fpn_channels: tuple[int, int, int, int]  # lateral widths at strides 32, 16, 8, 4
    head_hidden_channels: int
    heads: tuple[HeadSpec, ...]
    max_poses: int
    tfjs_graph: str  # file stem in shared/models/tfjs/
    weights_file: str  # file name in movenet/weights/
    source: str  # TF Hub handle of the official model

    @property
    def head_channels(self) -> dict[str, int]:
        return {h.name: h.channels for h in self.heads}

    def output_size(self, input_size: tuple[int, int]) -> tuple[int, int]:
        return input_size[0] // OUTPUT_STRIDE, input_size[1] // OUTPUT_STRIDE


_COMMON = dict(last_channels=1280, fpn_channels=(64, 64, 32, 24), head_hidden_channels=96)

_REGISTRY: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="lightning",
            description="SinglePose Lightning v4: 192x192, fastest",
            multi_pose=False,
            input_size=(192, 192),
            default_input_size=(192, 192),
            width_multiplier=1.0,
            heads=SINGLE_POSE_HEADS,
            max_poses=1,
            tfjs_graph="movenet-lightning",
            weights_file="lightning.safetensors",
            source="movenet/singlepose/lightning/4",
            **_COMMON,
        ),
        ModelSpec(
            name="thunder",
            description="SinglePose Thunder v4: 256x256, most accurate",
            multi_pose=False,
            input_size=(256, 256),
            default_input_size=(256, 256),
            width_multiplier=1.75,
            heads=SINGLE_POSE_HEADS,
            max_poses=1,
            tfjs_graph="movenet-thunder",
            weights_file="thunder.safetensors",
            source="movenet/singlepose/thunder/4",
            **_COMMON,
        ),
        ModelSpec(
            name="multipose",
            description="MultiPose Lightning v1: up to 6 people, any H, W multiple of 32",
            multi_pose=True,
            input_size=None,
            default_input_size=(256, 256),
            width_multiplier=1.5,  # read off the graph: stem 48 = 32 x 1.5
            heads=MULTI_POSE_HEADS,
            max_poses=6,
            tfjs_graph="movenet-multipose",
            weights_file="multipose.safetensors",
            source="movenet/multipose/lightning/1",
            **_COMMON,
        ),
    )
}


def list_models() -> list[str]:
    """Names of every model variant, in registry order."""
    return list(_REGISTRY)


def get_spec(name: str) -> ModelSpec:
    """The spec of `name`; an unknown name raises UnknownModelError listing the valid ones."""
    if isinstance(name, ModelSpec):
        return name
    if not isinstance(name, str):
        raise UnknownModelError(
            f"model name must be a string, got {type(name).__name__}; "
            f"valid names: {', '.join(_REGISTRY)}"
        )
    key = name.strip().lower()
    if key not in _REGISTRY:
        raise UnknownModelError(f"unknown model {name!r}; valid names: {', '.join(_REGISTRY)}")
    return _REGISTRY[key]
