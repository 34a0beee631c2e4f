"""The README: short, its two set-up commands exactly what CI runs, the first one's output what it
prints, every link pointing at a file of the repository."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from doc_blocks import REPO, blocks, output_matches

README = REPO / "README.md"
MAX_LINES = 250
SETUP = ".venv/bin/pip install -e . && .venv/bin/movenet predict examples/pose.jpg"
TESTS = ".venv/bin/pip install torch==2.13.0 -e '.[torch,test,serve,ray,litert]' && .venv/bin/python -m pytest"


def test_readme_is_short():
    assert len(README.read_text().splitlines()) <= MAX_LINES


def setup_commands() -> list[str]:
    return [b.code.strip() for b in blocks(README) if b.kind == "sh" and b.code.strip().startswith("python3 -m venv .venv")]


def test_readme_setup_commands_are_what_ci_runs():
    """The first installs and runs the example, the second installs everything and runs the
    tests; .ci/run runs both verbatim on a fresh checkout."""
    first, second = setup_commands()
    assert first == f"python3 -m venv .venv && {SETUP}"
    assert second == f"python3 -m venv .venv && {TESTS}"
    ci = (REPO / ".ci" / "run").read_text()
    assert first in ci and second in ci


def test_readme_first_command_prints_what_the_readme_shows(tmp_path):
    """The output shown under the first command is what its last step prints (here with the
    `movenet` of the environment running the tests instead of a fresh .venv)."""
    page = blocks(README)
    index = next(i for i, b in enumerate(page) if b.kind == "sh" and b.code.strip().startswith("python3 -m venv .venv"))
    shown = page[index + 1]
    assert shown.is_output
    command = page[index].code.strip().rsplit("&&", 1)[1].strip()
    assert command == ".venv/bin/movenet predict examples/pose.jpg"
    done = subprocess.run([str(Path(sys.executable).parent / "movenet"), *command.split()[1:]], cwd=REPO,
                          capture_output=True, text=True, check=True)
    assert output_matches(shown.code, done.stdout), done.stdout


LINK = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s]+)\)")


def test_readme_links_point_at_files_of_the_repository():
    for match in LINK.finditer(README.read_text()):
        target = match["target"]
        if re.match(r"[a-z]+:", target):  # https: and the like
            continue
        path = (REPO / target.split("#")[0]).resolve()
        assert path.is_file(), f"README links to {target}, which is not a file of the repository"
        assert REPO in path.parents
