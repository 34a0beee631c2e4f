"""A real RTSP server for the tests: GStreamer's gst-rtsp-server (Debian's python3-gi and
gir1.2-gst-rtsp-server-1.0), run by the system Python in a subprocess (the test virtualenv has no
PyGObject). It serves H.264 from an .mp4 file without re-encoding (cheap on a loaded machine), in
real time, from the start for each client (a camera that "restarts" its clip on each connection).

    /usr/bin/python3 rtsp_server.py --port 8554 --mount /cam FILE [--user U --password P] [--loop]

--loop: a camera that never ends: the file's H.264 access units are read once and played over and
over from an appsrc, with time stamps running on (the benchmarks' hour-long streams).

Prints "ready" on standard output once it listens; stops on SIGTERM or SIGKILL.
"""

import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def read_access_units(file: str):
    """The file's H.264 access units (byte-stream) with their time stamps, and the clip's length."""
    pipeline = Gst.parse_launch(f'filesrc location="{file}" ! qtdemux ! h264parse ! '
                                "video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=sink sync=false")
    sink = pipeline.get_by_name("sink")
    caps = None
    frames = []
    pipeline.set_state(Gst.State.PLAYING)
    while True:
        sample = sink.emit("pull-sample")
        if sample is None:
            break
        caps = sample.get_caps()
        buffer = sample.get_buffer()
        frames.append((buffer.pts, buffer.duration, buffer.extract_dup(0, buffer.get_size()),
                       not buffer.has_flags(Gst.BufferFlags.DELTA_UNIT)))
    pipeline.set_state(Gst.State.NULL)
    step = frames[1][0] - frames[0][0]
    return (caps, frames), frames[-1][0] - frames[0][0] + step


def feed(media, frames, duration) -> None:
    """Push the access units into the media's appsrc in a loop, time stamps running on."""
    caps, units = frames
    source = media.get_element().get_child_by_name("src")
    source.set_property("caps", caps)
    state = {"i": 0, "offset": 0}
    first = units[0][0]

    def need_data(src, length):
        pts, dur, data, _key = units[state["i"]]
        buffer = Gst.Buffer.new_wrapped(data)
        buffer.pts = buffer.dts = pts - first + state["offset"]
        buffer.duration = dur
        src.emit("push-buffer", buffer)
        state["i"] += 1
        if state["i"] == len(units):
            state["i"] = 0
            state["offset"] += duration

    source.connect("need-data", need_data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mount", action="append", nargs=2, metavar=("PATH", "FILE"), required=True)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--loop", action="store_true")
    args = parser.parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    for path, file in args.mount:
        factory = GstRtspServer.RTSPMediaFactory()
        if args.loop:
            frames, duration = read_access_units(file)
            factory.set_launch("( appsrc name=src is-live=true format=time ! h264parse ! "
                               "rtph264pay name=pay0 pt=96 config-interval=1 )")
            factory.connect("media-configure", lambda f, media, fr=frames, d=duration: feed(media, fr, d))
        else:
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
