"""The worst values the limits allow, one scenario per run: `python worst_case.py SCENARIO DIR`.

Run by test_limits.py in a subprocess under an address-space limit (RLIMIT_AS) and a time limit.
Prints `ok <scenario> peak_rss_mb=<MB> peak_vm_mb=<MB>` when the scenario finished with correct
results; anything else is a failure.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

import numpy as np
from PIL import Image

import movenet
from movenet.limits import (
    MAX_BATCH_SIZE,
    MAX_IMAGE_PIXELS,
    MAX_MULTIPOSE_DIMENSION,
    MAX_TRACKS_LIMIT,
    max_threads,
)

REPO = Path(__file__).resolve().parents[2]
PHOTO = Image.open(REPO / "examples" / "pose.jpg")
SIDE = int(MAX_IMAGE_PIXELS**0.5)  # 13377 x 13377 = 178,944,129 pixels: just within the limit


def biggest_image_file(folder: Path) -> Path:
    """A PNG of the largest allowed size (a 1-bit picture of the photo: small on disk)."""
    path = folder / "biggest.png"
    PHOTO.convert("1").resize((SIDE, SIDE), Image.NEAREST).save(path)
    return path


def check(poses, width, height):
    for pose in poses:
        xy = pose.to_array()[:, :2]
        assert np.isfinite(xy).all() and (xy > -width).all() and (xy < 2 * max(width, height)).all()


def biggest_image(folder: Path) -> None:
    """The largest image, from a file: MultiPose at its largest input, mirrored; Thunder refined."""
    path = biggest_image_file(folder)
    multipose = movenet.create_detector(
        "multipose", multipose_max_dimension=MAX_MULTIPOSE_DIMENSION, threads=max_threads(), min_pose_score=0,
    )
    check(multipose.estimate_poses(path, flip_horizontal=True), SIDE, SIDE)
    del multipose
    thunder = movenet.create_detector("thunder", refine=True, threads=max_threads(), min_pose_score=0)
    check(thunder.estimate_poses(path), SIDE, SIDE)


def largest_batches(folder: Path) -> None:
    """The largest batch through Thunder (with refine) and through MultiPose at its largest input."""
    images = [np.asarray(PHOTO)] * MAX_BATCH_SIZE
    thunder = movenet.create_detector("thunder", refine=True, threads=max_threads(), min_pose_score=0)
    assert len(thunder.estimate_poses(images, batch_size=MAX_BATCH_SIZE)) == MAX_BATCH_SIZE
    multipose = movenet.create_detector("multipose", multipose_max_dimension=MAX_MULTIPOSE_DIMENSION,
                                        threads=max_threads())
    found = multipose.estimate_poses(images[:2], batch_size=MAX_BATCH_SIZE)  # one 1024x1024 input per call
    assert len(found) == 2 and len(found[0]) == len(found[1])


def most_tracks(folder: Path) -> None:
    """MultiPose video with the most tracks and the longest track age: 40 frames of a pan."""
    detector = movenet.create_detector(
        "multipose", max_tracks=MAX_TRACKS_LIMIT, max_track_age_ms=1e12, min_pose_score=0, threads=max_threads(),
    )
    wide = np.asarray(PHOTO.resize((640, 240)))
    for i in range(40):
        x = (i * 7) % 320
        check(detector.estimate_poses(wide[:, x : x + 320], i * 33.3), 320, 240)


SCENARIOS = {f.__name__: f for f in (biggest_image, largest_batches, most_tracks)}


def peak_vm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmPeak:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    name, folder = sys.argv[1], Path(sys.argv[2])
    SCENARIOS[name](folder)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ok {name} peak_rss_mb={peak_rss:.0f} peak_vm_mb={peak_vm_mb():.0f}")
