"""`movenet eval`: COCO keypoint AP of a model (or of a results file) under a documented protocol."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from movenet.cli.common import add_model_options, check_output_file, write_json
from movenet.limits import check_int
from movenet.peers import list_peers

# Bootstrap resamples (default 1000): each one re-scores every test image, so time grows with it.
MAX_BOOTSTRAP = 100_000

EPILOG = """\
protocols (docs/guide/evaluation.md):
  single-crop   one test image per annotated person: a square crop 1.25 x the longer side of the
                person's box, clipped to the image; the best pose vs that person (the protocol of Google's model card)
  single-image  whole images with exactly one person with labelled keypoints; the best pose
  multi         every image, whole, all poses vs all people (default model: multipose)

examples:
  movenet eval --annotations coco/annotations.json --images coco/images --model thunder
  movenet eval --annotations A.json --images DIR --model lightning --runtime litert   # Google's runtime
  movenet eval --annotations A.json --images DIR --protocol multi --json metrics.json
  movenet eval --annotations A.json --images DIR --rotate 90     # people turned a quarter (lying)
  movenet eval --annotations A.json --results poses.json --protocol single-image     # score a results file
  movenet eval --annotations A.json --images DIR --model posenet --max-poses 1       # PoseNet, single-pose decoding
  movenet eval --annotations A.json --images DIR --model blazepose                   # MediaPipe's BlazePose (mediapipe extra)

--json FILE: {"AP", "AP50", "AP75", "APm", "APl", "AR" (percent), "AP_ci95", "protocol", "model",
"samples", "people", "images", "predictions", "failed_images", "failures", "keypoints": [...]}.
Exit code 1 if any image failed (the others are still scored; failed ones count as misses).
"""


def add_parser(sub) -> None:
    p = sub.add_parser(
        "eval",
        help="COCO keypoint AP (pycocotools) of a model on an annotated image set",
        description="Run a model over COCO-annotated images under an evaluation protocol and score "
        "the poses with pycocotools (OKS AP, AP50, AP75, APm, APl, AR, with a 95 percent bootstrap "
        "interval of AP), plus a per-keypoint breakdown.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--annotations", required=True, metavar="FILE", help="COCO person_keypoints JSON")
    p.add_argument("--images", metavar="DIR", help="folder with the annotated images (file_name)")
    p.add_argument("--results", metavar="FILE", help="score this COCO results file instead of running a model")
    p.add_argument("--protocol", choices=["single-crop", "single-image", "multi"], default="single-crop")
    add_model_options(p, model_default=None, default_help="lightning; multipose for --protocol multi",
                      extra_models=tuple(list_peers()))
    p.add_argument("--max-poses", type=int, metavar="N", help="multipose: at most N people; posenet: 1 = single-pose decoding (default 5)")
    p.add_argument("--compat", choices=["tfjs"], help="Google's TF.js still-image behaviour (centre-square first crop)")
    p.add_argument("--refine", action="store_true", help="single pose: second pass on the crop around the person")
    p.add_argument("--min-keypoints", type=int, default=1, metavar="K", help="people need K labelled keypoints to be a test sample (default 1)")
    p.add_argument("--crop-margin", type=float, default=1.25, metavar="M", help="single-crop: crop side = M x the longer side of the person's box (default 1.25)")
    p.add_argument("--min-pose-score", type=float, default=0.0, metavar="S", help="drop poses below S before scoring (default 0: AP ranks all)")
    p.add_argument("--rotate", type=int, choices=[0, 90, 180, 270], default=0, metavar="DEG",
                   help="turn each test image (crop) by 90, 180 or 270 degrees, the ground truth with it (default 0)")
    p.add_argument("--bootstrap", type=int, default=1000, metavar="N", help="bootstrap resamples for the AP interval (0: none)")
    p.add_argument("--save-results", metavar="FILE", help="write the poses as COCO keypoint results")
    p.add_argument("--json", metavar="FILE", help="write the metrics as JSON (- for standard output)")
    p.set_defaults(func=run)


def format_report(report) -> str:
    m = report.metrics
    ci = f" (95% CI {m.ap_ci[0]:.1f}-{m.ap_ci[1]:.1f})" if m.ap_ci is not None else ""
    lines = [
        (f"{report.model or 'results'}, protocol {report.protocol}: {report.people} people in "
         f"{report.samples} test images from {report.images} images, {report.predictions} poses"),
        f"AP {m.AP:.1f}{ci}  AP50 {m.AP50:.1f}  AP75 {m.AP75:.1f}  APm {m.APm:.1f}  APl {m.APl:.1f}  AR {m.AR:.1f}",
        f"  {'keypoint':<16}{'labelled':>9}{'err/scale':>11}{'PCK@0.2':>9}",
    ]
    for k in report.keypoints:
        err = f"{k.mean_error:.3f}" if k.mean_error is not None else "-"
        pck = f"{100 * k.pck:.1f}" if k.pck is not None else "-"
        lines.append(f"  {k.name:<16}{k.labelled:>9}{err:>11}{pck:>9}")
    if report.failures:
        lines.append(f"{len(report.failures)} image(s) failed (counted as misses):")
        lines += [f"  {f}" for f in report.failures]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from movenet.eval import evaluate, evaluate_results, load_coco_keypoints

    if (args.results is None) == (args.images is None):
        print("error: give --images DIR (run a model) or --results FILE (score a results file)", file=sys.stderr)
        return 2
    check_int("--bootstrap", args.bootstrap, 0, MAX_BOOTSTRAP, "each resample re-scores every image")
    check_output_file(args.json, "--json")
    check_output_file(args.save_results, "--save-results")
    dataset = load_coco_keypoints(args.annotations)
    if args.results is not None:
        try:
            results = json.loads(Path(args.results).read_text())
        except FileNotFoundError:
            print(f"error: results file not found: {args.results}", file=sys.stderr)
            return 2
        except json.JSONDecodeError as exc:
            print(f"error: {args.results}: not a JSON file ({exc})", file=sys.stderr)
            return 2
        report = evaluate_results(dataset, results, args.protocol, args.min_keypoints, args.crop_margin,
                                  args.model, args.bootstrap)
    else:
        import movenet

        model = args.model or ("multipose" if args.protocol == "multi" else "lightning")
        if model in list_peers():
            from movenet.peers import create_peer_detector

            detector = create_peer_detector(model)
        else:
            detector = movenet.create_detector(
                model, runtime=args.runtime, threads=args.threads, weights=args.weights,
                precision=args.precision, compat=args.compat, refine=args.refine,
                min_pose_score=args.min_pose_score, smoothing=False, max_poses=args.max_poses,
                multipose_max_dimension=args.multipose_max_dimension, input_resolution=args.input_resolution,
            )
        report, results = evaluate(detector, dataset, args.images, args.protocol, args.min_keypoints,
                                   args.crop_margin, bootstrap=args.bootstrap, rotate=args.rotate)
        if args.save_results:
            write_json(args.save_results, results)
    payload = {**report.to_dict(), "runtime": "mediapipe" if args.model in list_peers() else args.runtime, "precision": args.precision,
               "compat": args.compat, "refine": args.refine, "min_keypoints": args.min_keypoints,
               "max_poses": args.max_poses, "input_resolution": args.input_resolution,
               "crop_margin": args.crop_margin, "rotate": args.rotate,
               "bootstrap": args.bootstrap}
    if args.json:
        write_json(args.json, payload)
    if args.json != "-":
        print(format_report(report))
    return 1 if report.failures else 0
