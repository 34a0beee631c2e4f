"""Every Python and shell example of the README and the docs runs, and prints what the page says
it prints (tests/docs/doc_blocks.py has the convention; docs/contributing.md explains it)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from doc_blocks import (
    MIN_REASON_WORDS,
    REPO,
    blocks,
    documented_files,
    output_matches,
    outputs_expected,
)
from python_runner import TOKEN

BLOCK_TIMEOUT_S = 300
SERVER_START_S = 60


def page_id(path: Path) -> str:
    return str(path.relative_to(REPO))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment() -> dict:
    """`movenet` and `python` of the interpreter running the tests first on PATH; no colours or
    progress bars (not a terminal anyway)."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("COLUMNS", None)
    return env


class PythonSession:
    def __init__(self, cwd: Path, env: dict) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("python_runner.py"))], cwd=cwd, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )

    def run(self, code: str, where: str) -> tuple[str, str | None]:
        self.process.stdin.write(json.dumps({"code": code, "where": where}) + "\n")
        self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith(TOKEN):
                answer = json.loads(line[len(TOKEN):])
                return answer["stdout"], answer["error"]
        return "", f"the Python session ended (exit code {self.process.wait()})"

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}: {process.stderr.read()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"the server did not listen on port {port} within {SERVER_START_S} s")


PAGES = [p for p in documented_files() if any(b.kind for b in blocks(p))]


def test_every_page_with_examples_is_collected():
    assert REPO / "README.md" in PAGES
    assert any(p.parent.name == "get-started" for p in PAGES)


@pytest.mark.parametrize("path", [p for p in documented_files()], ids=page_id)
def test_blocks_that_are_not_run_say_why(path):
    for block in blocks(path):
        if block.directive and block.directive.startswith("not tested"):
            reason = block.skip_reason or ""
            assert len(reason.split()) >= MIN_REASON_WORDS, f"{block.where}: `<!-- not tested: REASON -->` needs a reason in words"
            assert block.kind, f"{block.where}: `not tested` on a {block.language or 'plain'} block, which is never run anyway"
        if block.is_output:
            assert block.language in ("text", ""), f"{block.where}: an output block is ```text"
        if block.kind and block.skip_reason is None:  # run by the tests: must not change their environment
            assert "pip install" not in block.code and "pip uninstall" not in block.code, (
                f"{block.where}: a block that installs packages would change the tests' environment; mark it "
                "`<!-- not tested: installs packages -->`")
    outputs_expected(blocks(path))  # raises on an output block with nothing before it


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_examples_run_and_print_what_the_page_shows(path, tmp_path):
    page = blocks(path)
    expected = outputs_expected(page)
    work = tmp_path / "work"
    work.mkdir()
    for folder in ("examples", "docs"):  # what the examples read, as in a checkout
        (work / folder).symlink_to(REPO / folder)
    env = environment()
    python = None
    servers: list[subprocess.Popen] = []
    port = None
    try:
        for index, block in enumerate(page):
            if not block.kind or block.skip_reason is not None:
                continue
            code = block.code
            if port is not None:
                code = code.replace("127.0.0.1:8000", f"127.0.0.1:{port}").replace("localhost:8000", f"localhost:{port}")
            if block.is_server:
                assert block.kind == "sh", f"{block.where}: a server block is a shell command"
                port = free_port()
                command = code.strip() + f" --port {port}"
                process = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=work, env=env, text=True,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                servers.append(process)
                wait_for_port(port, process)
                continue
            if block.kind == "python":
                python = python or PythonSession(work, env)
                stdout, error = python.run(code, block.where)
                assert error is None, f"{block.where}: the example failed:\n{error}"
            else:
                done = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=work, env=env, text=True,
                                      capture_output=True, timeout=BLOCK_TIMEOUT_S)
                assert done.returncode == 0, (
                    f"{block.where}: the example failed (exit code {done.returncode}):\n{code}\n"
                    f"stdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
                )
                stdout = done.stdout
            if index in expected:
                want = expected[index]
                assert output_matches(want.code, stdout), (
                    f"{block.where}: prints something else than {want.where} shows.\n"
                    f"--- shown\n{want.code}--- printed\n{stdout}"
                )
    finally:
        if python is not None:
            python.close()
        for process in servers:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)
