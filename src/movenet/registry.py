"""One frozen spec per model variant, and the only place that knows which variants exist.

The numbers come from the official graphs (`shared/models/tfjs/*.json`): channel widths of every
layer, the head names and sizes, the fixed input sizes. `movenet.weights.convert` checks every spec
against its graph when it converts the official weights.

Two families: `ModelSpec` (MoveNet: MobileNetV2 + FPN + CenterNet heads, decoding in the graph,
int32 input) and `PoseNetSpec` (PoseNet, the older baseline: MobileNetV1, four heads, decoding in
Python, float input of any size 16k+1). Each spec has `family`, `input_dtype`, `output_stride`,
`accepts_size()` and `size_rule`; code that only applies to one family asks `spec.family`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

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
    """Everything that defines one MoveNet variant: architecture, input contract, official source."""

    family: ClassVar[str] = "movenet"
    input_dtype: ClassVar[str] = "int32"  # the official graph's input: RGB 0..255 as int32

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

    @property
    def output_stride(self) -> int:
        return OUTPUT_STRIDE

    @property
    def default_max_poses(self) -> int:
        return self.max_poses

    def output_size(self, input_size: tuple[int, int]) -> tuple[int, int]:
        return input_size[0] // OUTPUT_STRIDE, input_size[1] // OUTPUT_STRIDE

    def accepts_size(self, height: int, width: int) -> bool:
        """Whether the network takes an input of this size."""
        if self.input_size is not None:
            return (height, width) == self.input_size
        return height > 0 and width > 0 and height % INPUT_MULTIPLE == 0 and width % INPUT_MULTIPLE == 0

    @property
    def size_rule(self) -> str:
        if self.input_size is not None:
            return f"{self.input_size[0]}x{self.input_size[1]} inputs"
        return f"any height and width that are positive multiples of {INPUT_MULTIPLE}"


# PoseNet's four heads at its output stride (graph outputs `MobilenetV1/<name>_2/BiasAdd`).
POSENET_HEADS = (
    HeadSpec("heatmap", 17),  # part heatmap logits (sigmoid -> part scores)
    HeadSpec("offset", 34),  # short-range (dy..., dx...) offsets in input pixels, 17 y then 17 x
    HeadSpec("displacement_fwd", 32),  # parent -> child displacements, 16 edges: 16 y then 16 x
    HeadSpec("displacement_bwd", 32),  # child -> parent displacements
)


@dataclass(frozen=True)
class PoseNetSpec:
    """PoseNet (MobileNetV1), Google's previous pose model, as a comparison baseline.

    Channel widths and strides are read off `shared/models/tfjs/posenet.json`: a MobileNetV1 with
    width multiplier 0.75 whose last seven separable blocks stay at 384 channels, output stride 16
    (block 12 has stride 1, as in PoseNet 1.x's `mobileNet75Architecture`; nothing is dilated),
    four 1x1 heads. Its convolutions
    take any input of side 16k + 1 (TF "SAME" padding then pads 1 pixel on every side of every
    3x3 conv, stride 1 or 2); the output maps are (side - 1) / 16 + 1.
    """

    family: ClassVar[str] = "posenet"
    input_dtype: ClassVar[str] = "float32"  # the official client feeds the resized image as float

    name: str
    description: str
    multi_pose: bool
    default_input_size: tuple[int, int]
    width_multiplier: float
    stem_channels: int  # Conv2d_0, 3x3 stride 2
    block_channels: tuple[int, ...]  # pointwise widths of the separable blocks Conv2d_1..13
    block_strides: tuple[int, ...]  # depthwise strides of those blocks
    output_stride: int
    heads: tuple[HeadSpec, ...]
    max_poses: int  # upper bound of max_poses (ours; the official client has none)
    default_max_poses: int  # official multi-person default maxDetections
    tfjs_graph: str
    weights_file: str
    source: str
    input_size: tuple[int, int] | None = None  # any (16k + 1) x (16k + 1)

    @property
    def head_channels(self) -> dict[str, int]:
        return {h.name: h.channels for h in self.heads}

    def output_size(self, input_size: tuple[int, int]) -> tuple[int, int]:
        return (input_size[0] - 1) // self.output_stride + 1, (input_size[1] - 1) // self.output_stride + 1

    def accepts_size(self, height: int, width: int) -> bool:
        return height > 1 and width > 1 and (height - 1) % self.output_stride == 0 and (width - 1) % self.output_stride == 0

    @property
    def size_rule(self) -> str:
        s = self.output_stride
        return f"any height and width of the form {s}k + 1 (e.g. 257, 353, 385)"


AnySpec = ModelSpec | PoseNetSpec


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
        PoseNetSpec(
            name="posenet",
            description="PoseNet MobileNetV1 0.75, stride 16: the older baseline, for comparison",
            multi_pose=True,
            default_input_size=(257, 257),  # the official client's default inputResolution
            width_multiplier=0.75,
            stem_channels=24,
            block_channels=(48, 96, 96, 192, 192, 384, 384, 384, 384, 384, 384, 384, 384),
            block_strides=(1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1),
            output_stride=16,
            heads=POSENET_HEADS,
            max_poses=20,
            default_max_poses=5,  # posenet_model.ts MULTI_PERSON_INFERENCE_CONFIG.maxDetections
            tfjs_graph="posenet",
            weights_file="posenet.safetensors",
            source="@tensorflow-models/posenet MobileNetV1 075 stride 16 (via atomicbits/posenet-python)",
        ),
    )
}
FAMILIES = ("movenet", "posenet")


def list_models(family: str | None = None) -> list[str]:
    """Names of every model variant (or of one family: "movenet", "posenet"), in registry order."""
    if family is not None and family not in FAMILIES:
        raise UnknownModelError(f"unknown model family {family!r}; valid families: {', '.join(FAMILIES)}")
    return [name for name, spec in _REGISTRY.items() if family is None or spec.family == family]


def get_spec(name: str) -> AnySpec:
    """The spec of `name`; an unknown name raises UnknownModelError listing the valid ones."""
    if isinstance(name, (ModelSpec, PoseNetSpec)):
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
