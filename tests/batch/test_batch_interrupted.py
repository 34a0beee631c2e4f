"""`movenet batch` killed mid-run (SIGKILL, as a crash or the OOM killer would) or interrupted
(SIGINT, Ctrl-C): no finished output is lost, nothing half-written counts as done, and a rerun
gives exactly the outputs of an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from io_helpers import make_video

from movenet.batch import BatchOptions, run_batch

CLIPS = 6
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    for i in range(CLIPS):
        make_video(folder / f"clip{i}.mp4", n=12)
    return folder


@pytest.fixture(scope="module")
def uninterrupted(clips, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference")
    summary = run_batch([str(clips)], out, "track", BatchOptions(save_media=True), workers=1, progress=False)
    assert summary.ok == CLIPS
    return out


def outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
            and p.name not in ("manifest.jsonl", "summary.json", ".lock")}


def ok_lines(out: Path) -> int:
    path = out / "manifest.jsonl"
    if not path.exists():
        return 0
    return sum('"status": "ok"' in line for line in path.read_text().splitlines())


def start(clips, out):
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    command = [sys.executable, "-m", "movenet", "batch", str(clips), "--out", str(out), "--task", "track",
               "--workers", "1", "--save-media"]
    # SIGINT back to its default (a shell's background jobs inherit it ignored, and Python then
    # installs no KeyboardInterrupt handler)
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for_first_output(process, out, timeout=120):
    deadline = time.monotonic() + timeout
    while ok_lines(out) < 1:
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_sigkill_mid_run_then_rerun(clips, uninterrupted, tmp_path):
    out = tmp_path / "out"
    process = start(clips, out)
    wait_for_first_output(process, out)
    process.kill()  # SIGKILL the command; its workers die with it
    process.wait()
    done = ok_lines(out)
    assert 1 <= done < CLIPS
    # every output in place is complete and correct (identical to the uninterrupted run's)
    reference = outputs(uninterrupted)
    for name, data in outputs(out).items():
        if not name.startswith(".tmp/"):
            assert data == reference[name], name
    summary = run_batch([str(clips)], out, "track", BatchOptions(save_media=True), workers=1, progress=False)
    assert summary.skipped == done and summary.ok == CLIPS - done and summary.failed == 0
    assert outputs(out) == reference  # and nothing left in .tmp


def test_sigint_stops_cleanly_and_says_how_to_resume(clips, uninterrupted, tmp_path):
    out = tmp_path / "out"
    process = start(clips, out)
    wait_for_first_output(process, out)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted: finished outputs are kept; run the same command again to resume" in err
    done = ok_lines(out)
    assert done < CLIPS and not (out / ".tmp").exists()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"] and summary["ok"] == done
    rerun = run_batch([str(clips)], out, "track", BatchOptions(save_media=True), workers=1, progress=False)
    assert rerun.skipped == done and rerun.ok == CLIPS - done
    assert outputs(out) == outputs(uninterrupted)


def _worker_pids() -> list[int]:
    """This process's pool workers (spawned children running multiprocessing's spawn_main)."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit() or int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) != os.getpid():
                continue
            if b"spawn_main" in (proc / "cmdline").read_bytes():
                pids.append(int(proc.name))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def test_a_worker_that_dies_fails_only_its_inputs(clips, uninterrupted, tmp_path):
    """SIGKILL one worker mid-run (as the OOM killer would): the inputs it held are reported failed
    with the reason, the run goes on with a new worker, and --retry-failed completes it."""
    import threading

    out = tmp_path / "out"
    killed = []

    def killer():
        deadline = time.monotonic() + 120
        while ok_lines(out) < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        for pid in _worker_pids():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    thread = threading.Thread(target=killer)
    thread.start()
    summary = run_batch([str(clips)], out, "track", BatchOptions(save_media=True), workers=1, progress=False)
    thread.join()
    assert killed and 1 <= summary.failed <= 2 and summary.ok == CLIPS - summary.failed
    assert all("the worker process died while this input was in flight" in reason for _, reason in summary.failures)
    rerun = run_batch([str(clips)], out, "track", BatchOptions(save_media=True), workers=1, progress=False, retry_failed=True)
    assert rerun.ok == summary.failed and rerun.failed == 0
    assert outputs(out) == outputs(uninterrupted)
