"""Camera URLs read through OpenCV's FFmpeg from real servers on loopback: GStreamer's RTSP server
(TCP, Basic auth) and an HTTP MJPEG camera. Frames and stream timestamps match the file they come
from, a fall is found as in the file, errors say what is wrong in one line without the password,
and a server killed and restarted mid-run is reconnected to with the gap in the health record."""

import subprocess
import sys
import threading
import time

import pytest
from camera_servers import FALL_CLIP, MjpegServer, RtspServer, why_no_rtsp
from conftest import REPO

from movenet.errors import InvalidInputError
from movenet.io.streams import NetworkStream, StreamOptions, is_stream_url, redact_stream_url
from movenet.io.video import VideoSource

requires_rtsp = pytest.mark.skipif(why_no_rtsp() is not None, reason=str(why_no_rtsp()))
PASSWORD = "pa:ss@w0rd/x"  # every character that needs quoting in a URL
QUICK = StreamOptions(connect_timeout_s=5, read_timeout_s=2, backoff_s=0.2, backoff_max_s=0.5)


@pytest.mark.parametrize("url, safe", [
    ("rtsp://admin:hunter2@10.0.0.5:554/stream1", "rtsp://admin:***@10.0.0.5:554/stream1"),
    ("rtsp://10.0.0.5/live", "rtsp://10.0.0.5/live"),
    ("http://cam.local/cgi-bin/api.cgi?cmd=Snap&user=admin&password=hunter2", "http://cam.local/cgi-bin/api.cgi?cmd=Snap&user=admin&password=***"),
    ("https://relay.example/s.m3u8?token=abc123", "https://relay.example/s.m3u8?token=***"),
    ("rtsp://user@host/x", "rtsp://user@host/x"),
])
def test_redacted_urls(url, safe):
    assert redact_stream_url(url) == safe and is_stream_url(url)


def test_urls_are_never_paths(tmp_path, capsys):
    from movenet.cli.main import main

    assert not is_stream_url("rtsp:/host/x") and not is_stream_url("clip.mp4")
    assert main(["predict", "https://example.com/a.jpg"]) == 1
    assert "URLs are not downloaded here" in capsys.readouterr().err
    with pytest.raises(InvalidInputError, match="not a camera URL"):
        NetworkStream("http:///nohost")


def read_all(source, limit=None):
    frames = []
    for frame in source:
        frames.append(frame)
        if limit and len(frames) >= limit:
            break
    return frames


@requires_rtsp
def test_rtsp_over_tcp_with_credentials_gives_the_files_frames():
    with RtspServer(user="bob", password=PASSWORD) as server, \
            VideoSource(server.url(user="bob", password=PASSWORD), stream_options=QUICK.__class__(
                connect_timeout_s=5, read_timeout_s=2, reconnect=False)) as stream:
        assert stream.is_webcam and stream.fps == pytest.approx(15, abs=0.1) and PASSWORD not in stream.source
        frames = read_all(stream)
    with VideoSource(FALL_CLIP) as file:
        reference = read_all(file)
    assert len(frames) == len(reference) == 90  # every frame, none lost over TCP
    stamps = [f.timestamp_ms for f in frames]
    # The stream's own clock: 1000/15 ms apart (within a millisecond), from 0.
    assert stamps[0] == 0 and all(abs((b - a) - 1000 / 15) < 1.5 for a, b in zip(stamps[1:], stamps[2:]))
    # The same pictures as the file (H.264 passed through, decoded by the same FFmpeg).
    assert frames[45].image.shape == (240, 320, 3)
    assert abs(frames[45].image.astype(int) - reference[45].image.astype(int)).mean() < 1.0


@requires_rtsp
def test_fall_over_rtsp_as_in_the_file(tmp_path):
    """`movenet falls URL` finds the fall the file gives, at the same stream time."""
    import json

    from movenet.cli.main import main

    with RtspServer() as server:
        assert main(["falls", server.url(), "--confirm-s", "2", "--threads", "1", "--read-timeout-s", "2",
                     "--events", str(tmp_path / "stream.jsonl"), "--max-frames", "90"]) == 0
    assert main(["falls", str(FALL_CLIP), "--confirm-s", "2", "--threads", "1", "--events", str(tmp_path / "file.jsonl")]) == 0
    stream = [json.loads(x) for x in (tmp_path / "stream.jsonl").read_text().splitlines()]
    file = [json.loads(x) for x in (tmp_path / "file.jsonl").read_text().splitlines()]
    assert [e["event"] for e in stream] == [e["event"] for e in file]  # fall (and down_at_end: still down at the end)
    stream, file = ([e for e in events if e["event"] == "fall"] for events in (stream, file))
    assert len(stream) == len(file) == 1
    assert stream[0]["confirmed_ms"] == pytest.approx(file[0]["confirmed_ms"], abs=200)  # within 3 frames (a loaded machine may drop one)


@requires_rtsp
def test_rtsp_errors_are_one_line_without_the_password():
    with RtspServer(user="bob", password=PASSWORD) as server:
        with pytest.raises(InvalidInputError, match=r"needs a user name and password \(401"):
            NetworkStream(server.url(), QUICK)
        with pytest.raises(InvalidInputError, match=r"refused the user name or password \(401") as info:
            NetworkStream(server.url(user="bob", password="wrong-" + PASSWORD), QUICK)
        assert PASSWORD not in str(info.value) and "bob:***@" in str(info.value)
        with pytest.raises(InvalidInputError, match=r"no stream at the path '/nothing' \(404"):
            NetworkStream(server.url("/nothing", "bob", PASSWORD), QUICK)
        port = server.port
    with pytest.raises(InvalidInputError, match="connection refused by 127.0.0.1"):
        NetworkStream(f"rtsp://127.0.0.1:{port}/cam", QUICK)


