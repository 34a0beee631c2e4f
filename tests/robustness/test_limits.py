"""The worst values the limits allow run to completion under an address-space limit (RLIMIT_AS)
and a time limit, each scenario in its own process (`worst_case.py`)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from movenet.limits import max_threads

HERE = Path(__file__).resolve().parent
MB = 1024 * 1024
# Address space per scenario: its measured peak (VmPeak on the 2-core reference machine: 2.6 GB,
# 2.4 GB and 0.7 GB) plus a margin, plus 256 MB per runtime thread (a thread's stack and malloc
# arena are reserved address space).
BUDGET_MB = {"biggest_image": 3200, "largest_batches": 3000, "most_tracks": 1200}
TIME_LIMIT_S = 300  # a hang or runaway (e.g. 10,000 threads) never finishes; each takes < 40 s loaded


def _limit_address_space(limit_bytes: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    return apply


@pytest.mark.parametrize("scenario", list(BUDGET_MB))
def test_worst_allowed_values_fit(scenario, tmp_path):
    limit = (BUDGET_MB[scenario] + 256 * max_threads()) * MB
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parents[1] / "src"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, str(HERE / "worst_case.py"), scenario, str(tmp_path)],
        capture_output=True, text=True, check=False, timeout=TIME_LIMIT_S, preexec_fn=_limit_address_space(limit), env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith(f"ok {scenario} "), result.stdout


def test_the_limit_is_real(tmp_path):
    """The same scenario with a quarter of the address space fails (so the limit was in force)."""
    env = {**os.environ, "PYTHONPATH": str(HERE.parents[1] / "src")}
    result = subprocess.run(
        [sys.executable, str(HERE / "worst_case.py"), "biggest_image", str(tmp_path)],
        capture_output=True, text=True, check=False, timeout=TIME_LIMIT_S, preexec_fn=_limit_address_space(800 * MB), env=env,
    )
    assert result.returncode != 0 and "MemoryError" in result.stderr + result.stdout
