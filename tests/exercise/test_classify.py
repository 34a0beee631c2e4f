"""The pose embedding and classifier: invariances, training, saving, and ML Kit's labelled poses."""

import numpy as np
import pytest
from conftest import SHARED
from exercise_synthetic import PROFILES, figure

from movenet.errors import InvalidInputError
from movenet.exercise.classify import EMBEDDING_SIZE, PoseClassifier, embed, mirror
from movenet.exercise.classify_data import (
    BLAZEPOSE_TO_COCO,
    load_mlkit_samples,
    split_by_group,
)

MLKIT = SHARED / "data" / "exercise" / "mlkit_fitness_pose_samples.csv"
requires_mlkit = pytest.mark.skipif(not MLKIT.is_file(), reason=f"needs ML Kit's pose samples in {MLKIT} (shared/ is absent)")


def test_embedding_ignores_position_and_size_and_hides_unseen_keypoints():
    kps = figure(lean=10, hip=120, knee=110, shoulder=60)
    e = embed(kps)
    assert e.shape == (EMBEDDING_SIZE,)
    moved = kps.copy()
    moved[:, :2] = moved[:, :2] * 2.5 + [400, -50]
    assert np.allclose(embed(moved), e, atol=1e-9)
    faint = kps.copy()
    faint[9, 2] = 0.1  # the left wrist not seen: at the origin, whatever its coordinates
    faint[9, :2] = [9999, 9999]
    assert np.allclose(embed(faint)[18:20], 0.0)
    assert np.allclose(mirror(mirror(kps)), kps)


def poses_of(kind, n, rng):
    """Standing, squatting and arms-up figures with random size, place and noise."""
    out = []
    for _ in range(n):
        v = {"stand": {}, "squat": PROFILES["squat"](rng.uniform(80, 110)), "arms_up": {"shoulder": rng.uniform(150, 175)}}[kind]
        kps = figure(**v, origin=tuple(rng.uniform(100, 500, 2)), scale=rng.uniform(0.5, 2.0))
        kps[:, :2] += rng.normal(0, 2.0, (17, 2))
        out.append(kps)
    return out


def test_train_predict_save_load(tmp_path):
    rng = np.random.default_rng(0)
    kinds = ["stand", "squat", "arms_up"]
    train = [(p, k) for k in kinds for p in poses_of(k, 20, rng)]
    clf = PoseClassifier.fit([p for p, _ in train], [k for _, k in train])
    test = [(p, k) for k in kinds for p in poses_of(k, 10, rng)]
    assert all(clf.predict(p).label == k for p, k in test)
    # mirrored poses (facing the other way) are the same class
    assert all(clf.predict(mirror(p)).label == k for p, k in test)
    path = tmp_path / "clf.json"
    clf.save(path)
    assert path.stat().st_size < 20_000
    again = PoseClassifier.load(path)
    assert again.classes == sorted(kinds)
    p = test[0][0]
    assert again.predict(p).probabilities == pytest.approx(clf.predict(p).probabilities, abs=1e-4)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    with pytest.raises(InvalidInputError, match="not a pose-classifier file"):
        PoseClassifier.load(bad)
    with pytest.raises(InvalidInputError, match="at least 2 classes"):
        PoseClassifier.fit([p, p], ["a", "a"])


@requires_mlkit
def test_mlkit_samples_held_out_accuracy():
    data = load_mlkit_samples(MLKIT)
    assert len(data.poses) == 812 and sorted(set(data.labels)) == ["pushups_down", "pushups_up", "squats_down", "squats_up"]
    assert len(BLAZEPOSE_TO_COCO) == 17
    train, test = split_by_group(data.names, 0.3)
    groups = lambda idx: {n.split("__")[1] if n.startswith("frame__") else n for n in (data.names[i] for i in idx)}
    assert not groups(train) & groups(test)  # no video on both sides
    clf = PoseClassifier.fit([data.poses[i] for i in train], [data.labels[i] for i in train])
    p = clf.probabilities([data.poses[i] for i in test])
    accuracy = np.mean([clf.classes[j] == data.labels[i] for j, i in zip(p.argmax(axis=1), test)])
    assert accuracy >= 0.97  # measured 0.992 (README)
