"""Per-frame signals on hand-built poses."""

from __future__ import annotations

import numpy as np
import pytest

from movenet.falls.signals import frame_signals, trunk_seen
from movenet.falls.synthetic import LYING, STAND, Body, body_pose

LS, RS, LH, RH, LK, RK = 5, 6, 11, 12, 13, 14


def test_standing_and_lying_stick_figure():
    up = frame_signals(body_pose(STAND))
    assert up.trunk_deg == pytest.approx(0.0, abs=1e-9) and up.inclination_deg == pytest.approx(0.0, abs=1e-9)
    assert (up.hip_x, up.hip_y, up.torso_px) == pytest.approx((300.0, 200.0, 60.0))
    assert (up.shoulder_x, up.shoulder_y) == pytest.approx((300.0, 140.0))
    lying = frame_signals(body_pose(LYING))
    assert lying.trunk_deg == pytest.approx(90.0)
    assert lying.aspect > 1 > up.aspect


@pytest.mark.parametrize("trunk", [-179.0, -135.0, -90.0, -30.0, 45.0, 120.0, 179.0])
def test_trunk_direction_is_wrapped(trunk):
    s = frame_signals(body_pose(Body(trunk_deg=trunk)))
    assert s.trunk_deg == pytest.approx(trunk)
    assert s.inclination_deg == pytest.approx(abs(trunk))


def test_one_side_seen_uses_that_side_and_none_gives_no_signals():
    a = body_pose(Body(trunk_deg=30.0)).to_array().astype(np.float64)
    a[[RS, RH], 2] = 0.1  # right side unseen
    s = frame_signals(a)
    assert s.trunk_deg == pytest.approx(30.0)  # the left side is parallel to the trunk
    assert (s.hip_x, s.hip_y) == pytest.approx(tuple(a[LH, :2]))
    assert s.confidence == pytest.approx(0.9)
    a[LS, 2] = 0.29
    assert frame_signals(a) is None and not trunk_seen(a)
    assert frame_signals(a, min_score=0.05) is not None


def test_the_box_is_of_the_seen_keypoints():
    a = body_pose(STAND).to_array().astype(np.float64)
    a[[LK, RK], 2] = 0.0
    s = frame_signals(a)
    seen = a[a[:, 2] >= 0.3]
    assert s.box_width == pytest.approx(seen[:, 0].max() - seen[:, 0].min())
    assert s.box_height == pytest.approx(seen[:, 1].max() - seen[:, 1].min())
