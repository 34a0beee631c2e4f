"""Zones where lying down is normal (a bed, a sofa): a fall whose person lies inside one raises no
alarm. Polygons in fractions of the frame (x right, y down, 0..1), so they survive a change of
the camera's resolution. The person's point is the middle of the hips (where a body rests),
else the middle of the keypoints seen."""

from __future__ import annotations

from collections.abc import Sequence

from movenet.types import Pose

MIN_SCORE = 0.2  # keypoints under this are not trusted for the position
LEFT_HIP, RIGHT_HIP = 11, 12


def point_in_polygon(x: float, y: float, polygon: Sequence[tuple[float, float]]) -> bool:
    """Even-odd rule (ray casting to the right)."""
    inside = False
    n = len(polygon)
    for i in range(n):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < cross:
                inside = not inside
    return inside


def body_point(pose: Pose, width: int, height: int) -> tuple[float, float] | None:
    """(x, y) of the person in 0..1 of the frame, or None when no keypoint is trusted."""
    hips = [pose.keypoints[i] for i in (LEFT_HIP, RIGHT_HIP) if pose.keypoints[i].score >= MIN_SCORE]
    points = hips or [k for k in pose.keypoints if k.score >= MIN_SCORE]
    if not points or width <= 0 or height <= 0:
        return None
    return (sum(k.x for k in points) / len(points) / width, sum(k.y for k in points) / len(points) / height)


def zone_of(point: tuple[float, float] | None, zones) -> str | None:
    """The name of the first zone containing `point`, else None."""
    if point is None:
        return None
    for zone in zones:
        if point_in_polygon(point[0], point[1], zone.polygon):
            return zone.name
    return None
