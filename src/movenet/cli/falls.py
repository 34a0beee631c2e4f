"""`movenet falls SOURCE`: fall detection on a video, a webcam or a folder of frames, with events
as JSON lines, optional evidence clips and notification hooks; `movenet falls eval DIR`: both
methods scored on labelled clips (movenet.cli.falls_eval)."""

from __future__ import annotations

import argparse
import dataclasses
import sys

from movenet.cli.common import add_model_options
from movenet.cli.video import add_tracking_options, add_video_arguments, run_video
from movenet.errors import InvalidOptionError

EPILOG = """\
examples:
  movenet falls clip.mp4 --events events.jsonl --out annotated.mp4
  movenet falls 0 --model multipose --events events.jsonl --on-event 'notify-send "fall"'
  movenet falls 0 --clips evidence/ --keypoints-only      # clips of skeletons, no pixels kept
  movenet falls clip.mp4 --method ambianic                 # Ambianic's heuristic (Thunder, 1 frame/s)
  movenet falls eval clips/ --labels labels.csv              # score it on labelled clips
  movenet falls feedback kitchen.json --video monday.mp4 --false-alarm 12.3   # then --fit; --profile

events (--events FILE, one JSON line each, flushed at once):
  {"event": "fall"|"long_lie"|"recovered"|"down_at_end", "track_id", "start_ms", "confirmed_ms",
   "confidence", "method", "reason": {...}, "frame"}
At the end of a video, whoever is still down gets a down_at_end event (reason.down_s: how long;
reason.fall_confirmed: false when the video ended before the confirmation time) and a line;
--hold-s S first holds the last frame S seconds, so that such a fall can be confirmed.
Nothing is stored but the events unless asked: --jsonl logs keypoints per frame (no pixels),
--clips saves clips and snapshots around each event (--keypoints-only: skeletons only).
"""

# The model each pose source uses unless --model says otherwise.
DEFAULT_MODELS = {"video": "lightning", "rotation": "lightning", "ambianic": "thunder"}
# Fall detection keeps every single-person pose, whatever its score (the rules read each keypoint's
# own score, 0.3, and a person on the floor often scores low); MultiPose keeps the detector's 0.25:
# below it, up to six spurious detections a frame become tracked "people" (docs/results/falls.md).
FALLS_MIN_POSE_SCORE = {False: 0.0, True: 0.25}  # by multi_pose
MIN_POSE_SCORE_HELP = "drop poses scoring below S (default for fall detection: 0 with lightning/thunder, 0.25 with multipose)"


def add_falls_pose_score(p) -> None:
    """--min-pose-score with the falls default (resolved per model by `falls_min_pose_score`)."""
    p.set_defaults(min_pose_score=None)
    for action in p._actions:
        if action.dest == "min_pose_score":
            action.help = MIN_POSE_SCORE_HELP


def falls_min_pose_score(model: str, given: float | None) -> float:
    import movenet

    return given if given is not None else FALLS_MIN_POSE_SCORE[movenet.get_spec(model).multi_pose]


