"""The watcher's small parts on their own: the config (defaults, ${VARIABLES}, every error with its
line), zones (point in polygon, the person's point), room merging, per-thread CPU."""

import threading
import time

import pytest

from movenet.types import Pose
from movenet.watch.config import ConfigError, parse_config
from movenet.watch.cpu import CpuMeter
from movenet.watch.rooms import RoomMerger
from movenet.watch.zones import body_point, point_in_polygon, zone_of

GOOD = '''[watch]
retention_days = 7

[mqtt]
url = "mqtt://ha:${MQTT_PASSWORD}@127.0.0.1:1883"

[notify]
apprise = ["ntfy://ntfy.example/falls"]
attach = "keypoints"

[[cameras]]
name = "living"
url = "rtsp://admin:${CAMERA_PASSWORD}@192.168.1.20/stream1"
room = "living room"
max_fps = 10
[cameras.falls]
confirm_s = 3
[[cameras.zones]]
name = "sofa"
polygon = [[0.1, 0.5], [0.5, 0.5], [0.5, 0.9]]

[[cameras]]
name = "hall"
url = "http://192.168.1.21/video.mjpg"
'''


def test_good_config_with_variables(monkeypatch):
    monkeypatch.setenv("MQTT_PASSWORD", "m-pw")
    monkeypatch.setenv("CAMERA_PASSWORD", "c-pw")
    config = parse_config(GOOD, "home.toml")
    living, hall = config.cameras
    assert living.url == "rtsp://admin:c-pw@192.168.1.20/stream1" and config.mqtt.url.endswith("ha:m-pw@127.0.0.1:1883")
    assert living.falls == {"confirm_s": 3} and living.zones[0].name == "sofa" and living.max_fps == 10
    assert hall.room is None and hall.model == "lightning" and config.retention_days == 7
    assert config.notify.attach == "keypoints" and config.rooms() == {"living": "living room", "hall": None}


@pytest.mark.parametrize("change, message", [
    (("retention_days = 7", "retention_days = -1"), "home.toml:2: retention_days must be within"),
    (("retention_days = 7", "retention = 7"), "home.toml:2: unknown setting 'retention'"),
    (('attach = "keypoints"', 'attach = "video"'), "home.toml:9: attach must be one of snapshot, keypoints, none"),
    (("max_fps = 10", 'max_fps = "ten"'), "home.toml:15: max_fps must be a number"),
    (("confirm_s = 3", "confirm = 3"), "home.toml:17: unknown fall setting 'confirm'"),
    (("[0.5, 0.9]]", "[0.5, 1.9]]"), "home.toml:20: camera 'living', zone 'sofa': polygon must be"),
    (('name = "hall"', 'name = "living"'), "home.toml:23: two cameras are named 'living'"),
    (('url = "http://192.168.1.21/video.mjpg"\n', ""), "home.toml:22: camera 'hall' needs url"),
    (("url = \"mqtt://ha:${MQTT_PASSWORD}@127.0.0.1:1883\"", 'url = "mqtt://h:${NOPE}@x"'), "home.toml:5: ${NOPE} is used but"),
    (("[mqtt]", "[mqtt"), "home.toml:4:6: not valid TOML"),
])
def test_config_errors_name_the_line(change, message, monkeypatch):
    monkeypatch.setenv("MQTT_PASSWORD", "m-pw")
    monkeypatch.setenv("CAMERA_PASSWORD", "c-pw")
    with pytest.raises(ConfigError) as info:
        parse_config(GOOD.replace(*change), "home.toml")
    assert str(info.value).startswith(message) and "\n" not in str(info.value)
    assert "c-pw" not in str(info.value) and "m-pw" not in str(info.value)


