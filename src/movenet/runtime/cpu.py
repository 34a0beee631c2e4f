"""What this CPU offers for reduced-precision inference: read once from the operating system.

Linux: the `flags` line of /proc/cpuinfo (the kernel's names, as `lscpu` shows them). Elsewhere
nothing is detected and every feature reads False; the engines still check for themselves (OpenVINO
reports its own OPTIMIZATION_CAPABILITIES), so this is for telling the user, not for deciding alone.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")
# feature -> kernel flags (any one suffices); names as in the Linux kernel's cpufeatures.h
FEATURE_FLAGS = {
    "avx2": ("avx2",),
    "avx512": ("avx512f",),
    "vnni": ("avx512_vnni", "avx_vnni"),  # int8 dot products (onnxruntime's and XNNPACK's int8 kernels)
    "bf16": ("avx512_bf16",),  # bfloat16 dot products in AVX-512
    "fp16": ("avx512_fp16",),  # float16 arithmetic in AVX-512
    "amx_bf16": ("amx_bf16",),  # Advanced Matrix Extensions tiles, bfloat16
    "amx_int8": ("amx_int8",),  # AMX tiles, int8
}


@dataclass(frozen=True)
class CpuFeatures:
    model: str
    flags: frozenset[str]

    def has(self, feature: str) -> bool:
        return any(flag in self.flags for flag in FEATURE_FLAGS[feature])

    @property
    def summary(self) -> str:
        """e.g. "Intel(R) Xeon(R) Processor: AVX2, AVX-512, VNNI, BF16, FP16, AMX-BF16, AMX-INT8"."""
        names = {"avx2": "AVX2", "avx512": "AVX-512", "vnni": "VNNI", "bf16": "BF16", "fp16": "FP16",
                 "amx_bf16": "AMX-BF16", "amx_int8": "AMX-INT8"}
        found = [names[f] for f in FEATURE_FLAGS if self.has(f)]
        return f"{self.model}: {', '.join(found) if found else 'no AVX2 / AVX-512 / VNNI / BF16 / AMX detected'}"


def parse_cpuinfo(text: str) -> CpuFeatures:
    """The model name and flags of the first processor listed in a /proc/cpuinfo text."""
    model, flags = platform.machine(), frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and model == platform.machine():
            model = value.strip()
        elif key == "flags" and not flags:
            flags = frozenset(value.split())
    return CpuFeatures(model, flags)


@cache
def cpu_features() -> CpuFeatures:
    try:
        return parse_cpuinfo(CPUINFO.read_text())
    except OSError:
        return CpuFeatures(platform.processor() or platform.machine(), frozenset())
