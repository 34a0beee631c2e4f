"""Two CPU processes under torchrun (gloo) end with the parameters of one process that saw the same
global batches: the DistributedSampler splits each batch, the loss divisors are summed over the
processes, and DDP averages the gradients. SGD, because Adam divides each gradient by its own size:
a convolution on batch 2 rounds differently from batch 4, a few ReLU6 inputs land on the other
side of a clamp, and Adam turns those few tiny gradient differences into whole steps (measured:
1-2 % of the 1x1 backbone weights after 2 Adam steps; everything else equal)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")

import os
import subprocess
import sys

import numpy as np
from conftest import REPO
from safetensors.numpy import load_file
from train_helpers import ANNOTATIONS, IMAGES

ARGS = ["train", "--model", "lightning", "--train", str(ANNOTATIONS), "--train-images", str(IMAGES),
        "--batch-size", "4", "--epochs", "3", "--rotate", "180", "--seed", "3",
        "--threads", "1", "--no-onnx", "--optimizer", "sgd", "--lr", "1e-7"]


def _run(command, out):
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([*command, *ARGS, "--out", str(out)], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_two_processes_equal_one_with_the_same_global_batch(tmp_path):
    pytest.importorskip("torch.distributed")
    _run([sys.executable, "-m", "movenet"], tmp_path / "one")
    two = _run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nnodes=1", "--nproc-per-node=2",
                "-m", "movenet"], tmp_path / "two")
    assert "2 process(es)" in two.stdout
    a, b = load_file(str(tmp_path / "one" / "last.safetensors")), load_file(str(tmp_path / "two" / "last.safetensors"))
    official = load_file(str(REPO / "src" / "movenet" / "weights" / "lightning.safetensors"))
    moved = max(float(np.abs(a[k] - official[k].astype(np.float32)).max()) for k in a if not k.startswith("decode."))
    worst = max(float(np.abs(a[k] - b[k]).max()) for k in a)
    print(f"moved {moved:.3g}, worst difference {worst:.3g}")
    assert moved > 1e-4  # the steps changed the weights...
    assert worst < 1e-4 * moved  # ...identically, up to the order of float summation
