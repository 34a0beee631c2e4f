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
    with pytest.raises(InvalidOptionError, match="available: angles, reps, falls"):
        make_analysers({"balance": {}})
    with pytest.raises(InvalidOptionError, match="known: min_score"):
        make_analysers({"angles": {"side": "left"}})


class _NoModel:
    """An engine without a model: the session's messages only."""

    def detector(self, settings):
        return object()


def _frame(frame_id, t):
    return protocol.FrameMessage(frame_id, t, 0, 0, "jpeg", b"")


def test_analyser_settings_reset_and_frame_times():
    from movenet.falls.synthetic import frames, scenario
    from movenet.serve.sessions import LiveSession

    session = LiveSession(_NoModel(), Settings(), max_frame_bytes=10**6, max_pixels=10**6)
    requested = {"reps": {"exercise": "squat"}, "falls": {"confirm_s": 1}}
    answer = json.loads(session.apply({"analysers": requested}))
    assert answer["type"] == "settings" and answer["analysers"] == requested
    falls, detector = session.analysers["falls"], session.detector
    sequence = frames(scenario("fall"))
    sent = [json.loads(m) for i, (t, poses) in enumerate(sequence) for m in session.analyse(_frame(i, t), poses)]
    assert all(m["type"] == "analysis" and set(m["results"]) == {"reps", "falls"} for m in sent)
    assert sent[-1]["results"]["falls"]["alert"]["level"] == "alarm"
    # a new exercise: the counter starts over, the fall detector keeps its state (still alarmed)
    session.apply({"analysers": {"reps": {"exercise": "lunge"}, "falls": {"confirm_s": 1}}})
    assert session.analysers["falls"] is falls and session.analysers["reps"].session.spec.name == "lunge"
    assert session.detector is detector  # only the analysers changed: the same tracks go on
    t, poses = sequence[-1]
    late = json.loads(session.analyse(_frame(999, t + 40.0), poses)[0])
    assert late["results"]["falls"]["alert"]["level"] == "alarm"
    # the reset buttons
    assert json.loads(session.reset({"analysers": ["falls"]})) == {"type": "reset", "analysers": ["falls"]}
    assert falls.detector.states() == {}
    assert json.loads(session.reset({})) == {"type": "reset", "analysers": ["reps", "falls"]}
    for payload in ({"analysers": ["angles"]}, {"analysers": "reps"}, {"analysers": [{}]}, {"all": True}):
        error = json.loads(session.reset(payload))
        assert error["type"] == "error" and "analysers on (reps, falls)" in error["message"]
    # the page's capture times must increase: an older frame is not analysed (and says so)
    error = json.loads(session.analyse(_frame(1000, t), poses)[0])
    assert error == {"type": "error", "frame": 1000, "message": f"not analysed: frame times must increase ({t:g} ms after {t + 40:g} ms)"}
    bad = json.loads(session.apply({"analysers": {"reps": {"exercise": "burpee"}}}))
    assert bad["type"] == "error" and "known: squat" in bad["message"]
    assert set(session.analysers) == {"reps", "falls"}  # a refused change changes nothing
    session.apply({"model": "thunder"})
    assert session.detector is not detector and session.analysers["falls"] is falls
