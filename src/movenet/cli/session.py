"""`movenet session` (run a programme, check it, list / show / delete sessions), `movenet history`,
`movenet report` and `movenet patient`: thin wrappers over `movenet.programme` and
`movenet.reports`."""

from __future__ import annotations

import argparse
import os
import queue
import sys
import threading
from pathlib import Path

from movenet.cli.common import add_model_options, check_output_file, write_json
from movenet.cli.video import add_tracking_options

RUN_EPILOG = """\
sources:
  --camera N          live: set by set with the rest timer; type n (next), p (pause/resume),
                      r (redo the set), s (skip it), q (stop) and Enter
  --video FILE        a recording of the whole session: sets end at their target, rests are
                      timed on the video's clock (deterministic)
  --video F1 --video F2 ...   one clip per set or trial, in the programme's order: each clip is
                      that step, whole (a one-step programme on one clip: the same)
The session is saved in the database (--db URL, default: SQLite under the user's data folder,
$MOVENET_DATA_DIR moves it); keypoints only with --keep-tracks.
"""


def _db_argument(p) -> None:
    p.add_argument("--db", metavar="URL", help="database URL (default: sqlite file in the user's data folder; "
                   "postgresql+psycopg://USER:PASSWORD@HOST/NAME for a clinic server; also $MOVENET_DB)")


def _database(args):
    from movenet.storage import Database

    return Database(args.db or os.environ.get("MOVENET_DB") or None)


def _store(args):
    from movenet.programme.store import ProgrammeStore

    return ProgrammeStore(_database(args))