def test_point_in_polygon_and_zones():
    square = [(0.2, 0.2), (0.6, 0.2), (0.6, 0.6), (0.2, 0.6)]
    assert point_in_polygon(0.4, 0.4, square) and not point_in_polygon(0.7, 0.4, square)
    concave = [(0, 0), (1, 0), (1, 1), (0.5, 0.3), (0, 1)]  # a notch from the top down
    assert point_in_polygon(0.2, 0.2, concave) and not point_in_polygon(0.5, 0.8, concave)
    from movenet.watch.config import Zone

    keypoints = [[0, 0, 0.0]] * 17
    keypoints[11], keypoints[12] = [100, 300, 0.9], [140, 310, 0.8]  # the hips, in a 400x400 frame
    pose = Pose.from_array(keypoints, 0.8)
    point = body_point(pose, 400, 400)
    assert point == pytest.approx((0.3, 0.7625))
    assert zone_of(point, [Zone("bed", ((0.1, 0.6), (0.5, 0.6), (0.5, 0.9), (0.1, 0.9)))]) == "bed"
    assert zone_of(point, [Zone("sofa", tuple(square))]) is None and zone_of(None, []) is None


def test_room_merging():
    merger = RoomMerger(window_s=30)
    assert merger.find("hall", "fall", 100.0) is None
    merger.add("hall", "fall", 100.0, 1)
    assert merger.find("hall", "fall", 125.0) == 1  # another camera, same fall
    assert merger.find("hall", "fall", 131.0) is None  # a new fall
    assert merger.find("kitchen", "fall", 101.0) is None and merger.find("hall", "recovered", 101.0) is None
    assert merger.find(None, "fall", 100.0) is None  # cameras without a room never merge


def test_cpu_meter_counts_its_threads_only():
    meter = CpuMeter()
    meter.percent()

    def busy():
        meter.add_current_thread()
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            pass

    thread = threading.Thread(target=busy)
    thread.start()
    time.sleep(1.0)  # this thread idles: not counted
    busy_share = meter.percent()
    thread.join()
    assert 10 <= busy_share <= 110  # one spinning thread: up to a core (less on a loaded machine)
    time.sleep(0.2)
    assert meter.percent() < busy_share  # the thread ended: its time no longer grows


def test_a_cameras_fall_profile_gives_its_fitted_settings(tmp_path, monkeypatch):
    """`falls_profile` (relative to the config file) brings the settings `movenet falls feedback
    --fit` adapted to that camera; [cameras.falls] overrides them; a missing file names the line."""
    from movenet.falls.profile import Profile

    monkeypatch.setenv("MQTT_PASSWORD", "m-pw")
    monkeypatch.setenv("CAMERA_PASSWORD", "c-pw")
    Profile(settings={"default": {"confirm_s": 4.0, "long_lie_s": 45.0}}).save(tmp_path / "living.json")
    text = GOOD.replace("max_fps = 10\n", 'max_fps = 10\nfalls_profile = "living.json"\n')
    living = parse_config(text, str(tmp_path / "home.toml")).cameras[0]
    assert living.falls == {"confirm_s": 3, "long_lie_s": 45.0} and living.falls_profile == "living.json"
    with pytest.raises(ConfigError) as info:
        parse_config(text, str(tmp_path / "elsewhere" / "home.toml"))
    assert "home.toml:16: " in str(info.value) and "no such fall profile" in str(info.value)


def test_evidence_clips_are_kept_when_browsers_play_them_and_re_encoded_when_not(tmp_path):
    """H.264 (what the fall recorder writes through PyAV) stays as recorded; OpenCV's MPEG-4 Part 2
    (`mp4v`, which browsers do not decode) becomes VP9 in WebM with the same frames."""
    import numpy as np

    from movenet.io.video import VideoWriter
    from movenet.watch.evidence import browser_clip, video_codec

    frames = [np.full((48, 64, 3), 40 * i, dtype=np.uint8) for i in range(6)]
    for name, encoder in (("h264.mp4", None), ("mpeg4.mp4", "opencv")):
        with VideoWriter(tmp_path / name, 12.0, encoder=encoder) as writer:
            for frame in frames:
                writer.write(frame)
    kept = browser_clip(tmp_path / "h264.mp4")
    assert kept == tmp_path / "h264.mp4" and video_codec(kept) == "h264"
    assert video_codec(tmp_path / "mpeg4.mp4") == "mpeg4"
    made = browser_clip(tmp_path / "mpeg4.mp4")
    assert made == tmp_path / "mpeg4.webm" and video_codec(made) == "vp9" and not (tmp_path / "mpeg4.mp4").exists()
    import av

    with av.open(str(made)) as container:
        assert sum(1 for _ in container.decode(video=0)) == len(frames)
    assert video_codec(tmp_path / "missing.mp4") is None
