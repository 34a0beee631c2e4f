"""CPU feature detection from /proc/cpuinfo text (what `movenet bench` prints)."""

from movenet.runtime.cpu import cpu_features, parse_cpuinfo

XEON = """processor\t: 0
model name\t: Intel(R) Xeon(R) Processor
flags\t\t: fpu avx2 avx512f avx512_vnni avx512_bf16 amx_bf16 avx512_fp16 amx_tile amx_int8
processor\t: 1
model name\t: Intel(R) Xeon(R) Processor
flags\t\t: fpu
"""
EPYC = """model name\t: AMD EPYC 9B14
flags\t\t: fpu avx2 avx512f avx512_vnni avx512_bf16
"""
OLD = """model name\t: Intel(R) Core(TM) i5-4200U
flags\t\t: fpu sse4_2 avx avx2
"""


def test_xeon_with_amx():
    cpu = parse_cpuinfo(XEON)
    assert cpu.model == "Intel(R) Xeon(R) Processor"
    assert all(cpu.has(f) for f in ("avx2", "avx512", "vnni", "bf16", "fp16", "amx_bf16", "amx_int8"))
    assert cpu.summary == "Intel(R) Xeon(R) Processor: AVX2, AVX-512, VNNI, BF16, FP16, AMX-BF16, AMX-INT8"


def test_zen4_has_bf16_but_no_amx_and_an_old_cpu_has_neither():
    zen = parse_cpuinfo(EPYC)
    assert zen.has("bf16") and zen.has("vnni") and not zen.has("amx_bf16") and not zen.has("fp16")
    old = parse_cpuinfo(OLD)
    assert old.summary == "Intel(R) Core(TM) i5-4200U: AVX2"
    assert not old.has("vnni") and not old.has("bf16")


def test_this_machine_is_described():
    assert cpu_features().summary.startswith(cpu_features().model)
