"""A real RTSP server for the tests: GStreamer's gst-rtsp-server (Debian's python3-gi and
gir1.2-gst-rtsp-server-1.0), run by the system Python in a subprocess (the test virtualenv has no
PyGObject). It serves H.264 from an .mp4 file without re-encoding (cheap on a loaded machine), in
real time, from the start for each client (a camera that "restarts" its clip on each connection).

    /usr/bin/python3 rtsp_server.py --port 8554 --mount /cam FILE [--user U --password P]

Prints "ready" on standard output once it listens; stops on SIGTERM or SIGKILL.
"""

import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mount", action="append", nargs=2, metavar=("PATH", "FILE"), required=True)
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    for path, file in args.mount:
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(f'( filesrc location="{file}" ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )')
        factory.set_shared(False)
        if args.user:
            factory.add_role_from_structure(Gst.Structure.from_string(
                "user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true")[0])
        mounts.add_factory(path, factory)
    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
        server.set_auth(auth)
    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{args.port}", file=sys.stderr)
        sys.exit(1)
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    print("ready", flush=True)
    loop.run()


if __name__ == "__main__":
    main()
