"""The live protocol's frame header, limits and close codes; settings and analysers checked."""

import json
import math

import pytest
import serve_helpers  # noqa: F401 - skips without the serve extra
from conftest import EXAMPLE_IMAGE

from movenet.analysis.geometry import joint_angle
from movenet.errors import InvalidOptionError
from movenet.serve import protocol
from movenet.serve.analysers import json_safe, make_analysers, run_analysers
from movenet.serve.inference import Settings
from movenet.types import Pose

JPEG = EXAMPLE_IMAGE.read_bytes()


def test_frame_round_trip():
    message = protocol.pack_frame(7, 1234.5678, JPEG, width=1000, height=667)
    assert len(message) == protocol.HEADER_BYTES + len(JPEG) == 20 + len(JPEG)
    frame = protocol.parse_frame(message, max_bytes=10**6, max_pixels=10**6)
    assert (frame.frame_id, frame.timestamp_ms, frame.width, frame.height, frame.format) == (7, 1234.5678, 1000, 667, "jpeg")
    assert frame.data == JPEG
    rgba = protocol.pack_frame(8, 1.0, bytes(2 * 3 * 4), protocol.FORMAT_RGBA, 2, 3)
    assert protocol.parse_frame(rgba, 10**6, 10**6).format == "rgba"


@pytest.mark.parametrize("message, code, words", [
    (protocol.pack_frame(1, 0.0, JPEG), protocol.CLOSE_TOO_BIG, "over the limit of 1000"),
    (b"\xff\xd8\xff", protocol.CLOSE_UNSUPPORTED, "20-byte header"),
    (protocol.pack_frame(1, 0.0, b"\x89PNG\r\n\x1a\n" + b"\0" * 50), protocol.CLOSE_UNSUPPORTED, "must be JPEG"),
    (protocol.pack_frame(1, 0.0, b"\0" * 50, fmt=9), protocol.CLOSE_UNSUPPORTED, "format 9 is unknown"),
    (protocol.pack_frame(1, 0.0, b"\0" * 47, protocol.FORMAT_RGBA, 4, 3), protocol.CLOSE_UNSUPPORTED, "needs 48 bytes"),
    (protocol.pack_frame(1, 0.0, b"\0" * 400, protocol.FORMAT_RGBA, 10, 10), protocol.CLOSE_TOO_BIG, "outside 1..50 pixels"),
])
def test_bad_frames_name_the_problem_and_the_close_code(message, code, words):
    with pytest.raises(protocol.ProtocolError, match=words) as info:
        protocol.parse_frame(message, 1000, 50)
    assert info.value.code == code


def test_text_messages():
    assert protocol.parse_text('{"type": "settings", "model": "thunder"}') == {"type": "settings", "model": "thunder"}
    for text in ("not json", "[1, 2]", '{"model": "thunder"}', " " * (protocol.MAX_TEXT_BYTES + 1)):
        with pytest.raises(protocol.ProtocolError):
            protocol.parse_text(text)


def test_close_reason_fits_a_close_frame():
    long = "é" * 200
    assert len(protocol.reason(long).encode()) <= 123
    assert protocol.reason("busy") == "busy"


def test_settings_are_checked_with_what_is_accepted():
    s = Settings().updated({"model": "multipose", "max_poses": 3, "tracker": "keypoints", "smoothing": False})
    assert (s.model, s.max_poses, s.tracker, s.smoothing) == ("multipose", 3, "keypoints", False)
    for changes, words in (
        ({"model": "posenet"}, "lightning, thunder, multipose"),
        ({"precision": "fp16"}, "fp32, int8"),
        ({"max_poses": 7, "model": "multipose"}, "1..6"),
        ({"max_poses": 2}, "1..1 for lightning"),
        ({"min_pose_score": 1.5}, "0..1"),
        ({"smoothing": "yes"}, "true or false"),
        ({"tracker": "iou"}, "box, keypoints, none"),
        ({"colour": "red"}, "unknown setting"),
    ):
        with pytest.raises(InvalidOptionError, match=words):
            Settings().updated(changes)


def _pose(points):
    return Pose.from_array([(x, y, s) for x, y, s in points], score=0.5, id=3)


def test_angles_analyser_matches_geometry_and_is_json_safe():
    pose = _pose([(100 + 10 * i, 50 + 20 * i, 0.9 if i != 15 else 0.1) for i in range(17)])
    results = run_analysers(make_analysers({"angles": {}}), [pose], 0.0)
    person = results["angles"]["people"][0]
    assert person["id"] == 3
    assert person["angles"]["right_knee"] == round(joint_angle(pose, "knee", "right").value, 1)
    assert person["angles"]["left_knee"] is None  # left ankle (15) below the score: not measured
    json.dumps(results, allow_nan=False)
    assert json_safe({"a": [math.nan, 1.0, math.inf]}) == {"a": [None, 1.0, None]}


def test_unknown_analysers_and_options_are_listed():
    with pytest.raises(InvalidOptionError, match="available: angles"):
        make_analysers({"reps": {}})
    with pytest.raises(InvalidOptionError, match="known: min_score"):
        make_analysers({"angles": {"side": "left"}})