def add_parsers(sub) -> None:
    p = sub.add_parser("session", help="run a home-exercise programme (camera or video) and manage sessions",
                       description="Home-exercise programmes: run one set by set, check a programme file, list, show or delete sessions.")
    ss = p.add_subparsers(dest="session_command", required=True, metavar="SUBCOMMAND")

    run = ss.add_parser("run", help="walk a programme set by set on a camera or a video and save the results",
                        epilog=RUN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("programme", metavar="PROGRAMME", help="programme file (.toml or .json)")
    run.add_argument("--patient", required=True, metavar="ID", help="the patient's ID (yours to choose; no name needed)")
    src = run.add_mutually_exclusive_group(required=True)
    src.add_argument("--camera", metavar="N", help="webcam index (live)")
    src.add_argument("--video", action="append", metavar="FILE", help="recorded video (repeat: one per set)")
    _db_argument(run)
    run.add_argument("--no-save", action="store_true", help="do not store the session (print and --json only)")
    run.add_argument("--keep-tracks", action="store_true", help="also store every frame's keypoints (off by default: privacy)")
    run.add_argument("--json", metavar="FILE", help="write the session's results as JSON (- for standard output)")
    run.add_argument("--fps", type=float, help="frames per second of a folder of frames (default 30)")
    run.add_argument("--max-frames", type=int, metavar="N", help="stop each source after N frames")
    run.add_argument("--flip-horizontal", action="store_true", help="mirror the frames first (selfie view)")
    run.add_argument("--show", action="store_true", help="live preview window (needs a display)")
    add_model_options(run)
    add_tracking_options(run)
    run.set_defaults(func=run_session)

    check = ss.add_parser("check", help="check a programme file and list its steps")
    check.add_argument("programme", metavar="PROGRAMME")
    check.add_argument("--json", metavar="FILE", help="write the checked programme as JSON (- for standard output)")
    check.set_defaults(func=check_programme)

    assign = ss.add_parser("assign", help="make a programme the patient's current one (the web app's patient page runs it)")
    assign.add_argument("programme", metavar="PROGRAMME")
    assign.add_argument("--patient", required=True, metavar="ID")
    _db_argument(assign)
    assign.set_defaults(func=assign_programme)

    ls = ss.add_parser("list", help="a patient's sessions, newest first")
    ls.add_argument("patient", metavar="PATIENT")
    ls.add_argument("--limit", type=int, default=50)
    _db_argument(ls)
    ls.set_defaults(func=list_sessions)

    show = ss.add_parser("show", help="one session's stored results")
    show.add_argument("session_id", type=int, metavar="SESSION")
    show.add_argument("--json", metavar="FILE", help="write it as JSON (- for standard output)")
    show.add_argument("--tracks", action="store_true", help="with the keypoint tracks, where stored")
    _db_argument(show)
    show.set_defaults(func=show_session)

    delete = ss.add_parser("delete", help="delete a session and everything stored with it")
    delete.add_argument("session_id", type=int, metavar="SESSION")
    _db_argument(delete)
    delete.set_defaults(func=delete_session)

    h = sub.add_parser("history", help="a patient's sessions and trends (range of motion, repetitions, adherence, tests)")
    h.add_argument("patient", metavar="PATIENT")
    h.add_argument("--limit", type=int, default=20, help="sessions listed (default 20; the trends use all)")
    h.add_argument("--exercise", metavar="NAME", help="trends of this exercise only")
    h.add_argument("--json", metavar="FILE", help="write the history and trends as JSON (- for standard output)")
    h.add_argument("--plot", metavar="PNG", help="draw the trends (matplotlib: the plots extra)")
    _db_argument(h)
    h.set_defaults(func=run_history)

    r = sub.add_parser("report", help="a patient's report: HTML (with charts), PDF, CSV, FHIR R4 Observations")
    r.add_argument("patient", metavar="PATIENT")
    r.add_argument("--html", metavar="FILE", help="the report as one self-contained HTML file")
    r.add_argument("--pdf", metavar="FILE", help="the report as PDF (weasyprint: the pdf extra; else headless Chromium)")
    r.add_argument("--csv", metavar="FILE", help="one row per set: reps, partials, range of motion, test results")
    r.add_argument("--fhir", metavar="FILE", help="FHIR R4 Bundle of Observations: the standard tests and range of motion")
    r.add_argument("--limit", type=int, default=20, help="sessions detailed in the report (default 20)")
    _db_argument(r)
    r.set_defaults(func=run_report)

    pt = sub.add_parser("patient", help="list patients, or erase one (every session and result)")
    ps = pt.add_subparsers(dest="patient_command", required=True, metavar="SUBCOMMAND")
    pl = ps.add_parser("list", help="patients with their number of sessions")
    _db_argument(pl)
    pl.set_defaults(func=list_patients)
    link = ps.add_parser("link", help="let a therapist account see a patient in the web app")
    link.add_argument("patient", metavar="PATIENT")
    link.add_argument("--therapist", required=True, metavar="NAME", help="the therapist's account name (movenet users)")
    link.add_argument("--remove", action="store_true", help="remove the link instead")
    _db_argument(link)
    link.set_defaults(func=link_patient)
    pd = ps.add_parser("delete", help="erase a patient: sessions, results, tracks, assignments")
    pd.add_argument("patient", metavar="PATIENT")
    pd.add_argument("--yes", action="store_true", help="do not ask")
    _db_argument(pd)
    pd.set_defaults(func=delete_patient)


# --- session run ------------------------------------------------------------------------------
class _Keys:
    """Commands typed on the terminal during a live session (a line each: n, p, r, s, q)."""

    def __init__(self) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        if sys.stdin is not None and sys.stdin.isatty():
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in sys.stdin:
            self.queue.put(line.strip().lower()[:1])

    def pending(self) -> list[str]:
        out = []
        while not self.queue.empty():
            out.append(self.queue.get_nowait())
        return out


def run_session(args: argparse.Namespace) -> int:
    from movenet.cli.video import run_video, video_detector
    from movenet.errors import InvalidOptionError
    from movenet.programme import SessionRunner, load_programme
    from movenet.programme.runner import FINISHED, PAUSED
    from movenet.programme.store import check_patient_code

    programme = load_programme(args.programme)
    patient = check_patient_code(args.patient)
    check_output_file(args.json, "--json")
    store = None if args.no_save else _store(args)  # fail on a bad database before the camera starts
    steps = programme.steps()
    videos = args.video or []
    if len(videos) > len(steps):
        raise InvalidOptionError(f"{len(videos)} videos for {len(steps)} steps: give one video, or one per step at most")
    for v in videos:
        if not Path(v).is_file():
            raise InvalidOptionError(f"--video {v}: no such file")
    per_step = len(videos) > 1 or (len(videos) == 1 and len(steps) == 1)
    source = f"camera {args.camera}" if args.camera is not None else "video " + ", ".join(Path(v).name for v in videos)
    runner = SessionRunner(programme, patient=patient, source=source[:200], keep_tracks=args.keep_tracks,
                           advance="stream" if per_step else "target", model=args.model)
    live = args.camera is not None
    keys = _Keys() if live else None
    tty = sys.stderr.isatty()
    last_cue = [None]

    def say(state, t) -> None:
        if state.cue != last_cue[0] and (tty or live):
            print(f"[{t / 1000:6.1f} s] {state.cue}", file=sys.stderr)
        last_cue[0] = state.cue

    def analyse(fp):
        t = fp.frame.timestamp_ms
        if keys is not None:
            for key in keys.pending():
                if key == "n":
                    runner.next(t)
                elif key == "p":
                    (runner.resume if runner.phase == PAUSED else runner.pause)(t)
                elif key == "r":
                    runner.redo(t)
                elif key == "s":
                    runner.skip(t)
                elif key == "q":
                    runner.stop(t)
        state = runner.update(fp.poses, t)
        say(state, t)
        if live and runner.phase == FINISHED:
            raise KeyboardInterrupt  # the programme is over: end the camera loop
        return state

    def render(image, poses, state):
        from movenet.exercise.overlay import draw_lines
        from movenet.viz import draw_poses

        lines = [] if state is None else [state.title or "", f"{state.count}/{state.target}" if state.target else state.status, state.cue[:60]]
        return draw_lines(draw_poses(image, poses, 0.3), [x for x in lines if x])

    base = dict(vars(args))
    base.update(out=None, jsonl=None, threshold=0.3, sequential=False, keep_all_frames=False)
    detector = video_detector(argparse.Namespace(**base))
    if live:
        print(runner.state().cue, file=sys.stderr)
        print("type n (next), p (pause/resume), r (redo the set), s (skip), q (stop), then Enter", file=sys.stderr)
        run_video(argparse.Namespace(**{**base, "source": args.camera}), detector, analyse=analyse, render=render, record=None)
    else:
        for i, video in enumerate(videos):
            if hasattr(detector, "reset"):
                detector.reset()
            run_video(argparse.Namespace(**{**base, "source": video}), detector, analyse=analyse, render=render, record=None)
            if per_step and runner.phase != FINISHED:
                runner.next()  # the clip is over: so is its step
                if i < len(videos) - 1:
                    runner.next()  # no rest between clips
    result = runner.finish()
    print_session(result)
    if args.json:
        write_json(args.json, result.to_dict(tracks=args.keep_tracks))
    if store is not None:
        session_id = store.save_session(result, programme, tracks=args.keep_tracks)
        store.assign(patient, programme)
        print(f"saved: session {session_id} of patient {patient} in {store.db.safe_url}")
    return 0


def print_session(result, out=None) -> None:
    out = out or sys.stdout
    print(f"{result.patient}: {result.programme_name} ({result.source}): {result.status}; {result.reps_done} of "
          f"{result.planned_reps} repetitions, {result.sets_done} of {result.planned_sets} sets done, adherence "
          f"{result.adherence * 100:.0f} %", file=out)
    for s in result.sets:
        title = s.label + (f" ({s.side})" if s.side else "") + (f" set {s.set_no}" if s.kind == "exercise" else "")
        if s.kind == "exercise":
            what = f"{s.reps}/{s.target_reps}" if s.target_reps else f"{s.reps}"
            what += f" reps, {s.partial_reps} partial" if s.status != "not done" else ""
            rom = "; ".join(f"{c.measure} {c.min_deg:.0f}-{c.max_deg:.0f}{' ok' if c.met else ' MISSED'}" if c.min_deg is not None
                            else f"{c.measure} not seen" for c in s.rom_checks)
            if rom:
                what += f"; ROM {rom}"
        else:
            t = s.test
            what = "" if t is None else (f"{t.value:g} {t.unit}" if t.value is not None else "not completed")
        print(f"  {s.step_index + 1:>2}. {title:<34} {s.status:<9} {what}", file=out)
        for w in s.warnings:
            print(f"      - {w}", file=out)


def check_programme(args: argparse.Namespace) -> int:
    from movenet.programme import load_programme

    programme = load_programme(args.programme)
    planned = programme.planned()
    print(f"{args.programme}: ok: {programme.name!r}, {len(programme.items)} items, {len(programme.steps())} steps "
          f"({planned['sets']} sets, {planned['tests']} test trials, {planned['reps']} repetitions)")
    for step in programme.steps():
        item = step.item
        what = (f"{item.reps} reps" if item.reps else f"{item.time_s:g} s") if item.kind == "exercise" else "test"
        print(f"  {step.index + 1:>2}. {step.title():<40} {what:<8} rest {step.rest_after_s:g} s")
    if args.json:
        write_json(args.json, programme.to_dict())
    return 0


def assign_programme(args: argparse.Namespace) -> int:
    from movenet.programme import load_programme

    programme = load_programme(args.programme)
    store = _store(args)
    store.assign(args.patient, programme)
    print(f"{args.patient}: current programme {programme.name!r} ({programme.digest}) in {store.db.safe_url}")
    return 0


def list_sessions(args: argparse.Namespace) -> int:
    _print_sessions(_store(args).sessions(args.patient, limit=args.limit))
    return 0


def _print_sessions(sessions, out=None) -> None:
    out = out or sys.stdout
    if not sessions:
        print("no sessions", file=out)
        return
    print(f"  {'session':>7}  {'started (UTC)':<19}  {'status':<9}  {'sets':>7}  {'reps':>9}  {'adherence':>9}  programme", file=out)
    for s in sessions:
        print(f"  {s['id']:>7}  {s['started_at'][:19].replace('T', ' '):<19}  {s['status']:<9}  {s['sets_done']:>3}/{s['planned_sets']:<3}  "
              f"{s['reps_done']:>4}/{s['planned_reps']:<4}  {s['adherence'] * 100:>8.0f}%  {s['programme']}", file=out)


def show_session(args: argparse.Namespace) -> int:
    detail = _store(args).session(args.session_id, tracks=args.tracks)
    if args.json:
        write_json(args.json, detail)
        return 0
    print(f"session {detail['id']} of {detail['patient']}: {detail['programme']}, {detail['started_at']}, {detail['status']}, "
          f"{detail['reps_done']}/{detail['planned_reps']} reps")
    for s in detail["sets"]:
        value = s["test"]["value"] if s["test"] else None
        what = f"{s['reps']}/{s['target_reps']} reps" if s["kind"] == "exercise" else f"{value} {s['test']['unit'] if s['test'] else ''}"
        print(f"  {s['step'] + 1:>2}. {s['label']:<34} {s['status']:<9} {what}")
        for w in s["warnings"]:
            print(f"      - {w}")
    return 0


def delete_session(args: argparse.Namespace) -> int:
    store = _store(args)
    store.delete_session(args.session_id)
    print(f"deleted session {args.session_id} from {store.db.safe_url}")
    return 0


def list_patients(args: argparse.Namespace) -> int:
    for p in _store(args).patients():
        print(f"{p['patient']:<20} {p['sessions']:>6} sessions  last {p['last_session'] or '-'}")
    return 0


def link_patient(args: argparse.Namespace) -> int:
    store = _store(args)
    if args.remove:
        store.unlink_therapist(args.patient, args.therapist)
        print(f"{args.therapist} no longer sees patient {args.patient}")
    else:
        store.link_therapist(args.patient, args.therapist)
        print(f"{args.therapist} sees patient {args.patient} (programme and history) in the web app")
    return 0


def delete_patient(args: argparse.Namespace) -> int:
    from movenet.errors import InvalidOptionError

    if not args.yes:
        if not sys.stdin.isatty():
            raise InvalidOptionError("patient delete erases every session of the patient: add --yes to confirm")
        answer = input(f"erase patient {args.patient} and all their sessions? type the ID to confirm: ")
        if answer.strip() != args.patient:
            print("not deleted")
            return 1
    store = _store(args)
    gone = store.delete_patient(args.patient)
    print(f"erased patient {args.patient}: {gone['sessions']} sessions and their results, from {store.db.safe_url}")
    return 0


# --- history and report -----------------------------------------------------------------------
def run_history(args: argparse.Namespace) -> int:
    from movenet.programme.history import history, trend_lines

    check_output_file(args.json, "--json")
    check_output_file(args.plot, "--plot")
    h = history(_store(args), args.patient, limit=args.limit, exercise=args.exercise)
    if args.json:
        write_json(args.json, h)
        if args.json == "-":
            return 0
    print(f"{h['patient']}: {h['sessions_total']} sessions" + (f", {h['first_day']} to {h['last_day']}" if h["sessions_total"] else ""))
    _print_sessions(h["sessions"])
    for line in trend_lines(h):
        print(line)
    if args.plot:
        from movenet.reports.plots import plot_history

        plot_history(h, args.plot)
        print(f"plot: {args.plot}")
    return 0


def run_report(args: argparse.Namespace) -> int:
    from movenet.errors import InvalidOptionError

    targets = [(o, getattr(args, o)) for o in ("html", "pdf", "csv", "fhir") if getattr(args, o)]
    if not targets:
        raise InvalidOptionError("report: give at least one of --html, --pdf, --csv, --fhir")
    for option, target in targets:
        check_output_file(target, f"--{option}")
    from movenet.reports import export_csv, fhir_bundle, render_html, write_pdf

    store = _store(args)
    if args.html or args.pdf:
        html = render_html(store, args.patient, limit=args.limit)
        if args.html:
            Path(args.html).write_text(html, encoding="utf-8")
            print(f"report: {args.html}")
        if args.pdf:
            how = write_pdf(html, args.pdf)
            print(f"report: {args.pdf} ({how})")
    if args.csv:
        rows = export_csv(store, args.patient, args.csv)
        print(f"csv: {args.csv} ({rows} rows)")
    if args.fhir:
        bundle = fhir_bundle(store, args.patient)
        write_json(args.fhir, bundle)
        print(f"fhir: {args.fhir} ({len(bundle['entry'])} observations)")
    return 0
