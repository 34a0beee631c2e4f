"""`movenet falls eval DIR --labels labels.csv`: fall methods scored side by side on the same poses
of every clip of a labelled folder (movenet.falls.evaluate)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from movenet.cli.common import add_model_options, write_json
from movenet.cli.video import add_tracking_options

EPILOG = """\
examples:
  movenet falls eval ../shared/data/videos/falls-urfd --labels docs/falls/urfd_labels.csv
  movenet falls eval DIR --labels labels.csv --model thunder --pose-source rotation --cache ~/poses
  movenet falls eval DIR --labels labels.csv --method default --confirm-s 5 --json report.json
  movenet falls eval DIR --labels labels.csv --method default --profile kitchen.json   # + "default+profile"

labels: a CSV with columns file, label (fall / no_fall), optionally impact_ms (for the delay) and
split (totals per split too). Each clip's poses are computed once (--cache DIR keeps them) and
every method runs on the same poses; after the last frame each clip is held for --hold-s seconds
(its last poses repeated), as recorded falls end before any confirmation time.
"""


def add_parser(sub) -> None:
    from movenet.cli.falls import add_method_options

    # Reached as `movenet falls eval` (movenet.cli.falls.route); no `help`: not listed on its own.
    e = sub.add_parser(
        "falls-eval", prog="movenet falls eval",
        description="Score fall methods on the clips of a labelled folder: per clip the verdict and the "
        "time of the first event; recall (falls caught), specificity (no-fall clips without a false "
        "alarm), false alarms per hour of no-fall video, detection delay from the impact.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    e.add_argument("dir", metavar="DIR", help="folder of the clips (videos or folders of frames)")
    e.add_argument("--labels", required=True, metavar="CSV", help="file,label[,impact_ms][,split]")
    add_model_options(e, model_default=None, default_help="lightning (thunder for --pose-source ambianic)")
    add_tracking_options(e)
    from movenet.cli.falls import add_falls_pose_score

    add_falls_pose_score(e)
    add_method_options(e, many=True)
    e.add_argument("--fps", type=float, help="frames per second of clips that are folders of frames (default 30)")
    e.add_argument("--cache", metavar="DIR", help="keep each clip's poses in DIR (JSON lines) and reuse them")
    e.add_argument("--hold-s", type=float, metavar="S", help="hold each clip's last frame this long (default: 10, or confirm-s + 5)")
    e.add_argument("--json", metavar="FILE", help="write the report as JSON (- for standard output)")
    e.add_argument("--quiet", action="store_true", help="totals only, no line per clip")
    e.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from movenet.cli.falls import (
        DEFAULT_MODELS,
        check_set_names,
        falls_min_pose_score,
        make_source,
        method_settings,
    )
    from movenet.falls import FallSettings, get_method
    from movenet.falls.evaluate import DEFAULT_HOLD_S, clip_frame_size, evaluate_clips, read_labels
    from movenet.io.pose_jsonl import read_pose_jsonl, write_pose_jsonl
    from movenet.pipelines.clip_poses import clip_poses

    methods = args.method or ["default", "ambianic"]
    check_set_names(args, methods)
    profile, args.profile = args.profile, None
    settings = {m: method_settings(args, m) for m in methods}
    if profile:  # the profile's effect: each method it adapts, again with its settings
        from movenet.falls.profile import load_profile

        adapted = load_profile(profile).settings
        for m in [m for m in methods if m in adapted]:
            args.profile = profile
            settings[f"{m}+profile"] = method_settings(args, m)
            methods.append(f"{m}+profile")
        args.profile = None
    clips = read_labels(args.labels, args.dir)
    source_name = args.pose_source or "video"
    model = args.model or DEFAULT_MODELS[source_name]
    threshold = settings.get("ambianic", {}).get("threshold", 0.15)
    source = make_source(args, source_name, model, threshold)
    gated = source_name == "ambianic" and all(not get_method(m.split("+")[0]).per_person for m in methods)
    if gated:  # their stateless input, their heuristic only: the model on the frames it looks at, as `movenet falls` does
        source = _Gate(source, settings.get("ambianic", {}))
    confirm = settings.get("default", {}).get("confirm_s", FallSettings.confirm_s)
    hold_s = args.hold_s if args.hold_s is not None else max(DEFAULT_HOLD_S, confirm + 5.0)
    tag = f"{model}-{source_name}" + (f"-t{threshold:g}" if source_name == "ambianic" else "") + ("-gated" if gated else "")
    if args.min_pose_score is not None and args.min_pose_score != falls_min_pose_score(model, None):
        tag += f"-s{args.min_pose_score:g}"  # a cache per pose score

    def poses_of(clip):
        cache = Path(args.cache) / tag / (Path(clip.file).stem + ".jsonl") if args.cache else None
        if not gated:
            return clip_poses(Path(args.dir) / clip.file, source, cache=cache, fps=args.fps)
        if cache is not None and cache.is_file():
            return read_pose_jsonl(cache)
        frames = source.with_last_frame(clip_poses(Path(args.dir) / clip.file, source, fps=args.fps))
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            write_pose_jsonl(cache, frames)
        return frames

    bar = tqdm(total=len(clips), unit="clip", file=sys.stderr, disable=None)

    def progress(clip) -> None:
        bar.set_postfix_str(clip.file)
        bar.update(1)

    try:
        reports = evaluate_clips(clips, poses_of, methods, settings, hold_s, progress=progress,
                                 size_of=lambda clip: clip_frame_size(Path(args.dir) / clip.file))
    finally:
        bar.close()
    for failure in reports[0].failed:
        print(f"error: {failure['file']}: {failure['error']}", file=sys.stderr)
    print_reports(reports, f"poses: {model}, {source_name} source; each clip held {hold_s:g} s", quiet=args.quiet)
    if args.json:
        primary = {**reports[0].to_dict(), "model": model, "pose_source": source_name, "hold_s": hold_s}
        primary["baselines"] = [r.to_dict() for r in reports[1:]]
        write_json(args.json, primary)
    return 1 if reports[0].failed else 0


class _Gate:
    """Runs the pose source only on the frames Ambianic's heuristic will look at (one a second, and
    every frame after one without a pose); the other frames get no poses. Their heuristic ignores
    those frames anyway, so its verdicts are the same as on every frame, for a fraction of the model."""

    def __init__(self, source, settings: dict) -> None:
        from movenet.falls import FallDetector

        self.source = source
        self.heuristic = FallDetector("ambianic", **settings)
        self._last = None

    def estimate_poses(self, image, timestamp_ms=None):
        if timestamp_ms is None:
            return self.source.estimate_poses(image)
        due = self.heuristic.due(timestamp_ms)
        self._last = None if due else (image, timestamp_ms)
        poses = self.source.estimate_poses(image, timestamp_ms) if due else []
        self.heuristic.update(poses, timestamp_ms)
        return poses

    def with_last_frame(self, frames):
        """The clip's last frame with its poses even if it was skipped: the evaluator holds it."""
        if frames and self._last is not None and self._last[1] == frames[-1][0]:
            frames = frames[:-1] + [(frames[-1][0], self.source.estimate_poses(*self._last))]
        return frames

    def reset(self) -> None:  # keeps `_last`: clip_poses resets after the clip, before with_last_frame
        self.source.reset()
        self.heuristic.reset()


