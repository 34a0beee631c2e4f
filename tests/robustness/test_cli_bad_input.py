"""Bad-input corpus, command line: `predict`, `track`, `eval` and `bench` with bad files, folders,
videos and options. Each case asserts the exit code (2: bad option or input, 1: some inputs
failed, 0: odd but valid) and the one-line `error:` (or `warning:`) on standard error, and runs
in-process, so that any traceback (an exception escaping `main`) fails the test."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import cv2
import numpy as np
import pytest
from conftest import EXAMPLE_IMAGE, REPO
from PIL import Image

from movenet.cli.main import main
from movenet.limits import max_threads

PHOTO = Image.open(EXAMPLE_IMAGE)
COCO = REPO / "tests" / "fixtures" / "coco_mini"


def _write_video(path, fourcc="mp4v", frames=10):
    strip = np.asarray(PHOTO.resize((640, 240)))
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), 10, (320, 240))
    for i in range(frames):
        writer.write(np.ascontiguousarray(strip[:, i * 10 : i * 10 + 320, ::-1]))
    writer.release()
    return path.read_bytes()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    mp4 = _write_video(d / "good.mp4")
    avi = _write_video(d / "good.avi", "MJPG")
    (d / "random.mp4").write_bytes(np.random.default_rng(1).bytes(20000))
    (d / "zeros.avi").write_bytes(bytes(5000))
    (d / "empty.mp4").write_bytes(b"")
    (d / "text.mp4").write_text("not a video\n")
    (d / "truncated.mp4").write_bytes(mp4[: len(mp4) // 2])  # the index (moov) is at the end
    (d / "headerless.mp4").write_bytes(mp4[64:])
    (d / "truncated.avi").write_bytes(avi[: len(avi) // 2])
    (d / "photo.mp4").write_bytes(EXAMPLE_IMAGE.read_bytes())
    (d / "video.jpg").write_bytes(mp4)
    mixed = d / "mixed"
    (mixed / "sub").mkdir(parents=True)
    PHOTO.resize((300, 200)).save(mixed / "a.jpg")
    PHOTO.resize((300, 200)).save(mixed / "sub" / "b.png")
    (mixed / "c.jpg").write_text("text named .jpg")
    (mixed / "d.png").write_bytes(b"")
    os.symlink(mixed / "nowhere.jpg", mixed / "e.jpg")
    (mixed / "f.jpg").mkdir()  # a folder with an image name
    (mixed / "notes.txt").write_text("ignored")
    (d / "emptydir").mkdir()
    frames = d / "frames"
    frames.mkdir()
    PHOTO.resize((300, 200)).save(frames / "000.jpg")
    (frames / "001.jpg").write_text("bad frame")
    sizes = d / "sizes"
    sizes.mkdir()
    PHOTO.resize((300, 200)).save(sizes / "000.jpg")
    PHOTO.resize((200, 300)).save(sizes / "001.jpg")
    unicode = d / "ünïcødé 名前"
    unicode.mkdir()
    PHOTO.resize((300, 200)).save(unicode / "fötö 写真.jpg")
    (d / "list.json").write_text("[]")
    (d / "broken.json").write_text("{not json")
    (d / "empty.json").write_text(json.dumps({"images": [], "annotations": []}))
    return d


def run(argv, capsys):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse: usage error, exit 2, message on stderr
        code = exc.code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


E = EXAMPLE_IMAGE
CPUS = max_threads()

# (argv with {d} for the corpus folder, exit code, regex on stderr)
CASES = {
    # predict: options
    "predict --threads 0": (["predict", E, "--threads", "0"], 2, rf"error: threads must be an integer in 1\.\.{CPUS} \(one per CPU"),
    "predict --threads huge": (["predict", E, "--threads", "100000"], 2, "error: threads must be an integer .*got 100000"),
    "predict --threads abc": (["predict", E, "--threads", "abc"], 2, "argument --threads: invalid int value: 'abc'"),
    "predict --batch-size 0": (["predict", E, "--batch-size", "0"], 2, r"error: --batch-size must be an integer in 1\.\.16"),
    "predict --batch-size huge": (["predict", E, "--batch-size", "1000000000"], 2, "error: --batch-size must be an integer in 1..16 .*got 1000000000"),
    "predict --threshold nan": (["predict", E, "--threshold", "nan"], 2, r"error: --threshold must be a keypoint score in 0\.\.1, got nan"),
    "predict --threshold 5": (["predict", E, "--threshold", "5"], 2, "error: --threshold must be a keypoint score in 0..1, got 5.0"),
    "predict --min-pose-score 2": (["predict", E, "--min-pose-score", "2"], 2, "error: min_pose_score must be a number in 0..1, got 2.0"),
    "predict --min-pose-score nan": (["predict", E, "--min-pose-score", "nan"], 2, "error: min_pose_score must be a number in 0..1, got nan"),
    "predict --max-poses 0": (["predict", E, "--model", "multipose", "--max-poses", "0"], 2, "error: max_poses must be an integer in 1..6"),
    "predict --max-poses 2 lightning": (["predict", E, "--max-poses", "2"], 2, r"error: max_poses must be an integer in 1\.\.1 \(lightning finds at most 1\)"),
    "predict --multipose-max-dimension 100": (["predict", E, "--model", "multipose", "--multipose-max-dimension", "100"], 2, "error: multipose_max_dimension must be a multiple of 32 in 32..1024"),
    "predict --multipose-max-dimension huge": (["predict", E, "--model", "multipose", "--multipose-max-dimension", "1000000000"], 2, "error: multipose_max_dimension .*got 1000000000"),
    "predict --model hrnet": (["predict", E, "--model", "hrnet"], 2, "argument --model: invalid choice: 'hrnet'"),
    "predict --refine multipose": (["predict", E, "--model", "multipose", "--refine"], 2, "error: refine applies to SinglePose models"),
    "predict --precision int4": (["predict", E, "--precision", "int4"], 2, "argument --precision: invalid choice"),
    "predict --weights missing": (["predict", E, "--weights", "{d}/missing.onnx"], 2, "error: ONNX model not found .*missing.onnx"),
    "predict --weights junk": (["predict", E, "--weights", "{d}/text.mp4"], 2, "error: .*text.mp4: not a valid ONNX model for (onnxruntime|OpenVINO)"),
    "predict --weights other model": (["predict", E, "--weights", REPO / "src/movenet/weights/thunder.onnx"], 2, "error: .*thunder.onnx: a model with input \\(256, 256\\) .*not lightning"),
    "predict --out is a file": (["predict", E, "--out", E], 2, "error: --out .*pose.jpg: is a file, not a folder"),
    "predict --json is a folder": (["predict", E, "--json", "{d}"], 2, "error: --json .*: is a folder; give a file name"),
    "predict --json in a missing folder": (["predict", E, "--json", "{d}/no/such/x.json"], 2, "error: --json .*x.json: folder .*/no/such does not exist"),
    # predict: files
    "predict empty file": (["predict", "{d}/mixed/d.png"], 1, r"error: .*d\.png: empty file"),
    "predict text named jpg": (["predict", "{d}/mixed/c.jpg"], 1, r"error: .*c\.jpg: not an image file Pillow can read"),
    "predict broken link": (["predict", "{d}/mixed/e.jpg"], 1, r"error: .*e\.jpg: broken symbolic link \(to .*nowhere\.jpg\)"),
    "predict folder named jpg": (["predict", "{d}/mixed/f.jpg"], 1, "folder has no images in it"),
    "predict a video": (["predict", "{d}/good.mp4"], 1, r"error: .*good\.mp4: not an image file Pillow can read"),
    "predict missing file": (["predict", "{d}/missing.jpg"], 1, r"error: .*missing\.jpg: no such file"),
    "predict glob matching nothing": (["predict", "{d}/*.xyz"], 1, r"error: .*\*\.xyz: pattern matches no image files"),
    "predict empty folder": (["predict", "{d}/emptydir"], 1, r"error: .*emptydir: folder has no images in it \(looked for .bmp, .gif"),
    "predict unicode folder": (["predict", "{d}/ünïcødé 名前", "-q"], 0, "^$"),
    "predict photo named mp4 is no image input": (["predict", "{d}/photo.mp4", "-q"], 0, "^$"),
    # track
    "track random bytes": (["track", "{d}/random.mp4"], 2, r"error: .*random\.mp4: not a video OpenCV can read \(accepted: .avi"),
    "track zeros": (["track", "{d}/zeros.avi"], 2, "error: .*zeros.avi: not a video OpenCV can read"),
    "track empty file": (["track", "{d}/empty.mp4"], 2, r"error: .*empty\.mp4: empty file"),
    "track text named mp4": (["track", "{d}/text.mp4"], 2, "error: .*text.mp4: not a video OpenCV can read"),
    "track truncated mp4": (["track", "{d}/truncated.mp4"], 2, "error: .*truncated.mp4: not a video OpenCV can read"),
    "track truncated avi": (["track", "{d}/truncated.avi"], 0, r"warning: the video announced 10 frames but only \d could be read"),
    "track missing": (["track", "{d}/missing.mp4"], 2, "error: .*missing.mp4: no such video file, folder or webcam index"),
    "track folder with a bad frame": (["track", "{d}/frames"], 2, r"error: .*001\.jpg: not an image file Pillow can read"),
    "track folder without frames": (["track", "{d}/emptydir"], 2, r"error: .*emptydir: folder has no frames \(looked for .bmp"),
    "track frames of two sizes": (["track", "{d}/sizes"], 0, "note: frame 1 is 200x300, not 300x200: tracking restarts"),
    "track webcam 99999": (["track", "99999999999999999999"], 2, r"error: webcam index must be in 0\.\.99, got 99999999999999999999"),
    "track negative index": (["track", "-1"], 2, "error: -1: no such video file, folder or webcam index"),
    "track --fps 0": (["track", "{d}/good.mp4", "--fps", "0"], 2, "error: fps must be a positive finite number, got 0.0"),
    "track --fps nan": (["track", "{d}/good.mp4", "--fps", "nan"], 2, "error: fps must be a positive finite number, got nan"),
    "track --fps inf": (["track", "{d}/good.mp4", "--fps", "inf"], 2, "error: fps must be a positive finite number, got inf"),
    "track --fps -5": (["track", "{d}/good.mp4", "--fps", "-5"], 2, "error: fps must be a positive finite number, got -5.0"),
    "track --fps 1e-300": (["track", "{d}/good.mp4", "--fps", "1e-300"], 2, "error: timestamp_ms must be finite and >= 0 .*got 1e\\+303"),
    "track --max-frames 0": (["track", "{d}/good.mp4", "--max-frames", "0"], 2, "error: --max-frames must be a positive integer, got 0"),
    "track --threshold -1": (["track", "{d}/good.mp4", "--threshold", "-1"], 2, "error: --threshold must be a keypoint score in 0..1"),
    "track --out bad suffix": (["track", "{d}/good.mp4", "--out", "{d}/x.gif"], 2, "error: .*x.gif: output video must end in one of .avi"),
    "track --jsonl is a folder": (["track", "{d}/good.mp4", "--jsonl", "{d}"], 2, "error: --jsonl .*: is a folder; give a file name"),
    "track --jsonl in a missing folder": (["track", "{d}/good.mp4", "--jsonl", "{d}/no/x.jsonl"], 2, "error: --jsonl .*: folder .*/no does not exist"),
    "track --tracker iou": (["track", "{d}/good.mp4", "--tracker", "iou"], 2, "argument --tracker: invalid choice: 'iou'"),
    "track headerless mp4": (["track", "{d}/headerless.mp4", "--jsonl", "{d}/h.jsonl"], 0, "^$"),
    "track a photo named mp4": (["track", "{d}/photo.mp4", "--jsonl", "{d}/p.jsonl"], 0, "^$"),
    "track a video named jpg": (["track", "{d}/video.jpg", "--jsonl", "{d}/v.jsonl"], 0, "^$"),
    "track unicode folder of frames": (["track", "{d}/ünïcødé 名前"], 0, "^$"),
    # eval
    "eval missing annotations": (["eval", "--annotations", "{d}/nope.json", "--images", "{d}"], 2, "error: annotation file not found: .*nope.json"),
    "eval annotations a list": (["eval", "--annotations", "{d}/list.json", "--images", "{d}"], 2, "not a COCO annotation file \\(expected an object with 'images' and 'annotations'\\)"),
    "eval annotations not json": (["eval", "--annotations", "{d}/broken.json", "--images", "{d}"], 2, "broken.json: not a JSON file"),
    "eval annotations empty": (["eval", "--annotations", "{d}/empty.json", "--images", "{d}"], 2, r"the annotation set is empty \(no images\)"),
    "eval a video as annotations": (["eval", "--annotations", "{d}/good.mp4", "--images", "{d}"], 2, "good.mp4: not a"),
    "eval images folder missing": (["eval", "--annotations", COCO / "annotations.json", "--images", "{d}/nope"], 2, "error: images folder not found"),
    "eval neither images nor results": (["eval", "--annotations", COCO / "annotations.json"], 2, "error: give --images DIR .*or --results FILE"),
    "eval results not json": (["eval", "--annotations", COCO / "annotations.json", "--results", "{d}/broken.json"], 2, "broken.json: not a JSON file"),
    "eval results not a list": (["eval", "--annotations", COCO / "annotations.json", "--results", "{d}/empty.json"], 2, "a COCO results file is a JSON list"),
    "eval --bootstrap huge": (["eval", "--annotations", COCO / "annotations.json", "--results", "{d}/list.json", "--bootstrap", "1000000000000"], 2, r"--bootstrap must be an integer in 0\.\.100000"),
    "eval --bootstrap -1": (["eval", "--annotations", COCO / "annotations.json", "--results", "{d}/list.json", "--bootstrap", "-1"], 2, "--bootstrap must be an integer in 0..100000"),
    "eval --crop-margin nan": (["eval", "--annotations", COCO / "annotations.json", "--results", "{d}/list.json", "--crop-margin", "nan"], 2, "crop_margin must be a number >= 1"),
    "eval --min-keypoints 100": (["eval", "--annotations", COCO / "annotations.json", "--results", "{d}/list.json", "--min-keypoints", "100"], 2, r"min_keypoints must be an integer in 1\.\.17, got 100"),
    "eval --json in a missing folder": (["eval", "--annotations", COCO / "annotations.json", "--results", "{d}/list.json", "--json", "{d}/no/m.json"], 2, "error: --json .*does not exist"),
    # bench
    "bench --threads 0": (["bench", "--models", "lightning", "--threads", "0"], 2, "error: threads must be an integer in 1.."),
    "bench --rounds 0": (["bench", "--rounds", "0"], 2, r"error: --rounds must be an integer in 2\.\.1000, got 0"),
    "bench --block 0": (["bench", "--block", "0"], 2, r"error: --block must be an integer in 1\.\.1000, got 0"),
    "bench --runs (gone)": (["bench", "--runs", "5"], 2, "unrecognized arguments: --runs 5"),
    "bench --warmup -1": (["bench", "--warmup", "-1"], 2, r"error: --warmup must be an integer in 0\.\.1000, got -1"),
    "bench --pause-ms -1": (["bench", "--pause-ms", "-1"], 2, r"error: --pause-ms must be in 0\.\.10000"),
    "bench --batch 0": (["bench", "--batch", "0"], 2, r"error: --batch must be an integer in 1\.\.16"),
    "bench --batch huge": (["bench", "--batch", "100000"], 2, "error: --batch must be an integer in 1..16 .*got 100000"),
    "bench --json is a folder": (["bench", "--json", "{d}"], 2, "error: --json .*: is a folder"),
    "bench --image not an image": (["bench", "--models", "lightning", "--threads", "1", "--runtimes", "onnxruntime", "--precisions", "fp32", "--image", "{d}/text.mp4"], 2, "error: .*text.mp4: not an image file Pillow can read"),
    "bench --models hrnet": (["bench", "--models", "hrnet"], 2, "argument --models: invalid choice"),
    # unknown commands and options
    "unknown command": (["detect", E], 2, "invalid choice: 'detect'"),
    "unknown option": (["predict", E, "--colour", "red"], 2, "unrecognized arguments: --colour red"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_cli_case(case, files, capsys):
    argv, code, message = CASES[case]
    argv = [str(a).replace("{d}", str(files)) for a in argv]
    if argv[0] in ("predict", "track") and "--threads" not in argv:
        argv += ["--threads", "1"]  # frugal on a shared machine; the outcome is the same
    got, _, err = run(argv, capsys)
    assert got == code, err
    assert re.search(message, err.strip(), re.MULTILINE), err
    if code == 2 and message.startswith("error"):
        assert err.count("\n") == 1  # one line


def test_predict_folder_lists_each_bad_file_and_processes_the_rest(files, capsys):
    code, out, err = run(["predict", files / "mixed", "-r", "--json", "-"], capsys)
    assert code == 1
    doc = json.loads(out)
    assert sorted(os.path.basename(d["file"]) for d in doc) == ["a.jpg", "b.png"]
    assert re.search(r"c\.jpg: not an image file Pillow can read", err)
    assert re.search(r"d\.png: empty file", err)
    assert re.search(r"e\.jpg: broken symbolic link", err)
    assert "f.jpg" not in err  # a folder named f.jpg is a folder: its (no) contents, not a failure
    assert "3 of 5 input(s) failed" in err


def test_track_outputs_of_odd_videos(files, capsys):
    """A photo named .mp4 is one frame with the photo's poses; a video named .jpg is a video."""
    code, _, _ = run(["track", files / "photo.mp4", "--jsonl", files / "photo.jsonl", "--no-smoothing"], capsys)
    assert code == 0
    lines = [json.loads(line) for line in (files / "photo.jsonl").read_text().splitlines()]
    assert len(lines) == 1 and lines[0]["frame"] == 0
    assert run(["predict", EXAMPLE_IMAGE, "--json", files / "photo.json"], capsys)[0] == 0
    still = json.loads((files / "photo.json").read_text())[0]["poses"]
    # the first video frame sees the whole image, as a still does; FFmpeg's JPEG decoder differs
    # from Pillow's by a level here and there, hence the tolerance
    assert [k["x"] for k in lines[0]["poses"][0]["keypoints"]] == pytest.approx([k["x"] for k in still[0]["keypoints"]], abs=5)
    assert run(["track", files / "video.jpg", "--jsonl", files / "v.jsonl"], capsys)[0] == 0
    assert len((files / "v.jsonl").read_text().splitlines()) == 10


def test_no_traceback_as_a_program(files):
    """As a separate program, the worst cases print one `error:` line and no traceback."""
    for argv, code in [
        (["predict", str(files / "mixed"), "--threads", "1", "-q"], 1),
        (["track", str(files / "random.mp4"), "--threads", "1"], 2),
    ]:
        result = subprocess.run([sys.executable, "-m", "movenet", *argv], capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == code
        assert "Traceback" not in result.stderr and "error: " in result.stderr