def add_method_options(p, many: bool = False, checked_later: bool = False) -> None:
    """The method options; `checked_later`: --method without argparse choices (the registry's
    error names the known methods, e.g. `movenet batch`)."""
    from movenet.falls import list_methods
    from movenet.pipelines.pose_sources import POSE_SOURCES

    if many:
        p.add_argument("--method", action="append", choices=list_methods(),
                       help="method(s) to score, repeat for several (default: default and ambianic, same poses)")
    else:
        p.add_argument("--method", choices=None if checked_later else list_methods(), default="default",
                       help=f"the method: {', '.join(list_methods())} (default: default)")
    p.add_argument("--pose-source", choices=list(POSE_SOURCES),
                   help="video: the detector's video mode; rotation: + a pass on the frame turned by 90 "
                   "degrees when the upright one is unsure; ambianic: their padded input and rotation "
                   "retry (default: ambianic for --method ambianic, video otherwise)")
    p.add_argument("--confirm-s", type=float, metavar="S", help="default and learned methods: still down S seconds -> fall event (default 5)")
    p.add_argument("--long-lie-s", type=float, metavar="S", help="default method: still down S seconds -> long_lie event (default 60)")
    p.add_argument("--cooldown-s", type=float, metavar="S", help="default method: at most one fall event per person per S seconds (default 30)")
    p.add_argument("--ambianic-threshold", type=float, metavar="T", help="ambianic: their confidence threshold (default 0.15)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="any other setting of a method (see movenet.falls.FallSettings, AmbianicSettings)")
    p.add_argument("--profile", metavar="FILE", help="the camera's fall profile (movenet falls feedback): its "
                   "adapted settings (the command line's settings win)")


HOLD_HELP = ("recorded videos: after the last frame, hold it S seconds (its poses repeated at the frame "
             "rate, as if the camera kept showing the final scene) so that a fall near the end can be "
             "confirmed; default 0. Whatever S, whoever is still down at the end gets a down_at_end event")


def add_hold_option(p) -> None:
    p.add_argument("--hold-s", type=float, default=0.0, metavar="S", help=HOLD_HELP)


def check_hold(hold_s: float) -> float:
    if not hold_s >= 0:
        raise InvalidOptionError(f"--hold-s must be a number of seconds >= 0, got {hold_s!r}")
    return float(hold_s)


def method_settings(args: argparse.Namespace, method: str) -> dict:
    """The settings given on the command line that apply to `method`."""
    from movenet.falls import get_method

    spec = get_method(method)
    names = {f.name for f in dataclasses.fields(spec.settings_type)}
    out = {}
    if getattr(args, "profile", None):
        from movenet.falls.profile import load_profile

        out.update({k: v for k, v in load_profile(args.profile).settings_for(method).items() if k in names})
    given = {"confirm_s": args.confirm_s, "long_lie_s": args.long_lie_s, "cooldown_s": args.cooldown_s,
             "threshold": args.ambianic_threshold if method == "ambianic" else None}
    out.update({k: v for k, v in given.items() if v is not None and k in names})
    for item in args.set:
        name, _, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            raise InvalidOptionError(f"--set {item!r}: expected NAME=NUMBER") from None
        if name in names:
            out[name] = number
    spec.settings(**out)  # validates
    return out


def check_set_names(args: argparse.Namespace, methods: list[str]) -> None:
    from movenet.falls import get_method

    known = set().union(*({f.name for f in dataclasses.fields(get_method(m).settings_type)} for m in methods))
    for item in args.set:
        name = item.partition("=")[0]
        if name not in known:
            raise InvalidOptionError(f"--set {name}: no such setting for {', '.join(methods)}; known: {', '.join(sorted(known))}")


def make_source(args: argparse.Namespace, name: str, model: str, ambianic_threshold: float):
    """The pose source `name` with the command line's detector options."""
    from movenet.falls import FallSettings
    from movenet.falls.ambianic import accepts
    from movenet.falls.signals import trunk_seen
    from movenet.pipelines.pose_sources import make_pose_source

    accept = {"rotation": lambda pose: trunk_seen(pose, FallSettings.min_score), "ambianic": accepts(ambianic_threshold)}.get(name)
    options = {"runtime": args.runtime, "threads": args.threads, "weights": args.weights, "precision": args.precision}
    if name != "ambianic":
        options.update(compat=args.compat, smoothing=not args.no_smoothing, tracker=args.tracker,
                       min_pose_score=falls_min_pose_score(model, args.min_pose_score), max_poses=args.max_poses,
                       multipose_max_dimension=args.multipose_max_dimension)
    return make_pose_source(name, model, accept=accept, **options)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "falls",
        help="fall detection on a video, webcam or folder of frames (events, clips, hooks); `falls eval` scores it",
        description="Detect falls per person: a fast transition from upright to lying, confirmed by the "
        "person staying down (default method), or Ambianic's heuristic exactly (--method ambianic). "
        "Events are written as they happen. `movenet falls eval DIR --labels labels.csv` scores both "
        "methods on labelled clips (`movenet falls eval -h`).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_video_arguments(p, jsonl_help="write the poses, fall states and events of every frame as JSON lines (keypoints only; - for standard output)")
    add_model_options(p, model_default=None, default_help="lightning (thunder for --method ambianic)")
    add_tracking_options(p)
    add_falls_pose_score(p)
    add_method_options(p)
    p.add_argument("--events", metavar="FILE", help="write the events as JSON lines, flushed one by one (- for standard output)")
    p.add_argument("--clips", metavar="DIR", help="save a clip, a snapshot and the poses around each event into DIR")
    p.add_argument("--clip-before-s", type=float, default=5.0, metavar="S", help="seconds of clip before the event (default 5)")
    p.add_argument("--clip-after-s", type=float, default=5.0, metavar="S", help="seconds of clip after the event (default 5)")
    p.add_argument("--keypoints-only", action="store_true", help="--clips without pixels: skeletons on a blank background")
    p.add_argument("--on-event", metavar="CMD", help="run CMD on each event (event JSON on its standard input and in $MOVENET_EVENT)")
    p.add_argument("--post", metavar="URL", help="POST each event as JSON to URL (e.g. a local home-automation webhook)")
    p.add_argument("--mqtt", metavar="URL", help="publish each event to an MQTT broker, mqtt://[USER:PASS@]HOST[:PORT] or mqtts:// "
                   "(topics movenet/CAMERA/event and /state, Home Assistant discovery; the mqtt extra)")
    p.add_argument("--camera", metavar="NAME", default="camera", help="with --mqtt: the camera's name in the topics (default camera)")
    add_hold_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from movenet.falls import EventWriter, FallDetector, get_method
    from movenet.falls.evidence import EvidenceRecorder
    from movenet.falls.notify import CommandHook, HttpHook
    from movenet.falls.session import FallSession
    from movenet.pipelines.pose_sources import SkipFrames

    check_set_names(args, [args.method])
    hold_s = check_hold(args.hold_s)
    method = get_method(args.method)
    settings = method_settings(args, method.name)
    detector = FallDetector(method.name, **settings)
    source_name = args.pose_source or method.pose_source
    model = args.model or DEFAULT_MODELS[source_name]
    threshold = detector.settings.threshold if method.name == "ambianic" else 0.15
    poses = make_source(args, source_name, model, threshold)
    if not method.per_person:
        poses = SkipFrames(poses, detector.due)  # theirs looks at one frame a second: skip the model too
    hooks = ([CommandHook(args.on_event)] if args.on_event else []) + ([HttpHook(args.post)] if args.post else [])
    if args.mqtt:
        from movenet.alerts.mqtt_hook import MqttHook

        hooks.append(MqttHook(args.mqtt, args.camera, log=_log))
    evidence = None
    if args.clips:
        evidence = EvidenceRecorder(args.clips, args.fps, args.clip_before_s, args.clip_after_s,
                                    pixels=not args.keypoints_only, threshold=args.threshold)
    events = EventWriter(args.events) if args.events else None
    with FallSession(detector, events=events, evidence=evidence, hooks=hooks, threshold=args.threshold,
                     log=_log) as session:
        run_video(args, poses, analyse=session.analyse, render=session.render, record=session.record)
        session.finish(hold_s)
    _log(session.summary())
    return 0


def _log(line: str) -> None:
    from tqdm import tqdm

    tqdm.write(line, file=sys.stderr)
