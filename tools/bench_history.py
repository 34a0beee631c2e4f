"""How fast a long history answers: 10,000 sessions of one patient in SQLite (synthetic, through
the real storage code), then `history()` (what the history page's API and `movenet history`
compute), the history page's JSON API through the web app, and the whole `movenet history`
command (a fresh Python process, imports included). Target: under 200 ms.

    python tools/bench_history.py [--sessions 10000] [--rounds 15] [--db sqlite:////tmp/bench_history.db]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tools"))


def timed(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000.0)
    return out


def asgi_get(app, path: str) -> bytes:
    """One GET through the ASGI app (status 200 required), the body."""
    import asyncio

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "headers": [(b"host", b"127.0.0.1")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    sent: list = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    if status != 200:
        raise RuntimeError(f"GET {path}: {status}")
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sessions", type=int, default=10_000)
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--db", default="sqlite:////tmp/movenet_bench_history.db")
    p.add_argument("--fresh", action="store_true", help="rebuild the database even if it holds the sessions already")
    args = p.parse_args(argv)

    from programme_demo import PROGRAMME, synthetic_history

    from movenet.programme import load_programme
    from movenet.programme.history import history
    from movenet.programme.store import ProgrammeStore
    from movenet.storage import Database

    programme = load_programme(PROGRAMME)
    path = args.db.removeprefix("sqlite:///")
    if args.fresh and args.db.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
    store = ProgrammeStore(Database(args.db))
    have = {p["patient"]: p["sessions"] for p in store.patients()}.get("BENCH", 0)
    if have != args.sessions:
        if have:
            store.delete_patient("BENCH")
        t = time.perf_counter()
        start = dt.datetime(2015, 1, 1, tzinfo=dt.timezone.utc)
        batch = 1000
        for i in range(0, args.sessions, batch):
            results = synthetic_history(programme, "BENCH", min(batch, args.sessions - i), start + dt.timedelta(days=i * 7 / 4), seed=i)
            store.save_sessions(results, programme)
            print(f"  stored {min(i + batch, args.sessions)} sessions", file=sys.stderr, end="\r")
        store.assign("BENCH", programme)
        print(f"stored {args.sessions} sessions in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    with store.db.engine.connect() as c:
        from sqlalchemy import text

        counts = {t: c.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in ("programme_sessions", "programme_sets", "programme_rom")}
    size = os.path.getsize(path) / 1e6 if args.db.startswith("sqlite:///") else float("nan")
    print(f"database: {counts} ({size:.1f} MB)")

    h = history(store, "BENCH")
    print(f"history: {h['sessions_total']} sessions, {len(h['adherence'])} points per series, bucket {h['bucket_days']} days")
    results = {"history() [page and CLI compute]": timed(lambda: history(store, "BENCH"), args.rounds)}

    try:
        from starlette.applications import Starlette

        from movenet.serve.auth import AuthMiddleware
        from movenet.serve.programme_pages import ProgrammeService, programme_routes
    except ImportError:
        Starlette = None
    if Starlette is not None:  # the history page's API route, in process (ASGI: no network, no model)
        app = Starlette(routes=list(programme_routes()))
        app.state.programmes = ProgrammeService(store=store)
        asgi = AuthMiddleware(app, None, required=False)
        results["GET /api/patients/BENCH/history [the page's data, JSON]"] = timed(
            lambda: asgi_get(asgi, "/api/patients/BENCH/history"), args.rounds)

    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    cmd = [sys.executable, "-m", "movenet", "history", "BENCH", "--db", args.db]
    results["movenet history (a whole process)"] = timed(lambda: subprocess.run(cmd, env=env, check=True, capture_output=True), max(args.rounds // 3, 3))
    imports = [sys.executable, "-c", "import movenet.cli.main, movenet.programme.history, sqlalchemy"]
    results["  of which Python start + imports"] = timed(lambda: subprocess.run(imports, env=env, check=True, capture_output=True), max(args.rounds // 3, 3))

    print(f"\n| what | median ms | min ms | max ms | rounds |\n|---|---|---|---|---|")
    for name, ms in results.items():
        print(f"| {name} | {statistics.median(ms):.1f} | {min(ms):.1f} | {max(ms):.1f} | {len(ms)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
