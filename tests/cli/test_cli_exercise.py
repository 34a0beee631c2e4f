"""`movenet exercise`, `angles`, `balance` and `classify` end to end: small clips made from the
example photo (no exercise in them), and the real squat clip where ../shared is present."""

import csv
import json

import cv2
import pytest
from conftest import EXAMPLE_IMAGE, REPO, SHARED
from io_helpers import make_video
from PIL import Image

from movenet.cli.main import main

SQUATS = SHARED / "data" / "reference-tfjs-models" / "pose_squats.mp4"


def test_exercise_json_csv_and_annotated_video(tmp_path, capsys):
    clip = make_video(tmp_path / "clip.mp4", n=6, size=(320, 240), fps=10.0)
    out, js, table, lines = tmp_path / "a.mp4", tmp_path / "r.json", tmp_path / "r.csv", tmp_path / "f.jsonl"
    args = ["exercise", str(clip), "--exercise", "push-up", "--out", str(out), "--json", str(js), "--csv", str(table), "--jsonl", str(lines)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "push_up" in printed and "0 repetition(s)" in printed
    report = json.loads(js.read_text())
    assert report["exercise"] == "push_up" and report["reps"] == 0 and report["repetitions"] == []
    assert {"partial_reps", "range_of_motion", "note", "counted_when"} <= set(report)
    assert next(csv.reader(table.open()))[:4] == ["person", "kind", "index", "start_ms"]
    frames = [json.loads(line) for line in lines.read_text().splitlines()]
    assert len(frames) == 6 and all("exercise" in f and "poses" in f for f in frames)
    assert int(cv2.VideoCapture(str(out)).get(cv2.CAP_PROP_FRAME_COUNT)) == 6


def test_exercise_auto_without_an_exercise_in_the_clip(tmp_path, capsys):
    clip = make_video(tmp_path / "clip.mp4", n=4, size=(320, 240), fps=10.0)
    out, js, png = tmp_path / "a.mp4", tmp_path / "r.json", tmp_path / "r.png"
    assert main(["exercise", str(clip), "--exercise", "auto", "--out", str(out), "--json", str(js), "--plot", str(png)]) == 0
    captured = capsys.readouterr()
    assert "auto" in captured.out and "0 repetition(s)" in captured.out and "counts: none" in captured.out
    assert "no plot" in captured.err and not png.exists()
    report = json.loads(js.read_text())
    assert report["exercise"] == "auto" and report["reps"] == 0 and report["signal"] is None
    assert set(report["auto"]["counts"]) >= {"squat", "push_up"}
    assert int(cv2.VideoCapture(str(out)).get(cv2.CAP_PROP_FRAME_COUNT)) == 4


def test_exercise_bad_names_and_options(tmp_path, capsys):
    clip = make_video(tmp_path / "clip.mp4", n=2)
    assert main(["exercise", str(clip), "--exercise", "burpee"]) == 2
    err = capsys.readouterr().err
    assert "unknown exercise 'burpee'" in err and "squat" in err and "sit_to_stand" in err
    with pytest.raises(SystemExit):
        main(["exercise", str(clip), "--exercise", "squat", "--person", "tallest"])


def test_angles_csv_and_json(tmp_path, capsys):
    clip = make_video(tmp_path / "clip.mp4", n=4)
    table, js = tmp_path / "a.csv", tmp_path / "a.json"
    assert main(["angles", str(clip), "--csv", str(table), "--json", str(js)]) == 0
    assert "range of motion" in capsys.readouterr().out
    rows = list(csv.DictReader(table.open()))
    assert len(rows) == 4 and {"left_knee", "smoothed_left_knee", "trunk", "right_shin"} <= set(rows[0])
    data = json.loads(js.read_text())
    assert len(data["frames"]) == 4 and "left_elbow" in data["frames"][0]["people"][0]["angles"]


def test_balance_sway_and_single_leg_stance(tmp_path, capsys):
    clip = make_video(tmp_path / "clip.mp4", n=6)
    js = tmp_path / "b.json"
    assert main(["balance", str(clip), "--test", "sway", "--json", str(js)]) == 0
    assert "sway over" in capsys.readouterr().out
    assert set(json.loads(js.read_text())["sway"]) >= {"path_px", "rms_px", "path_torso", "rms_torso"}
    assert main(["balance", str(clip), "--test", "single-leg-stance"]) == 0
    assert "no stance on one leg" in capsys.readouterr().out
    assert main(["balance", str(clip), "--test", "chair-stand"]) == 0
    assert "never seen rising" in capsys.readouterr().out
    assert main(["balance", str(clip), "--test", "sway", "--start-s", "-1"]) == 2


def test_classify_train_and_predict(tmp_path, capsys):
    photo = Image.open(EXAMPLE_IMAGE)
    people = Image.open(REPO / "examples" / "three_people.jpg")
    for name, image in (("a", photo), ("b", people)):
        folder = tmp_path / "poses" / name
        folder.mkdir(parents=True)
        for i in range(3):  # a few crops of the same photo per class
            w, h = image.size
            image.crop((i * w // 20, 0, w - i * w // 20, h)).save(folder / f"{i}.jpg")
    model = tmp_path / "clf.json"
    assert main(["classify", "train", str(tmp_path / "poses"), "--out", str(model), "--model", "lightning"]) == 0
    assert "2 classes from 6 poses" in capsys.readouterr().out
    assert main(["classify", "predict", str(tmp_path / "poses" / "a" / "1.jpg"), "--classifier", str(model), "--model", "lightning", "--json", "-"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("["):])[0]["label"] == "a"
    assert main(["classify", "predict", str(EXAMPLE_IMAGE), "--classifier", str(tmp_path / "missing.json")]) == 2


@pytest.mark.skipif(not SQUATS.is_file(), reason=f"needs {SQUATS} (shared/ is absent on this machine)")
def test_exercise_on_the_squat_clip_with_a_plot(tmp_path, capsys, monkeypatch):
    pytest.importorskip("matplotlib", reason="the plots extra (matplotlib) is not installed")
    from matplotlib.figure import Figure

    texts = []  # the plot's title and labels, read as it is saved
    save = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda fig, *a, **k: (texts.extend([fig._suptitle.get_text()] + [t.get_text() for ax in fig.axes for t in ax.texts]), save(fig, *a, **k))[1])
    js, png, table = tmp_path / "r.json", tmp_path / "r.png", tmp_path / "r.csv"
    assert main(["exercise", str(SQUATS), "--exercise", "squat", "--json", str(js), "--plot", str(png), "--csv", str(table), "--threads", "1"]) == 0
    out = capsys.readouterr().out
    assert "squat: 2 repetition(s), 1 partial (1 cut off by the end, past the bottom)" in out
    assert "  cut off  " in out and "the stream ended in the 'bottom' phase" in out  # the row of the third squat
    report = json.loads(js.read_text())
    assert report["reps"] == 2 and report["cut_off_reps"] == 1 and report["partial_repetitions"][0]["cut_off"] is True
    assert [row[1] for row in csv.reader(table.open())][1:] == ["rep", "rep", "cut_off"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert texts[0].startswith("squat: 2 repetitions, 1 partial (1 cut off by the end)") and "cut off" in texts[1:]


def test_a_reader_leaving_early_loses_no_output_file(tmp_path):
    """`movenet exercise CLIP --json r.json --csv r.csv | head -1`: the reader closes the pipe after
    the first line; the command still writes its files and exits 0 (it used to stop at the next
    print, writing nothing, with 0)."""
    import subprocess
    import sys

    clip = make_video(tmp_path / "clip.mp4", n=4, size=(320, 240), fps=10.0)
    js, table = tmp_path / "r.json", tmp_path / "r.csv"
    child = subprocess.Popen([sys.executable, "-m", "movenet", "exercise", str(clip), "--exercise", "squat", "--json", str(js),
                              "--csv", str(table)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.close()  # the reader is gone before the first line
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 0, err
    assert "BrokenPipe" not in err and "Traceback" not in err
    assert json.loads(js.read_text())["exercise"] == "squat" and table.read_text().startswith("person,kind")
