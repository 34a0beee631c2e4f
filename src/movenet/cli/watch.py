"""`movenet watch CONFIG`: watch cameras around the clock (fall detection per camera, one alert per
room, events in the store, MQTT / Home Assistant, apprise, a command, a POST); `--status` reads
their health from the store."""

from __future__ import annotations

import argparse
import sys
import time

EPILOG = """\
examples:
  movenet watch home.toml                    # until Ctrl-C or SIGTERM (systemd, docker stop)
  movenet watch home.toml --check            # validate the config only
  movenet watch home.toml --status           # each camera's health; exit 1 if one is down
  movenet watch home.toml --engine ray       # one Ray actor per camera (a local Ray, or --ray-address)

The config reference and a home setup end to end: docs/guide/cameras.md. The health of each
camera is logged every health_interval_s, kept in the store, and shown by `movenet serve` at
/cameras; events by `movenet events` and at /events.
"""


def add_parser(sub) -> None:
    p = sub.add_parser("watch", help="watch cameras around the clock: falls, alerts (MQTT, Home Assistant, apprise), events",
                       description=__doc__, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config", metavar="CONFIG", help="the TOML file (cameras, alerts, storage)")
    p.add_argument("--status", action="store_true", help="print each camera's last health and the alerts not yet delivered; exit 1 when a camera is down or silent")
    p.add_argument("--alive", action="store_true", help="with --status: exit 0 while the watcher writes health samples, "
                   "whatever the cameras' state (a container health check)")
    p.add_argument("--check", action="store_true", help="validate the config and exit")
    p.add_argument("--engine", choices=["local", "ray"], default="local", help="local: threads in this process (default); ray: one actor per camera")
    p.add_argument("--ray-address", metavar="ADDR", help="--engine ray: the cluster (default: a local Ray started here)")
    p.add_argument("--serve", metavar="[HOST:]PORT", help="serve the web pages (cameras, events, live) from this process too, "
                   "e.g. 8000 or 0.0.0.0:8000 (beyond loopback: needs --allow-remote and accounts, movenet users)")
    p.add_argument("--allow-remote", action="store_true", help="with --serve: allow an address other machines can reach")
    p.add_argument("--public-url", action="append", default=[], metavar="URL", help="with --serve: the address of a TLS reverse proxy in front")
    p.add_argument("--verbose", "-v", action="store_true", help="log deliveries too")
    p.set_defaults(func=run)


def _logging(verbose: bool) -> None:
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    logger = logging.getLogger("movenet")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False


def run(args: argparse.Namespace) -> int:
    from movenet.watch.config import load_config

    config = load_config(args.config)
    if args.check:
        print(f"{args.config}: {len(config.cameras)} camera(s) ok: {', '.join(c.name for c in config.cameras)}")
        return 0
    if args.status:
        return status(config, alive_only=args.alive)
    _logging(args.verbose)
    import signal

    from movenet.watch.service import Watcher

    pages = _pages(args, config) if args.serve else None  # a bad address fails before any camera starts
    watcher = Watcher(config, engine=args.engine, ray_address=args.ray_address)
    signal.signal(signal.SIGTERM, lambda *_: watcher.stop())
    try:
        if pages is not None:
            pages.start()
            import logging

            logging.getLogger("movenet.watch").warning("pages: %scameras and %sevents", pages.url, pages.url)
        watcher.start()
        watcher.run()
    except KeyboardInterrupt:
        pass
    finally:
        watcher.close()
        if pages is not None:
            pages.stop()
    return 0


def _pages(args, config):
    """`movenet serve` in a thread of the watcher, on the watcher's database."""
    from movenet.errors import InvalidOptionError

    host, _, port = args.serve.rpartition(":")
    try:
        port_number = int(port)
    except ValueError:
        raise InvalidOptionError(f"--serve {args.serve!r}: give PORT or HOST:PORT") from None
    try:
        from movenet.serve import BackgroundServer, ServeConfig
    except ImportError as exc:
        raise InvalidOptionError(f"--serve needs the serve extra: pip install 'movenet[serve]' ({exc})") from exc
    serve_config = ServeConfig(host=host or "127.0.0.1", port=port_number, allow_remote=args.allow_remote,
                               public_urls=tuple(args.public_url), database=config.database, threads=1)
    return BackgroundServer(serve_config)


def status(config, alive_only: bool = False) -> int:
    from movenet.events import EventStore
    from movenet.storage import Database

    db = Database(config.database)
    db.upgrade()
    store = EventStore(db)
    latest = store.latest_health()
    now = time.time()
    stale_s = 3 * config.health_interval_s
    healthy = True
    for camera in config.cameras:
        sample = latest.get(camera.name)
        if sample is None:
            print(f"{camera.name:<16} no health yet (is movenet watch running?)")
            healthy = False
            continue
        age = now - sample["at"]
        ok = sample["connected"] and age <= stale_s
        healthy &= ok
        line = (f"{camera.name:<16} {sample['state']:<12} {sample['fps']:5.1f} fps read {sample['analysed_fps']:5.1f} analysed "
                f"dropped {sample['dropped']:<6} reconnects {sample['reconnects']:<4} CPU {sample['cpu_percent']:5.1f} %  "
                f"sample {age:.0f} s ago  {sample['url']}")
        if age > stale_s:
            line += "  (silent: the watcher is not running?)"
        if not sample["connected"] and sample.get("last_error"):
            line += f"  ({sample['last_error']})"
        print(line)
    if alive_only:
        newest = max((s["at"] for s in latest.values()), default=None)
        return 0 if newest is not None and now - newest <= stale_s else 1
    pending = store.pending()
    if pending:
        targets = sorted({p["target"] for p in pending})
        print(f"{len(pending)} alert(s) waiting for delivery to {', '.join(targets)}; last error: {pending[-1]['last_error']}")
    return 0 if healthy else 1
