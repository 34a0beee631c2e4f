"""The default method's view-independent evidence, rule by rule, on hand-built poses, and on a real
GMDCSA24 fall along the line of sight (MIT, examples/falls/README.md).

Stick figures from `movenet.falls.synthetic` (25 fps; torso 60 px; standing: hips at y 200, nose at
113, ankles at 308, so the floor line is y 308 and the standing hip height 108 px). A body lying
along the line of sight (feet toward the camera) keeps its trunk upright in the image, but the
trunk is foreshortened (`torso_px` 25: 0.42 of its length), the body is short (nose 264 to ankles
345: 81 px against 195 standing, 0.41) and the hips are on the floor line (y 300: 0.07 of their
standing height above it).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from conftest import REPO

from movenet.falls import FallDetector, detect_falls
from movenet.falls.synthetic import STAND, TORSO, Body, body_pose, keyframes
from movenet.types import Pose

TOWARD = Body(hip_y=300.0, trunk_deg=0.0, torso_px=25.0)  # lying along the line of sight
CROUCH = Body(hip_y=STAND.hip_y + 1.1 * TORSO, trunk_deg=45.0, thigh_deg=110.0, shin_deg=200.0)
SIT_FLOOR_TOWARD = Body(hip_y=300.0, trunk_deg=0.0, torso_px=45.0)  # sitting up, trunk 0.75 of its length
BED = Body(hip_y=240.0, trunk_deg=90.0, thigh_deg=270.0, shin_deg=270.0)  # lying on a bed
FLOOR = replace(BED, hip_y=300.0)


def poses(bodies, mask=(), lost_after_ms=None):
    """[(t, [pose])]; keypoints in `mask` unseen (score 0); no pose at all after `lost_after_ms`."""
    out = []
    for t, body in bodies:
        if lost_after_ms is not None and t > lost_after_ms:
            out.append((t, []))
            continue
        a = body_pose(body).to_array()
        a[list(mask), 2] = 0.0
        out.append((t, [Pose.from_array(a, body.score, None, None)]))
    return out


def fall_toward(fall_ms=600.0, lie_ms=7000.0, end=TOWARD):
    return keyframes((0.0, STAND), (1000.0, STAND), (1000.0 + fall_ms, end), (1000.0 + fall_ms + lie_ms, end))


def events(frames, **settings):
    return [(e.event, e.reason.get("evidence")) for e in detect_falls(frames, **settings)]


def test_a_fall_along_the_line_of_sight_is_caught_by_the_collapse():
    assert events(poses(fall_toward())) == [("fall", "collapsed")]
    event = detect_falls(poses(fall_toward()))[0]
    assert event.reason["collapse"] <= 0.5 and event.reason["hip_floor"] <= 0.4 and event.reason["trunk_ratio"] <= 0.75
    assert event.reason["descent_speed"] >= 1.5


def test_the_rules_before_missed_it():
    """Trunk upright in the image, box narrow: never 'lying' by the trunk or the box."""
    assert events(poses(fall_toward()), view_independent=0) == []


def test_a_slow_lowering_to_the_same_pose_is_no_fall():
    """The same end posture reached in 3 s: the hips' mean speed is ~0.6 torso lengths a second."""
    assert events(poses(fall_toward(fall_ms=3000.0))) == []


def test_a_crouch_held_still_is_no_fall():
    """Hips down 1.1 torso lengths, body short, but the trunk keeps its length: not collapsed."""
    bodies = keyframes((0.0, STAND), (1000.0, STAND), (1400.0, CROUCH), (12000.0, CROUCH))
    assert events(poses(bodies)) == []


@pytest.mark.parametrize("mask, what", [((0, 1, 2, 3, 4), "head out of the frame"), ((15, 16), "ankles out of the frame")])
def test_partial_bodies(mask, what):
    """Without the head the body's height is measured from the shoulders; without ankles the floor
    line is 1.7 torso lengths under the standing hips (FLOOR_TORSO_LENGTHS)."""
    assert events(poses(fall_toward(), mask=mask)) == [("fall", "collapsed")], what


def test_sitting_up_toward_the_camera_is_still_down():
    """After the fall the trunk looks upright and is still foreshortened, the body short: not up."""
    bodies = keyframes((0.0, STAND), (1000.0, STAND), (1600.0, TOWARD), (2400.0, SIT_FLOOR_TOWARD), (9000.0, SIT_FLOOR_TOWARD))
    assert [e for e, _ in events(poses(bodies))] == ["fall"]


def events_in(frames, frame_size, **settings):
    detector = FallDetector(**settings)
    found = [e for t, p in frames for e in detector.update(p, t, frame_size)]
    return [(e.event, e.reason.get("evidence")) for e in found]


