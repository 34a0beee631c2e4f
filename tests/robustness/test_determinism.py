"""Outputs are identical run to run: the same video through `estimate_poses` with timestamps
(smoothing, smart crop, tracking) in this process twice and in a fresh process, for every model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from io_helpers import make_video

SRC = Path(__file__).resolve().parents[2] / "src"
SCRIPT = """
import json, sys
import movenet
from movenet.io.video import VideoSource
detector = movenet.create_detector(sys.argv[2], threads=1, min_pose_score=0)
with VideoSource(sys.argv[1]) as video:
    for frame in video:
        print(json.dumps([p.to_dict() for p in detector.estimate_poses(frame.image, frame.timestamp_ms)]))
"""


def run_once(clip, model) -> str:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-c", SCRIPT, str(clip), model], capture_output=True, text=True,
                          env=env, check=True, timeout=300).stdout


@pytest.mark.parametrize("model", ["lightning", "thunder", "multipose"])
def test_identical_run_to_run(model, tmp_path):
    import movenet
    from movenet.io.video import VideoSource

    clip = make_video(tmp_path / "clip.mp4", n=10)
    runs = []
    for _ in range(2):
        detector = movenet.create_detector(model, threads=1, min_pose_score=0)
        with VideoSource(clip) as video:
            lines = [json.dumps([p.to_dict() for p in detector.estimate_poses(f.image, f.timestamp_ms)]) for f in video]
        runs.append("\n".join(lines) + "\n")
    assert runs[0] == runs[1]
    assert run_once(clip, model) == runs[0]
    assert len(runs[0].splitlines()) == 10 and runs[0].count('"keypoints"') >= 10
