"""`movenet classify train|predict`: the pose classifier (movenet.exercise.classify) from and on
images."""

from __future__ import annotations

import argparse
import sys

from movenet.cli.common import add_model_options, write_json

EPILOG = """\
examples:
  movenet classify train poses/ --out yoga.json --holdout 0.2      # poses/<class>/*.jpg
  movenet classify train --mlkit fitness_pose_samples.csv --out fitness.json
  movenet classify predict photo.jpg more/ --classifier yoga.json --json -
"""


def add_parser(sub) -> None:
    p = sub.add_parser("classify", help="train or run a pose classifier (yoga, exercise positions)", description="Pose classification: "
                       "a normalised pose embedding and a small classifier saved to a JSON file.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    cmds = p.add_subparsers(dest="classify_command", required=True, metavar="train|predict")
    t = cmds.add_parser("train", help="train from folder/<class>/*.jpg (or ML Kit pose samples)")
    t.add_argument("folder", nargs="?", metavar="FOLDER", help="one subfolder of images per class")
    t.add_argument("--mlkit", metavar="CSV", help="train on ML Kit pose samples (33 landmarks per row) instead of images")
    t.add_argument("--out", required=True, metavar="FILE", help="the classifier file to write (JSON)")
    t.add_argument("--holdout", type=float, default=0.0, metavar="F", help="hold out this fraction (by image or video) and report its accuracy")
    t.add_argument("--no-mirror", action="store_true", help="do not also train on left-right mirrored poses")
    add_model_options(t, model_default="thunder")
    t.set_defaults(func=run_train)
    q = cmds.add_parser("predict", help="classify the pose in each image")
    q.add_argument("inputs", nargs="+", metavar="INPUT", help="image files, folders or glob patterns")
    q.add_argument("--classifier", required=True, metavar="FILE", help="a file written by `movenet classify train`")
    q.add_argument("--json", metavar="FILE", help="write the predictions as JSON (- for standard output)")
    add_model_options(q, model_default="thunder")
    q.set_defaults(func=run_predict)


def _detector(args):
    import movenet

    return movenet.create_detector(args.model, runtime=args.runtime, threads=args.threads, weights=args.weights,
                                   precision=args.precision, multipose_max_dimension=args.multipose_max_dimension)


def run_train(args: argparse.Namespace) -> int:
    import numpy as np

    from movenet.errors import InvalidOptionError
    from movenet.exercise.classify import PoseClassifier
    from movenet.exercise.classify_data import (
        images_by_class,
        load_mlkit_samples,
        poses_from_images,
        split_by_group,
    )

    if (args.folder is None) == (args.mlkit is None):
        raise InvalidOptionError("give either FOLDER (folder/<class>/*.jpg) or --mlkit CSV")
    if not 0.0 <= args.holdout < 1.0:
        raise InvalidOptionError(f"--holdout must be in [0, 1), got {args.holdout}")
    data = load_mlkit_samples(args.mlkit) if args.mlkit else poses_from_images(_detector(args), images_by_class(args.folder))
    for line in data.skipped:
        print(f"skipped {line}", file=sys.stderr)
    train, test = split_by_group(data.names, args.holdout) if args.holdout else (list(range(len(data.poses))), [])
    clf = PoseClassifier.fit([data.poses[i] for i in train], [data.labels[i] for i in train], mirror_poses=not args.no_mirror)
    clf.save(args.out)
    counts = {c: sum(data.labels[i] == c for i in train) for c in clf.classes}
    print(f"{args.out}: {len(clf.classes)} classes from {len(train)} poses (" + ", ".join(f"{c} {n}" for c, n in counts.items()) + ")")
    if test:
        p = clf.probabilities([data.poses[i] for i in test])
        right = [clf.classes[int(j)] == data.labels[i] for j, i in zip(p.argmax(axis=1), test)]
        print(f"held-out accuracy: {np.mean(right):.3f} ({sum(right)}/{len(right)} poses; split by video/image, seed 0)")
    return 1 if data.skipped else 0


def run_predict(args: argparse.Namespace) -> int:
    from movenet.errors import MovenetError
    from movenet.exercise.classify import PoseClassifier
    from movenet.io.sources import expand_inputs

    clf = PoseClassifier.load(args.classifier)
    found = expand_inputs(args.inputs)
    for error in found.errors:
        print(f"error: {error}", file=sys.stderr)
    detector, results, failed = _detector(args), [], bool(found.errors)
    for path in found.files:
        try:
            poses = detector.estimate_poses(str(path))
        except MovenetError as exc:
            print(f"error: {path}: {exc}", file=sys.stderr)
            failed = True
            continue
        if not poses:
            print(f"{path}: no pose found")
            results.append({"file": str(path), "label": None, "confidence": None, "probabilities": {}})
            continue
        pred = clf.predict(max(poses, key=lambda p: p.score))
        print(f"{path}: {pred.label} ({pred.confidence:.2f})")
        results.append({"file": str(path), "label": pred.label, "confidence": round(pred.confidence, 4),
                        "probabilities": {k: round(v, 4) for k, v in pred.probabilities.items()}})
    if args.json:
        write_json(args.json, results)
    return 1 if failed else 0
