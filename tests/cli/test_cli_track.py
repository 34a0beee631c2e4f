"""`movenet track` end to end on small real clips made from the example photos."""

import json

import cv2
import pytest
from io_helpers import make_video

from movenet.cli.main import main


def test_track_writes_video_and_jsonl(tmp_path):
    clip = make_video(tmp_path / "clip.mp4", n=8, size=(320, 240), fps=10.0)
    out, jsonl = tmp_path / "annotated.mp4", tmp_path / "poses.jsonl"
    assert main(["track", str(clip), "--out", str(out), "--jsonl", str(jsonl)]) == 0
    lines = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert [line["frame"] for line in lines] == list(range(8))
    assert [line["timestamp_ms"] for line in lines] == pytest.approx([i * 100 for i in range(8)])
    assert all(len(line["poses"]) == 1 for line in lines)
    capture = cv2.VideoCapture(str(out))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 8
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(10.0)
    assert (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))) == (320, 240)


def test_track_multipose_ids_and_folder_fps(tmp_path, capsys):
    from conftest import REPO
    from PIL import Image

    photo = Image.open(REPO / "examples" / "three_people.jpg")
    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(5):  # a slow pan over three people
        photo.crop((i * 20, 0, i * 20 + 900, 861)).resize((450, 430)).save(folder / f"{i:03d}.png")
    assert main(["track", str(folder), "--model", "multipose", "--fps", "5", "--jsonl", "-"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["timestamp_ms"] for line in lines] == [0, 200, 400, 600, 800]
    ids = [sorted(p["id"] for p in line["poses"]) for line in lines]
    assert ids[0] == [1, 2, 3]
    # the two people who stay in view keep their ids; no new id appears
    assert all({1, 2} <= set(i) and set(i) <= {1, 2, 3} for i in ids)


def test_smoothing_off_and_compat(tmp_path):
    clip = make_video(tmp_path / "clip.mp4", n=4)
    on, off, compat = (tmp_path / f"{n}.jsonl" for n in ("on", "off", "compat"))
    assert main(["track", str(clip), "--jsonl", str(on)]) == 0
    assert main(["track", str(clip), "--jsonl", str(off), "--no-smoothing"]) == 0
    assert main(["track", str(clip), "--jsonl", str(compat), "--compat", "tfjs"]) == 0
    first = [json.loads(line) for line in on.read_text().splitlines()]
    raw = [json.loads(line) for line in off.read_text().splitlines()]
    assert first[0] == raw[0]  # nothing to smooth on the first frame
    assert first[-1] != raw[-1]


def test_bad_sources(tmp_path, capsys):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00" * 1000)
    assert main(["track", str(bad)]) == 2
    assert "not a video" in capsys.readouterr().err
    assert main(["track", "7"]) == 2
    assert "no webcam at index 7" in capsys.readouterr().err


def test_multipose_max_dimension_reaches_the_detector(tmp_path, capsys):
    clip = make_video(tmp_path / "clip.mp4", n=2, size=(320, 240), fps=10.0)
    assert main(["track", str(clip), "--model", "multipose", "--multipose-max-dimension", "100"]) == 2
    assert "multipose_max_dimension must be a multiple of 32 in 32..1024 (memory and time grow with its square), got 100" in capsys.readouterr().err
    assert main(["track", str(clip), "--model", "multipose", "--multipose-max-dimension", "320", "--jsonl", "-"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_sequential_mode_gives_the_same_outputs(tmp_path):
    clip = make_video(tmp_path / "clip.mp4", n=8, size=(320, 240), fps=10.0)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert main(["track", str(clip), "--jsonl", str(a), "--out", str(tmp_path / "a.mp4")]) == 0
    assert main(["track", str(clip), "--jsonl", str(b), "--out", str(tmp_path / "b.mp4"), "--sequential"]) == 0
    assert a.read_text() == b.read_text()
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()


def test_overlapped_pipeline_runs_onnxruntime_without_spinning_threads():
    """Busy-waiting intra-op threads took the cores that decoding, drawing and encoding need in the
    overlapped pipeline (README, Video); --sequential keeps the stills' setting."""
    from movenet.cli.main import build_parser
    from movenet.cli.video import video_detector

    def spinning(extra):
        detector = video_detector(build_parser().parse_args(["track", "clip.mp4", "--runtime", "onnxruntime", *extra]))
        return detector.runtime.session.get_session_options().get_session_config_entry("session.intra_op.allow_spinning")

    assert spinning([]) == "0"
    assert spinning(["--sequential"]) == "1"


def test_without_outputs_piped_track_writes_json_lines(tmp_path, capsys, monkeypatch):
    """Not on a terminal (a pipe, a file), no --out / --jsonl / --show: the poses go to standard
    output, exactly what `--jsonl -` writes; never a silent run that keeps nothing."""
    clip = make_video(tmp_path / "clip.mp4", n=4, size=(320, 240), fps=10.0)
    monkeypatch.setattr("sys.stdout.isatty", lambda: False, raising=False)
    assert main(["track", str(clip)]) == 0
    implicit = capsys.readouterr().out
    assert main(["track", str(clip), "--jsonl", "-"]) == 0
    assert implicit == capsys.readouterr().out
    assert [json.loads(line)["frame"] for line in implicit.splitlines()] == [0, 1, 2, 3]


def test_without_outputs_on_a_terminal_track_says_what_to_ask_for(tmp_path, capsys, monkeypatch):
    import sys

    clip = make_video(tmp_path / "clip.mp4", n=2, size=(320, 240), fps=10.0)

    class Terminal:
        def isatty(self):
            return True

        def write(self, text):
            return len(text)

        def flush(self):
            pass

    monkeypatch.setattr(sys, "stdout", Terminal())
    assert main(["track", str(clip)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: nothing to write: give --out VIDEO") and "--jsonl FILE" in err and "--show" in err
    assert "Traceback" not in err


def test_version(capsys):
    import movenet

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"movenet {movenet.__version__} (onnxruntime ") and "Python " in out
