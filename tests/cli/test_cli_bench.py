"""`movenet bench`: the rows and JSON fields it promises (timings themselves are not tested)."""

import json

from movenet.cli.main import main

FIELDS = {"kind", "model", "runtime", "precision", "threads", "batch", "median_ms", "min_ms",
          "images_per_s", "default", "ratio_to_litert"}


def test_bench_json_rows(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["bench", "--models", "lightning", "--runtimes", "onnxruntime", "--threads", "1",
                 "--batch", "1", "2", "--runs", "2", "--warmup", "1", "--json", str(out)]) == 0
    rows = json.loads(out.read_text())
    assert all(set(r) == FIELDS for r in rows)
    ours = [(r["kind"], r["precision"], r["batch"]) for r in rows if r["runtime"] == "onnxruntime"]
    for kind in ("model", "end_to_end"):
        assert (kind, "fp32", 1) in ours and (kind, "fp32", 2) in ours and (kind, "int8", 1) in ours
    defaults = [r for r in rows if r["default"]]
    assert {(r["kind"], r["precision"], r["batch"]) for r in defaults} == {("model", "fp32", 1), ("end_to_end", "fp32", 1)}
    assert all(r["median_ms"] >= r["min_ms"] > 0 for r in rows)
    assert "median ms" in capsys.readouterr().out
