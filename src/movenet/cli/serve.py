"""`movenet serve`: the local web app (live camera, image and video uploads, the scripts API)."""

from __future__ import annotations

import argparse

from movenet.registry import list_models

EPILOG = """\
examples:
  movenet serve                       # http://127.0.0.1:8000/ (this machine only)
  movenet serve --model thunder --open
  curl -s -H 'Content-Type: image/jpeg' --data-binary @photo.jpg http://127.0.0.1:8000/api/poses

  movenet users add ana --role admin && movenet serve --host 0.0.0.0 --allow-remote
  movenet serve --auth on --public-url https://home.example    # behind a TLS reverse proxy

Needs the serve extra: pip install 'movenet[serve]'. Binding to another address than 127.0.0.1
needs --allow-remote, and then every page, API call and WebSocket needs a login (accounts:
`movenet users`, the db extra); the traffic is plain HTTP unless a TLS proxy is in front.
"""


def add_parser(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="local web app: live camera, uploads, and an HTTP API for scripts",
        description="Serve a web page for live pose estimation in the browser (the camera's frames go "
        "to this server over a WebSocket; nothing leaves the machine), image and video uploads, and "
        "POST /api/poses for scripts.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--model", default="lightning", type=str.lower, choices=list_models("movenet"), help="the model the page starts with (default lightning)")
    p.add_argument("--precision", choices=["fp32", "int8"], default="fp32", help="the precision the page starts with")
    p.add_argument("--threads", type=int, metavar="N", help="CPU threads of the runtime (default: all cores)")
    p.add_argument("--spinning", action="store_true", help="let onnxruntime's threads busy-wait between frames (faster alone, slower beside a browser on few cores)")
    p.add_argument("--open", action="store_true", help="open the page in the default browser")
    p.add_argument("--allow-remote", action="store_true", help="allow --host to be an address other machines can reach")
    p.add_argument("--allowed-host", action="append", default=[], metavar="NAME", help="with --allow-remote: another host name the page is opened by (repeatable)")
    p.add_argument("--max-sessions", type=int, default=4, metavar="N", help="live camera sessions at once (default 4)")
    p.add_argument("--max-upload-mb", type=float, default=20, metavar="MB", help="largest image upload (default 20)")
    p.add_argument("--max-video-mb", type=float, default=200, metavar="MB", help="largest video upload (default 200)")
    p.add_argument("--auth", choices=["auto", "on"], default="auto", help="auto (default): a login is required when listening beyond loopback; on: always (behind a reverse proxy)")
    p.add_argument("--public-url", action="append", default=[], metavar="URL", help="the address a TLS reverse proxy serves this at, e.g. https://home.example (repeatable; implies a login)")
    p.add_argument("--secure-cookies", action="store_true", help="mark the session cookie Secure even when the request does not say https")
    p.add_argument("--db", metavar="URL", help="database of the accounts (default: movenet.db in the data directory, $MOVENET_DATA_DIR)")
    p.set_defaults(func=run)


def config_from_args(args: argparse.Namespace):
    from movenet.serve.config import MIB, ServeConfig

    return ServeConfig(
        host=args.host, port=args.port, model=args.model, precision=args.precision, threads=args.threads, spinning=args.spinning,
        allow_remote=args.allow_remote, allowed_hosts=tuple(args.allowed_host), max_sessions=args.max_sessions,
        max_image_bytes=int(args.max_upload_mb * MIB), max_video_bytes=int(args.max_video_mb * MIB),
        auth=args.auth, public_urls=tuple(args.public_url), secure_cookies=args.secure_cookies, database=args.db,
    )


def run(args: argparse.Namespace) -> int:
    from movenet.errors import InvalidOptionError

    try:
        from movenet.serve.server import serve
    except ImportError as exc:
        raise InvalidOptionError(f"movenet serve needs the serve extra: pip install 'movenet[serve]' ({exc})") from exc
    serve(config_from_args(args), open_browser=args.open)
    return 0
