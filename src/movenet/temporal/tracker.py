"""Multi-person tracking: greedy assignment of poses to tracks by box IoU or keypoint OKS.

After pose-detection `calculators/{tracker,bounding_box_tracker,keypoint_tracker}.ts` (BRIEF
section 2 point 6): old tracks (older than max age) are dropped, each pose in order takes the
unmatched track it is most similar to (at least min_similarity), the rest start new tracks (ids
from 1), and at most max_tracks most recent tracks are kept. Coordinates normalised to the image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movenet.skeleton import keypoint_similarities

# movenet/constants.ts DEFAULT_BOUNDING_BOX_TRACKER_CONFIG / DEFAULT_KEYPOINT_TRACKER_CONFIG
MAX_TRACKS = 18
MAX_AGE_MS = 1000.0
MIN_SIMILARITY = {"box": 0.15, "keypoints": 0.2}
KEYPOINT_CONFIDENCE_THRESHOLD = 0.3
MIN_NUMBER_OF_KEYPOINTS = 4
TRACKER_KINDS = tuple(MIN_SIMILARITY)


def box_iou(a: np.ndarray, b: np.ndarray) -> float:
    """IoU of two (y_min, x_min, y_max, x_max) boxes."""
    y0, x0 = max(a[0], b[0]), max(a[1], b[1])
    y1, x1 = min(a[2], b[2]), min(a[3], b[3])
    if x0 >= x1 or y0 >= y1:
        return 0.0
    inter = (x1 - x0) * (y1 - y0)
    area_a = (a[3] - a[1]) * (a[2] - a[0])
    area_b = (b[3] - b[1]) * (b[2] - b[0])
    return float(inter / (area_a + area_b - inter))


def keypoint_area(keypoints: np.ndarray) -> float:
    """Area of the box around the confident keypoints, seeded with (1, 0) like the original."""
    valid = keypoints[keypoints[:, 2] > KEYPOINT_CONFIDENCE_THRESHOLD]
    min_x, max_x = min([1.0, *valid[:, 1]]), max([0.0, *valid[:, 1]])
    min_y, max_y = min([1.0, *valid[:, 0]]), max([0.0, *valid[:, 0]])
    return float((max_x - min_x) * (max_y - min_y))


def keypoint_oks(pose: np.ndarray, track: np.ndarray) -> float:
    """OKS between two (17, 3) (y, x, score) arrays; 0 with fewer than 4 shared confident joints."""
    confident = (pose[:, 2] >= KEYPOINT_CONFIDENCE_THRESHOLD) & (track[:, 2] >= KEYPOINT_CONFIDENCE_THRESHOLD)
    if confident.sum() < MIN_NUMBER_OF_KEYPOINTS:
        return 0.0
    d2 = (pose[:, 1] - track[:, 1]) ** 2 + (pose[:, 0] - track[:, 0]) ** 2
    return float(keypoint_similarities(d2, keypoint_area(track) + 1e-6)[confident].mean())


@dataclass
class Track:
    id: int
    last_timestamp_us: float
    keypoints: np.ndarray  # (17, 3) y, x, score
    box: np.ndarray  # (4,) y_min, x_min, y_max, x_max


class Tracker:
    def __init__(
        self,
        kind: str = "box",
        max_tracks: int = MAX_TRACKS,
        max_age_ms: float = MAX_AGE_MS,
        min_similarity: float | None = None,
    ) -> None:
        if kind not in TRACKER_KINDS:
            raise ValueError(f"tracker must be one of {TRACKER_KINDS}, got {kind!r}")
        self.kind = kind
        self.max_tracks = max_tracks
        self.max_age_us = max_age_ms * 1000.0
        self.min_similarity = MIN_SIMILARITY[kind] if min_similarity is None else min_similarity
        self.next_id = 1
        self.tracks: list[Track] = []

    def reset(self) -> None:
        """Forget the tracks (ids keep counting up, so an id is never reused)."""
        self.tracks = []

    def similarity(self, keypoints: np.ndarray, box: np.ndarray, track: Track) -> float:
        if self.kind == "box":
            return box_iou(box, track.box)
        return keypoint_oks(keypoints, track.keypoints)

    def update(self, keypoints: list[np.ndarray], boxes: list[np.ndarray], timestamp_us: float) -> list[int]:
        """Track ids of the given poses (in order), updating the tracks."""
        self.tracks = [t for t in self.tracks if timestamp_us - t.last_timestamp_us <= self.max_age_us]
        unmatched = list(range(len(self.tracks)))
        ids: list[int | None] = [None] * len(keypoints)
        new_poses = []
        for i, (kp, box) in enumerate(zip(keypoints, boxes)):
            best, best_sim = -1, -1.0
            for t in unmatched:
                sim = self.similarity(kp, box, self.tracks[t])
                if sim >= self.min_similarity and sim > best_sim:
                    best, best_sim = t, sim
            if best >= 0:
                track = self.tracks[best]
                track.last_timestamp_us, track.keypoints, track.box = timestamp_us, kp.copy(), box.copy()
                ids[i] = track.id
                unmatched.remove(best)
            else:
                new_poses.append(i)
        for i in new_poses:
            track = Track(self.next_id, timestamp_us, keypoints[i].copy(), boxes[i].copy())
            self.next_id += 1
            self.tracks.append(track)
            ids[i] = track.id
        self.tracks.sort(key=lambda t: -t.last_timestamp_us)  # stable, like Array.sort
        self.tracks = self.tracks[: self.max_tracks]
        return ids  # type: ignore[return-value]

    def track_ids(self) -> set[int]:
        return {t.id for t in self.tracks}