def _verdict(v) -> str:
    if v.label == "fall":
        if not v.detected:
            return "missed" + (f" ({v.false_alarms} early)" if v.false_alarms else "")
        delay = f" (+{v.delay_ms / 1000:.1f})" if v.delay_ms is not None else ""
        return f"caught {v.first_event_ms / 1000:.1f} s{delay}"
    if not v.detected:
        return "ok"
    return f"FALSE ALARM x{v.false_alarms} ({v.first_event_ms / 1000:.1f} s)"


def _rate(part: int, whole: int, value) -> str:
    return "n/a" if value is None else f"{value:.3f} ({part}/{whole})"


def print_reports(reports, header: str, quiet: bool = False) -> None:
    methods = [r.method for r in reports]
    if not quiet:
        width = max((len(v.file) for v in reports[0].per_clip), default=4)
        print(f"{'clip':<{width}}  {'label':<8} " + " ".join(f"{m:<28}" for m in methods))
        for verdicts in zip(*(r.per_clip for r in reports)):
            v0 = verdicts[0]
            print(f"{v0.file:<{width}}  {v0.label:<8} " + " ".join(f"{_verdict(v):<28}" for v in verdicts))
        print()
    print(header)
    groups = [("all", [r.all for r in reports])]
    for name in reports[0].splits:
        groups.append((f"split {name}", [r.splits[name] for r in reports]))
    for name, totals in groups:
        t0 = totals[0]
        print(f"{name}: {t0.clips} clips ({t0.falls} falls, {t0.no_falls} no falls)")
        w = max(10, *map(len, methods))
        print(f"  {'method':<{w}} {'recall':<16} {'specificity':<16} {'false alarms':<20} {'mean delay':<11} {'max delay'}")
        for method, t in zip(methods, totals):
            per_hour = f" ({t.false_alarms_per_hour:.1f}/h)" if t.false_alarms_per_hour is not None else ""
            mean = f"{t.mean_delay_s:.2f} s" if t.mean_delay_s is not None else "n/a"
            worst = f"{t.max_delay_s:.2f} s" if t.max_delay_s is not None else "n/a"
            print(f"  {method:<{w}} {_rate(t.caught, t.falls, t.recall):<16} {_rate(t.clean, t.no_falls, t.specificity):<16} "
                  f"{str(t.false_alarms) + per_hour:<20} {mean:<11} {worst}")
