"""The Ray engine on a local Ray (started by the test; the `ray` extra): byte-identical outputs
to the local engine, and the same manifest statuses."""

from __future__ import annotations

import importlib.util
import json

import pytest
from conftest import EXAMPLE_IMAGE, REPO
from io_helpers import make_video

from movenet.batch import BatchOptions, run_batch

pytestmark = pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="needs Ray: pip install -e '.[ray]'")


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray for the module (starting one takes ~10 s); run_batch uses a running Ray."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_ray_outputs_equal_the_local_engine(tmp_path, local_ray):
    inputs = tmp_path / "in"
    inputs.mkdir()
    make_video(inputs / "a.mp4", n=5)
    make_video(inputs / "b.mp4", n=3)
    (inputs / "c.mp4").write_bytes(b"not a video")
    local, ray = tmp_path / "local", tmp_path / "ray"
    options = BatchOptions(model="multipose", save_media=True)
    a = run_batch([str(inputs)], local, "track", options, workers=2, progress=False)
    b = run_batch([str(inputs)], ray, "track", options, engine="ray", workers=2, progress=False)
    assert (a.ok, a.failed, a.frames) == (b.ok, b.failed, b.frames) == (2, 1, 8)
    files = sorted(p.relative_to(local) for p in local.rglob("*") if p.parent != local)
    assert files == sorted(p.relative_to(ray) for p in ray.rglob("*") if p.parent != ray)
    for name in files:
        assert (local / name).read_bytes() == (ray / name).read_bytes(), name
    status = {json.loads(line)["input"]: json.loads(line)["status"] for line in (ray / "manifest.jsonl").read_text().splitlines()}
    assert sorted(status.values()) == ["failed", "ok", "ok"]
    # images too, and a rerun on Ray skips what is done
    photos = [str(EXAMPLE_IMAGE), str(REPO / "examples" / "three_people.jpg")]
    run_batch(photos, local, "predict", BatchOptions(), workers=1, progress=False)
    again = run_batch(photos, ray, "predict", BatchOptions(), engine="ray", workers=1, progress=False)
    assert again.ok == 2
    for name in ("pose.jpg.json", "three_people.jpg.json"):
        assert (local / name).read_bytes() == (ray / name).read_bytes()
    assert run_batch(photos, ray, "predict", BatchOptions(), engine="ray", workers=1, progress=False).skipped == 2
