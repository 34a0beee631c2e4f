"""What happens on an event: JSON lines, hooks, evidence clips (pixels or keypoints only)."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import cv2
import numpy as np
import pytest

from movenet import InvalidOptionError
from movenet.falls import EventWriter, FallEvent
from movenet.falls.evidence import BLANK, EvidenceRecorder
from movenet.falls.notify import CommandHook, HttpHook
from movenet.falls.synthetic import frames, scenario
from movenet.io.pose_jsonl import read_pose_jsonl

EVENT = FallEvent("fall", 2, 1080.0, 4480.0, 0.95, {"fall_s": 0.4})


def test_event_lines_are_flushed_one_by_one(tmp_path):
    path = tmp_path / "events.jsonl"
    writer = EventWriter(path)
    writer.write(EVENT, frame=112)
    line = json.loads(path.read_text())  # readable before close
    assert line == {"event": "fall", "track_id": 2, "start_ms": 1080.0, "confirmed_ms": 4480.0, "confidence": 0.95,
                    "method": "default", "reason": {"fall_s": 0.4}, "frame": 112}
    writer.close()


def test_command_hook_gets_the_event_on_stdin_and_in_the_environment(tmp_path):
    out = tmp_path / "got.txt"
    script = f"import os, sys; open({str(out)!r}, 'w').write(sys.stdin.read() + '|' + os.environ['MOVENET_EVENT'])"
    hook = CommandHook(f"{sys.executable} -c {json.dumps(script)}")
    hook(EVENT.to_dict())
    hook.close()
    stdin, env = out.read_text().split("|")
    assert json.loads(stdin) == json.loads(env) == EVENT.to_dict()


def test_a_failing_hook_is_reported_and_does_not_stop_anything(capsys):
    hook = CommandHook(f"{sys.executable} -c 'import sys; sys.exit(3)'")
    hook(EVENT.to_dict())
    hook.close()
    missing = CommandHook("no-such-command-movenet")
    missing(EVENT.to_dict())
    missing.close()
    err = capsys.readouterr().err
    assert "exit code 3" in err and "no such command: no-such-command-movenet" in err
    with pytest.raises(InvalidOptionError, match="needs a command"):
        CommandHook("  ")


def test_http_hook_posts_json_to_a_local_server():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], json.loads(body)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    hook = HttpHook(f"http://127.0.0.1:{server.server_port}/fall")
    hook(EVENT.to_dict())
    hook.close()
    thread.join(5)
    server.server_close()
    assert received == [("/fall", "application/json", EVENT.to_dict())]
    with pytest.raises(InvalidOptionError, match="needs an http:// or https:// URL"):
        HttpHook("ftp://example.org/x")


@pytest.mark.parametrize("pixels", [True, False])
def test_evidence_clip_snapshot_and_poses(tmp_path, pixels):
    seq = frames(scenario("fall"))  # 40 ms frames; the event at 4480 ms
    recorder = EvidenceRecorder(tmp_path, 25.0, before_s=1.0, after_s=0.4, pixels=pixels)
    image = np.full((240, 320, 3), 255, dtype=np.uint8)  # white: any pixel kept would show
    for t, poses in seq:
        recorder.add(image, poses, t)
        if t == 4480.0:
            recorder.event(FallEvent("fall", None, 1080.0, 4480.0, 1.0))
    recorder.close()
    stem = tmp_path / "000004480-fall-single"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{stem.name}{s}" for s in (".jpg", ".jsonl", ".mp4")]
    poses = read_pose_jsonl(f"{stem}.jsonl")
    assert [t for t, _ in poses] == [3480.0 + 40.0 * k for k in range(26 + 10)]  # 1 s before, 0.4 s after
    video = cv2.VideoCapture(f"{stem}.mp4")
    assert int(video.get(cv2.CAP_PROP_FRAME_COUNT)) == 36
    video.release()
    snapshot = cv2.imread(f"{stem}.jpg")[:, :, ::-1]
    corner = snapshot[:20, :20].reshape(-1, 3).mean(axis=0)
    assert np.allclose(corner, 255 if pixels else BLANK, atol=8)


def test_evidence_bounds():
    with pytest.raises(InvalidOptionError, match="--clip-before-s must be within 0..60"):
        EvidenceRecorder("/tmp", 25.0, before_s=600.0)