def test_a_person_lost_at_the_frame_edge_during_a_fast_descent_is_down():
    """Lost 0.4 s into a 0.6 s fall (hips already 1.1 torso lengths down, at ~2.8 a second), last
    seen reaching the bottom tenth of a 640x360 frame (ankles at y ~333 >= 324)."""
    frames = poses(fall_toward(), lost_after_ms=1400.0)
    assert events_in(frames, (640, 360)) == [("fall", "lost during the descent")]
    assert events_in(frames, (640, 360), view_independent=0) == []
    assert events_in(frames, (640, 720)) == []  # lost in the middle of a taller frame: not taken for down
    assert events_in(frames, None) == []  # frame size unknown: no edge, no such evidence


def test_walking_out_of_the_frame_or_sitting_down_slowly_then_lost_is_no_fall():
    gone = poses(keyframes((0.0, STAND), (1000.0, STAND), (1400.0, replace(STAND, hip_x=620.0)), (9000.0, STAND)),
                 lost_after_ms=1400.0)
    assert events_in(gone, (640, 360)) == []
    sitting = poses(fall_toward(fall_ms=2000.0), lost_after_ms=2400.0)  # lost 1.4 s into a 2 s descent
    assert events_in(sitting, (640, 360)) == []


def test_falls_from_a_bed_are_off_by_default_and_on_with_furniture_drop():
    bodies = keyframes((0.0, BED), (3000.0, BED), (3400.0, FLOOR), (10000.0, FLOOR))
    assert events(poses(bodies)) == []
    found = detect_falls(poses(bodies), furniture_drop=0.8)
    assert [(e.event, e.reason.get("from")) for e in found] == [("fall", "furniture")]
    assert found[0].start_ms == 3000.0 and found[0].confidence == 1.0  # from the last frame on the bed


def test_a_recording_that_ends_while_down_gives_down_at_end():
    detector = FallDetector()
    for t, p in poses(fall_toward(lie_ms=2000.0)):
        assert detector.update(p, t) == []
    (end,) = detector.finish()
    assert end.event == "down_at_end" and end.reason["fall_confirmed"] is False
    assert end.reason["down_s"] == pytest.approx((3600.0 - end.reason["down_ms"]) / 1000.0)
    detector.reset()
    for t, p in poses(fall_toward(lie_ms=2000.0)):
        detector.update(p, t)
    held = detector.finish(hold_s=5.0)
    assert [e.event for e in held] == ["fall", "down_at_end"] and held[1].reason["fall_confirmed"] is True
    assert held[1].reason["held_s"] == 5.0


def test_nobody_down_at_the_end_gives_nothing():
    detector = FallDetector()
    for t, p in poses(keyframes((0.0, STAND), (2000.0, STAND))):
        detector.update(p, t)
    assert detector.finish() == [] and FallDetector().finish() == []


GMDCSA_FALL = REPO / "examples" / "falls" / "gmdcsa24_s1_fall_14.mp4"


def test_a_real_fall_along_the_line_of_sight(tmp_path):
    """GMDCSA24 subject 1, fall 14 (ankles out of the frame, the body ends pointing at the camera),
    Lightning poses: the default method catches it by the collapse; without the view-independent
    evidence it was missed (issue 19)."""
    import movenet
    from movenet.pipelines.clip_poses import clip_poses

    frames = clip_poses(GMDCSA_FALL, movenet.create_detector("lightning", threads=1))
    assert len(frames) == 171
    for view, expected in ((1.0, ["fall"]), (0.0, [])):
        detector = FallDetector(view_independent=view)
        found = [e for t, p in frames for e in detector.update(p, t)] + detector.finish(hold_s=8.0)
        assert [e.event for e in found if e.event == "fall"] == expected
        if expected:
            assert found[0].reason["evidence"] == "collapsed" and found[0].start_ms < 1000.0
    assert np.isfinite(frames[-1][0])


def test_someone_else_standing_far_away_is_not_the_fallen_person_getting_up():
    """A single-pose model that jumps to another person (seated upright 4 torso lengths away) while
    the fallen person is down: not their getting up (down_radius 2 torso lengths)."""
    fallen = poses(fall_toward(lie_ms=1000.0))
    other = replace(STAND, hip_x=STAND.hip_x + 4 * TORSO)
    t0 = fallen[-1][0]
    later = [(t0 + 40.0 * (k + 1), [body_pose(other)]) for k in range(200)]
    assert events(fallen + later) == [("fall", "collapsed")]
    assert events(fallen + later, down_radius=0) == []  # taken for the fallen person standing up


def test_the_web_apps_fall_analyser_gets_the_frame_size():
    """The live alerts panel (serve's `falls` analyser) applies the edge rule when the session
    passes the frame's size, as `movenet falls` does; without it, no such evidence."""
    pytest.importorskip("starlette", reason="the web app needs the serve extra")
    from movenet.serve.analysers import make_analysers, run_analysers

    frames = poses(fall_toward(), lost_after_ms=1400.0)

    def fall_events(frame_size):
        analysers = make_analysers({"falls": {}})
        found = []
        for t, p in frames:
            result = run_analysers(analysers, p, t, frame_size=frame_size).get("falls", {})
            found += [e["event"] for e in result.get("events", [])]
        return found

    assert fall_events((640, 360)) == ["fall"]
    assert fall_events(None) == []
