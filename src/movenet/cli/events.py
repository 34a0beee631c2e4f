"""`movenet events`: the events the watcher stored (list, show, export as JSON lines or CSV, ack)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time

EPILOG = """\
examples:
  movenet events list --camera living --since 24h
  movenet events show 12
  movenet events export --format csv --out events.csv
  movenet events ack 12 --by ana --note "she was fine"
"""
CSV_FIELDS = ("id", "event", "camera", "cameras", "room", "track_id", "time", "confirmed_at", "started_at",
              "confidence", "method", "acknowledged", "evidence")


def add_parser(sub) -> None:
    p = sub.add_parser("events", help="the events of movenet watch: list, show, export, ack", description=__doc__,
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", metavar="URL", help="database (default: movenet.db in the data directory, $MOVENET_DATA_DIR)")
    p.add_argument("--config", metavar="TOML", help="take the database from a movenet watch config")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, help_text in (("list", "newest first"), ("export", "every matching event as JSON lines or CSV")):
        a = actions.add_parser(name, help=help_text)
        a.add_argument("--camera")
        a.add_argument("--room")
        a.add_argument("--kind", help="fall, long_lie, recovered, ...")
        a.add_argument("--since", metavar="WHEN", help="e.g. 24h, 7d, 30m, or a Unix time")
        a.add_argument("--unacknowledged", action="store_true")
        if name == "list":
            a.add_argument("--limit", type=int, default=50)
            a.add_argument("--json", action="store_true", help="one JSON line per event")
        else:
            a.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
            a.add_argument("--out", metavar="FILE", default="-", help="default: standard output")
    show = actions.add_parser("show", help="one event with its acknowledgements, evidence and deliveries")
    show.add_argument("id", type=int)
    ack = actions.add_parser("ack", help="acknowledge an event")
    ack.add_argument("id", type=int)
    ack.add_argument("--by", default=None, help="who (default: the user name)")
    ack.add_argument("--note", default="")
    p.set_defaults(func=run)


def parse_since(text: str | None) -> float | None:
    from movenet.errors import InvalidOptionError

    if text is None:
        return None
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        if text[-1] in units:
            return time.time() - float(text[:-1]) * units[text[-1]]
        return float(text)
    except (ValueError, IndexError):
        raise InvalidOptionError(f"--since {text!r}: give 30m, 24h, 7d or a Unix time") from None


def run(args: argparse.Namespace) -> int:
    import getpass

    from movenet.events import EventStore
    from movenet.storage import Database

    url = args.db
    if url is None and args.config:
        from movenet.watch.config import load_config

        url = load_config(args.config).database
    db = Database(url)
    db.upgrade()
    store = EventStore(db)
    if args.action in ("list", "export"):
        events = store.list_events(camera=args.camera, room=args.room, kind=args.kind, since=parse_since(args.since),
                                   unacknowledged=args.unacknowledged, limit=args.limit if args.action == "list" else None)
        if args.action == "list":
            if args.json:
                for e in events:
                    print(json.dumps(e))
            elif not events:
                print("no events", file=sys.stderr)
            for e in [] if args.json else events:
                ack = "acknowledged" if e["acknowledged"] else "open"
                print(f"{e['id']:>6}  {e['time']}  {e['event']:<10} {', '.join(e['cameras']):<20} "
                      f"{e['room'] or '-':<14} conf {e['confidence']:.2f}  {ack}")
            return 0
        out = sys.stdout if args.out == "-" else open(args.out, "w", newline="")
        try:
            if args.format == "jsonl":
                for e in reversed(events):  # oldest first
                    out.write(json.dumps(e) + "\n")
            else:
                writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
                writer.writeheader()
                for e in reversed(events):
                    writer.writerow({**e, "cameras": " ".join(e["cameras"]),
                                     "evidence": " ".join(f["kind"] for f in e["evidence"] if not f["deleted"])})
        finally:
            if out is not sys.stdout:
                out.close()
        return 0
    if args.action == "show":
        event = store.get(args.id)
        event["deliveries"] = store.deliveries(args.id)
        print(json.dumps(event, indent=2))
        return 0
    event = store.ack(args.id, by=args.by or getpass.getuser(), note=args.note)
    print(f"event {args.id} acknowledged by {event['acks'][-1]['by']}", file=sys.stderr)
    return 0
