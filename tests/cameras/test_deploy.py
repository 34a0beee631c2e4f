"""The service recipes: the systemd unit passes `systemd-analyze verify` and runs `movenet watch`
with arguments the command accepts; the Dockerfile's health check and command are valid command
lines, installs extras that exist, stops with SIGTERM. (Docker itself cannot run here: no daemon.)
`watch --status --alive`: 0 while samples are fresh, whatever the cameras do; 1 when they stop."""

import re
import shlex
import shutil
import subprocess
import time
import tomllib

import pytest
from conftest import REPO
from watch_helpers import write_config

from movenet.cli.main import build_parser

UNIT = REPO / "deploy" / "movenet-watch.service"
DOCKERFILE = REPO / "deploy" / "Dockerfile"


def test_systemd_unit_verifies(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("needs systemd-analyze (Debian's systemd)")
    text = UNIT.read_text()
    exec_start = re.search(r"^ExecStart=(.*)$", text, re.M).group(1).split()
    args = build_parser().parse_args(exec_start[1:])
    assert args.command == "watch" and args.config == "/etc/movenet/watch.toml"
    movenet = shutil.which("movenet") or str(REPO / ".venv" / "bin" / "movenet")
    unit = tmp_path / "movenet-watch.service"
    unit.write_text(text.replace(exec_start[0], movenet))
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True)
    problems = [line for line in (done.stdout + done.stderr).splitlines() if "movenet-watch.service" in line]
    assert done.returncode == 0 and problems == [], problems
    assert "KillSignal=SIGTERM" in text and "Restart=on-failure" in text


def test_dockerfile_commands_are_valid():
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    instructions = [line.split(None, 1) for line in text.splitlines() if line and not line.startswith("#")]
    found = {name: rest for name, rest in instructions}
    assert found["STOPSIGNAL"] == "SIGTERM" and found["FROM"].startswith("python:3.11")
    health = re.search(r"CMD (\[.*\])", found["HEALTHCHECK"]).group(1)
    for command in (eval(health), eval(found["CMD"])):  # noqa: S307 - JSON-form arrays of our own file
        assert command[0] == "movenet"
        assert build_parser().parse_args(command[1:]).command == "watch"
    extras = re.search(r"'\.\[([a-z,]+)\]'", found["RUN"]).group(1).split(",")
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert set(extras) <= set(declared)
    assert shlex.split(found["ENV"])[0] == "MOVENET_DATA_DIR=/var/lib/movenet"


def test_status_alive(tmp_path, capsys):
    pytest.importorskip("sqlalchemy")
    from movenet.cli.main import main
    from movenet.events import EventStore
    from movenet.storage import Database

    config = write_config(tmp_path, [{"name": "hall", "url": "rtsp://127.0.0.1:9/x"}], watch={"health_interval_s": 10})
    assert main(["watch", str(config), "--status", "--alive"]) == 1  # never ran
    database = Database(f"sqlite:///{tmp_path / 'watch.db'}")
    sample = {"state": "reconnecting", "connected": False, "fps": 0.0, "analysed_fps": 0.0, "frames": 0, "dropped": 0,
              "reconnects": 3, "cpu_percent": 0.0, "last_frame_age_s": None, "last_error": "connection refused",
              "url": "rtsp://127.0.0.1:9/x"}
    EventStore(database).record_health("hall", sample)
    assert main(["watch", str(config), "--status", "--alive"]) == 0  # running, though the camera is down
    assert main(["watch", str(config), "--status"]) == 1
    assert "connection refused" in capsys.readouterr().out
    EventStore(database).record_health("hall", sample, at=time.time() - 100)
    with database.session() as s:
        from sqlalchemy import text

        s.execute(text("delete from camera_health where at > :t"), {"t": time.time() - 50})
    assert main(["watch", str(config), "--status", "--alive"]) == 1  # silent for over 3 intervals
