"""What the camera benchmarks share: a 640x480, 15 fps H.264 clip made from a GMDCSA24 fall clip
(shared/, MIT), GStreamer's RTSP server looping it as N live cameras, a watch config, and readings
of this process's CPU time and memory. Needs Debian's gstreamer1.0-plugins-ugly (x264enc) to make
the clip once, plus what the camera tests need (tests/camera_servers.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "cameras"))

from camera_servers import Mosquitto, RtspServer, free_port  # noqa: E402,F401

SHARED = Path(os.environ.get("MOVENET_SHARED", REPO.parent / "shared"))
SOURCE_CLIP = SHARED / "data" / "videos" / "falls-gmdcsa24" / "gmdcsa24_s1_fall_15_fall.mp4"
WORK = Path(os.environ.get("MOVENET_BENCH_DIR", "/tmp/movenet-bench"))


def bench_clip(width: int = 640, height: int = 480, fps: int = 15) -> Path:
    """The fall clip at width x height, fps, H.264 with a key frame a second (made once)."""
    out = WORK / f"fall_{width}x{height}_{fps}fps.mp4"
    if out.exists():
        return out
    WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run(["gst-launch-1.0", "-q", "filesrc", f"location={SOURCE_CLIP}", "!", "qtdemux", "!", "avdec_h264", "!",
                    "videoconvert", "!", "videoscale", "!", "videorate", "!",
                    f"video/x-raw,width={width},height={height},framerate={fps}/1,format=I420", "!",
                    "x264enc", "bitrate=1000", f"key-int-max={fps}", "bframes=0", "speed-preset=medium", "!",
                    "video/x-h264,profile=baseline", "!", "h264parse", "!", "mp4mux", "!", "filesink", f"location={out}"],
                   check=True)
    return out


class LoopingCameras(RtspServer):
    """N live cameras (/cam0 ... /camN-1), each the clip played over and over."""

    def __init__(self, clip: Path, count: int) -> None:
        super().__init__(mounts={f"/cam{i}": clip for i in range(count)})

    def start(self):
        from camera_servers import HERE, SYSTEM_PYTHON, wait_for_port

        argv = [SYSTEM_PYTHON, str(HERE / "cameras" / "rtsp_server.py"), "--port", str(self.port), "--loop"]
        for path, clip in self.mounts.items():
            argv += ["--mount", path, str(clip)]
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the RTSP server did not start")
        wait_for_port(self.port)
        return self


def write_config(folder: Path, urls: list[str], *, mqtt: str | None = None, falls: dict | None = None,
                 health_interval_s: float = 10.0, model: str = "lightning") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["[watch]", f'database = "sqlite:///{folder / "bench.db"}"', f'evidence_dir = "{folder / "evidence"}"',
             f"health_interval_s = {health_interval_s}"]
    if mqtt:
        lines += ["[mqtt]", f'url = "{mqtt}"']
    for i, url in enumerate(urls):
        lines += ["[[cameras]]", f'name = "cam{i}"', f'url = "{url}"', f'model = "{model}"']
        if falls:
            lines += ["[cameras.falls]"] + [f"{k} = {v}" for k, v in falls.items()]
    path = folder / "watch.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def process_cpu_s(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return f"{os.cpu_count()} cores, {model}"


def dump(result: dict, out: str | None) -> None:
    text = json.dumps(result, indent=2)
    print(text)
    if out:
        Path(out).write_text(text + "\n")
