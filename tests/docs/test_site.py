"""The site builds strictly (MkDocs: every internal link and anchor resolves, every page is in the
nav); nothing in the docs, the README or the command's help names a path outside the repository,
the machine measurements ran on (other than as a stated setup) or the project's internal process;
every command of `movenet` is in the generated CLI reference."""

from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys

import pytest
from doc_blocks import REPO, documented_files

# (pattern, why it is not allowed). Case-insensitive.
FORBIDDEN = [
    (r"\.\./shared|/work/|\.cache/movenet|/tmp/", "a path outside the repository"),
    (r"this machine|on this vm|this shared vm|our machine", "the machine: name a benchmark setup (a 2-core x86-64 VM, AMD EPYC)"),
    (r"the seeds|seeds'", "internal wording: say Google's MoveNet documents (model card, blog post)"),
    (r"closing note|\bissue \d+|\bround [12]\b|this session|when it lands", "the project's internal process"),
    (r"pip install '?movenet\[|pip install movenet(?![-\w.])", "movenet is not on PyPI: pip install -e '.[extra]' from the checkout"),
]


def texts() -> list[tuple[str, str]]:
    out = [(str(p.relative_to(REPO)), p.read_text()) for p in documented_files()]
    sys.path.insert(0, str(REPO / "docs" / "hooks"))
    try:
        import cli_reference
    finally:
        sys.path.pop(0)
    out.append(("movenet help texts (docs/reference/cli.md)", cli_reference.render()))
    return out


@pytest.mark.parametrize(("pattern", "why"), FORBIDDEN)
def test_nothing_names_what_a_reader_cannot_see(pattern, why):
    found = []
    for name, text in texts():
        for number, line in enumerate(text.splitlines(), 1):
            if re.search(pattern, line, flags=re.IGNORECASE):
                found.append(f"{name}:{number}: {line.strip()[:120]}")
    assert not found, f"{why}:\n" + "\n".join(found)


def test_error_messages_say_how_the_package_is_installed():
    """Every message of the package that names an install uses the checkout's form (not PyPI's)."""
    pattern = re.compile(FORBIDDEN[-1][0], flags=re.IGNORECASE)
    found = [f"{path.relative_to(REPO)}:{number}: {line.strip()[:100]}"
             for path in sorted((REPO / "src" / "movenet").rglob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert not found, "\n".join(found)


def test_the_cli_reference_has_every_command():
    from movenet.cli.main import build_parser

    sys.path.insert(0, str(REPO / "docs" / "hooks"))
    try:
        import cli_reference
    finally:
        sys.path.pop(0)
    text = cli_reference.render()
    for name, _, parser in cli_reference._subcommands(build_parser()):
        assert f"`{parser.prog}`" in text, name
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            for option in action.option_strings:
                assert f"`{option}`" in text, f"{parser.prog} {option}"


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None,
                    reason="needs the docs extra: pip install -e '.[docs]'")
def test_the_site_builds_strictly(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-5000:]
    assert (tmp_path / "site" / "reference" / "cli" / "index.html").is_file()
    assert "movenet predict" in (tmp_path / "site" / "reference" / "cli" / "index.html").read_text()