def test_a_server_that_never_answers_times_out():
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)  # connections complete in the backlog, nothing is ever said
    try:
        started = time.monotonic()
        with pytest.raises(InvalidInputError, match="accepted the connection but did not answer within 1 s"):
            NetworkStream(f"rtsp://127.0.0.1:{silent.getsockname()[1]}/cam", StreamOptions(connect_timeout_s=1))
        assert time.monotonic() - started < 15  # the open timeout holds (FFmpeg's interrupt callback)
    finally:
        silent.close()


def test_mjpeg_camera_and_its_errors():
    with MjpegServer(user="cam", password=PASSWORD) as server:
        with VideoSource(server.url(user="cam", password="pa%3Ass%40w0rd%2Fx"), stream_options=QUICK) as stream:
            assert stream.is_webcam  # live: stale frames are dropped by the pipeline
            frames = read_all(stream, limit=20)
        assert len(frames) == 20 and frames[0].image.shape == (240, 320, 3)
        stamps = [f.timestamp_ms for f in frames]
        # MJPEG has no timestamps: arrival times, about 1/15 s apart (loose: a loaded machine).
        assert all(b > a for a, b in zip(stamps, stamps[1:])) and 0.6 < (stamps[-1] - stamps[0]) / 1000 < 6.0
        with pytest.raises(InvalidInputError, match=r"needs a user name and password \(401"):
            NetworkStream(server.url(), QUICK)
        with pytest.raises(InvalidInputError, match="not a video: the server sent text/html"):
            NetworkStream(server.url("/page", "cam", "pa%3Ass%40w0rd%2Fx"), QUICK)


def test_hls_playlist_over_http(tmp_path):
    """HLS: segments FFmpeg's HLS muxer (through PyAV) cuts from the clip (no re-encoding: the H.264
    packets are copied), served over HTTP. (GStreamer's hlssink2 made them before; its
    gst-launch hung now and then for minutes on CI.)"""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    import av

    with av.open(str(FALL_CLIP)) as source, av.open(
        str(tmp_path / "live.m3u8"), "w", format="hls",
        options={"hls_time": "1", "hls_list_size": "0", "hls_segment_filename": str(tmp_path / "seg%05d.ts")},
    ) as playlist:
        video = source.streams.video[0]
        out = playlist.add_stream_from_template(video)
        for packet in source.demux(video):
            if packet.dts is not None:
                packet.stream = out
                playlist.mux(packet)
    assert len(list(tmp_path.glob("seg*.ts"))) >= 5  # 6 s cut into 1-s segments (at key frames)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/live.m3u8"
        with VideoSource(url, stream_options=StreamOptions(reconnect=False)) as stream:
            frames = read_all(stream)
    finally:
        server.shutdown()
    assert len(frames) == 90 and stream.is_webcam
    stamps = [f.timestamp_ms for f in frames]
    assert stamps[0] == 0 and abs(stamps[-1] - 89 * 1000 / 15) < 2  # the segments' own clock


@requires_rtsp
def test_reconnects_after_the_server_is_killed_and_restarted():
    server = RtspServer().start()
    stream = NetworkStream(server.url(), QUICK)
    frames, done = [], threading.Event()

    def consume():
        for frame in stream:
            frames.append(frame)
            if len(frames) >= 40 and stream.health.reconnects >= 1:
                break
        done.set()

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while len(frames) < 15 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(frames) >= 15
    server.kill()  # the camera goes away mid-stream
    time.sleep(2.0)
    lost_at = len(frames)
    assert stream.health.snapshot().state == "reconnecting"
    server = RtspServer(port=server.port).start()  # and comes back on the same address
    try:
        assert done.wait(40), "did not reconnect"
    finally:
        stream.stop()
        thread.join(10)
        stream.close()
        server.stop()
    health = stream.health.snapshot()
    assert health.reconnects == 1 and health.outages and health.outages[-1][1] is not None
    outage_s = health.outages[-1][1] - health.outages[-1][0]
    assert outage_s >= 1.5
    # One timeline across the reconnection: increasing, with the outage as a gap.
    stamps = [f.timestamp_ms for f in frames]
    assert all(b > a for a, b in zip(stamps, stamps[1:]))
    assert stamps[lost_at] - stamps[lost_at - 1] >= 1500


@requires_rtsp
def test_password_never_printed_by_the_command():
    with RtspServer(user="bob", password=PASSWORD) as server:
        for url in (server.url(user="bob", password=PASSWORD), server.url(user="bob", password="x" + PASSWORD)):
            done = subprocess.run([sys.executable, "-m", "movenet", "track", url, "--max-frames", "5", "--threads", "1",
                                   "--jsonl", "-"], capture_output=True, text=True, cwd=REPO, timeout=120)
            for secret in (PASSWORD, "pa%3Ass%40w0rd"):
                assert secret not in done.stderr and secret not in done.stdout
        assert done.returncode == 2 and done.stderr.strip().count("\n") == 0  # one line


@pytest.mark.parametrize("command", [["track"], ["falls"], ["exercise", "--exercise", "squat"],
                                     ["balance", "--test", "sway"], ["angles"]])
def test_every_video_command_takes_a_url(command, capsys):
    """A URL reaches the stream reader of each command (not a path: 'rtsp:/...' was the old error)."""
    from movenet.cli.main import main

    url = "rtsp://user:hunter2@127.0.0.1:9/cam"  # port 9: nothing listens
    assert main([command[0], url, *command[1:], "--connect-timeout-s", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: rtsp://user:***@127.0.0.1:9/cam: connection refused") and "hunter2" not in err
