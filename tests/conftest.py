"""Shared test helpers: where the read-only `shared/` folder and the in-repo fixtures are."""

from __future__ import annotations

import json
import os
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
GOLDEN = FIXTURES / "golden"
EXAMPLE_IMAGE = REPO / "examples" / "pose.jpg"
SHARED = Path(os.environ.get("MOVENET_SHARED", REPO.parent / "shared"))
TFJS_DIR = SHARED / "models" / "tfjs"
ORACLE_RESULTS = SHARED / "oracle" / "results"

requires_shared = pytest.mark.skipif(
    not (TFJS_DIR / "movenet-lightning.json").is_file(),
    reason=f"needs the official TF.js models in {TFJS_DIR} (shared/ is absent on this machine)",
)
requires_oracle_results = pytest.mark.skipif(
    not (ORACLE_RESULTS / "still_data_wasm.json").is_file() or not (SHARED / "data").is_dir(),
    reason=f"needs the oracle results in {ORACLE_RESULTS} and the images in {SHARED / 'data'}",
)


@cache
def golden_outputs() -> dict:
    return json.loads((GOLDEN / "outputs.json").read_text())["models"]


def read_png(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


def _available_runtimes() -> list[str]:
    from movenet.runtime import available_runtimes

    return [name for name in available_runtimes() if name not in ("litert", "xnnpack")]


# Our float runtimes (LiteRT runs Google's own files: tests/runtime/test_litert_runtime.py; our
# int8 .tflite files: tests/test_xnnpack.py).
RUNTIMES = _available_runtimes()
PEERS_TFLITE = SHARED / "peers" / "tflite"
requires_litert = pytest.mark.skipif(
    not (PEERS_TFLITE / "lightning_fp16.tflite").is_file(),
    reason=f"needs Google's .tflite files in {PEERS_TFLITE} (shared/ is absent on this machine)",
)


@cache
def runtime(name: str, kind: str | None = None):
    """A cached runtime for `name` (default: the package default, onnxruntime when installed)."""
    from movenet.runtime import create_runtime

    return create_runtime(name, kind)


@lru_cache(maxsize=1)
def oracle_still() -> dict:
    return json.loads((ORACLE_RESULTS / "still_data_wasm.json").read_text())


def shared_image(image_id: str) -> np.ndarray:
    """A data image decoded as the oracle did: Pillow, RGB, no EXIF rotation."""
    return np.asarray(Image.open(SHARED / image_id).convert("RGB"))


def oracle_model_input(model: str, image: np.ndarray, record: dict) -> np.ndarray:
    """Re-make the model input of one oracle still pass with our bit-exact preprocessing."""
    from movenet.preprocess.crop import CropRegion, crop_and_resize, resize_and_pad

    if model == "multipose":
        return resize_and_pad(image, 256)[0]
    c = record["crop_region"]
    region = CropRegion(c["yMin"], c["xMin"], c["yMax"], c["xMax"])
    return crop_and_resize(image, region, record["model_input"]["shape"][1])

URFD = SHARED / "data" / "videos" / "falls-urfd"
requires_urfd = pytest.mark.skipif(
    not (URFD / "labels.csv").is_file(),
    reason=f"needs the URFD fall clips in {URFD} (research-only, never in the repo; shared/ is absent)",
)


# Databases: every storage test runs against SQLite and against a real PostgreSQL server (Debian's
# postgresql, started once per test session on a loopback port; skipped with the reason where it
# cannot start). `database_url` is a fresh, empty database per test.
@pytest.fixture(scope="session")
def postgres_server():
    from db_servers import PostgresServer, why_no_postgres

    reason = why_no_postgres()
    if reason:
        pytest.skip(reason)
    server = PostgresServer().start()
    yield server
    server.stop()


_DATABASE_COUNT = [0]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    pytest.importorskip("sqlalchemy", reason="the database tests need the db extra (sqlalchemy, alembic)")
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'movenet.db'}"
    pytest.importorskip("psycopg", reason="the PostgreSQL tests need psycopg (the postgres extra)")
    server = request.getfixturevalue("postgres_server")
    _DATABASE_COUNT[0] += 1
    return server.create_database(f"test_{os.getpid()}_{_DATABASE_COUNT[0]}")
