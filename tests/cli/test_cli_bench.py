"""`movenet bench`: the rows, pairs and JSON fields it promises (timings themselves are not tested)."""

import json

from movenet import benchmark as b
from movenet.cli.main import main

FIELDS = {"kind", "model", "runtime", "precision", "threads", "batch", "median_ms", "min_ms",
          "images_per_s", "default", "ratio_to_litert", "ratio_spread"}


def test_bench_json_rows(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["bench", "--models", "lightning", "--runtimes", "onnxruntime", "--threads", "1",
                 "--batch", "1", "2", "--rounds", "2", "--block", "1", "--warmup", "1", "--pause-ms", "0",
                 "--json", str(out)]) == 0
    payload = json.loads(out.read_text())
    rows = payload["rows"]
    assert all(set(r) == FIELDS for r in rows)
    ours = [(r["kind"], r["precision"], r["batch"]) for r in rows if r["runtime"] == "onnxruntime"]
    for kind in ("model", "end_to_end"):
        assert (kind, "fp32", 1) in ours and (kind, "fp32", 2) in ours and (kind, "int8", 1) in ours
    from movenet.runtime import default_runtime

    defaults = [r for r in rows if r["default"]]
    expected = {("model", "fp32", 1), ("end_to_end", "fp32", 1)} if default_runtime("fp32", "lightning") == "onnxruntime" else set()
    expected |= {(k, "int8", 1) for k in ("model", "end_to_end")} if default_runtime("int8", "lightning") == "onnxruntime" else set()
    assert {(r["kind"], r["precision"], r["batch"]) for r in defaults} == expected
    assert all(r["median_ms"] >= r["min_ms"] > 0 for r in rows)
    pairs = {(p["a"], p["b"]) for p in payload["pairs"]}
    assert ("end_to_end onnxruntime fp32", "model onnxruntime fp32") in pairs
    assert all(p["rounds"] == 2 and p["low"] <= p["ratio"] <= p["high"] for p in payload["pairs"])
    text = capsys.readouterr().out
    assert "median ms" in text and "paired ratios" in text


def test_paired_ratio_is_per_round_and_per_image():
    a = b.Config("model", "m", "x", "fp32", 1, 2, lambda: None, block_medians=[4.0, 8.0, 6.0])
    c = b.Config("model", "m", "y", "fp32", 1, 1, lambda: None, block_medians=[1.0, 2.0, 1.0])
    # per image: a = 2, 4, 3 ms; ratios 2, 2, 3 -> median 2
    ratio, low, high = b.paired_ratio(a, c)
    assert ratio == 2.0 and low == 2.0 and high == 2.8


def test_interleave_rotates_the_order():
    order = []
    configs = [b.Config("model", "m", name, "fp32", 1, 1, (lambda n=name: order.append(n))) for name in "abc"]
    b.interleave(configs, warmup=0, rounds=3, block=1, pause_ms=0)
    assert order == list("abc") + list("bca") + list("cab")
    assert all(len(c.times_ms) == 3 and len(c.block_medians) == 3 for c in configs)


def test_bad_bench_options(capsys):
    assert main(["bench", "--rounds", "1"]) == 2
    assert "--rounds must be an integer in 2..1000, got 1" in capsys.readouterr().err
