"""The fenced code blocks of the README and the docs pages, and how the tests run them.

The convention (docs/contributing.md, "Examples are tested"):

- Every ```python and ```sh (or bash, shell) block is run, in order, page by page: the Python
  blocks of a page share one interpreter (a later block sees an earlier one's names), the shell
  blocks run with bash in the same working folder, where `examples/` and `docs/` of the
  repository are available and `movenet` is the command of the Python running the tests.
- A ```text block right after a comment `<!-- output -->` is what the block before it prints
  (standard output), compared line by line; a line `...` stands for any number of lines.
- A block that cannot run in the tests (a webcam, a cluster, hours of training, data that is not
  in the repository) has a comment right before it: `<!-- not tested: REASON -->`, the reason in
  words. A test checks that every such reason is there.
- `<!-- server -->` before a block: a server, started in the background for the rest of the page
  (on a free port: `--port N` is added, and `127.0.0.1:8000` in later blocks becomes that port)
  and stopped at the end of the page.
- Other languages (text, json, csv, ...) are never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUN_LANGUAGES = {"python": "python", "py": "python", "sh": "sh", "bash": "sh", "shell": "sh"}
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
DIRECTIVE = re.compile(r"^\s*<!--\s*(?P<body>.*?)\s*-->\s*$")
MIN_REASON_WORDS = 3


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    language: str  # the info string's first word, lower case ("" when none)
    code: str
    directive: str | None  # the comment right before the fence, if any

    @property
    def kind(self) -> str | None:
        """python, sh, or None (not run)."""
        return RUN_LANGUAGES.get(self.language)

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"

    @property
    def skip_reason(self) -> str | None:
        if self.directive and self.directive.startswith("not tested"):
            return self.directive.partition(":")[2].strip()
        return None

    @property
    def is_output(self) -> bool:
        return self.directive == "output"

    @property
    def is_server(self) -> bool:
        return self.directive == "server"


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown file (indented ones in lists included), with the HTML
    comment on the line before each, if any."""
    lines = path.read_text().splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, fence, info = match["indent"], match["fence"], match["info"].strip()
        start = i
        body = []
        i += 1
        while i < len(lines) and not (lines[i].strip().startswith(fence) and lines[i].strip().strip(fence[0]) == ""):
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        i += 1  # the closing fence
        j = start - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        comment = DIRECTIVE.match(lines[j]) if j >= 0 else None
        language = info.split()[0].lower().lstrip(".{") if info else ""
        found.append(Block(path, start + 1, language, "\n".join(body) + "\n", comment["body"] if comment else None))
    return found


def outputs_expected(page: list[Block]) -> dict[int, Block]:
    """index of a run block -> the output block that follows it."""
    expected = {}
    for index, block in enumerate(page):
        if block.is_output:
            previous = next((k for k in range(index - 1, -1, -1) if page[k].kind), None)
            if previous is None:
                raise AssertionError(f"{block.where}: <!-- output --> without a block before it to run")
            expected[previous] = block
    return expected


def output_matches(expected: str, actual: str) -> bool:
    """Line by line, trailing spaces ignored; a line `...` matches any number of lines."""
    want = [line.rstrip() for line in expected.strip("\n").splitlines()]
    got = [line.rstrip() for line in actual.strip("\n").splitlines()]
    pattern = "".join(r"(?:[^\n]*\n)*?" if line == "..." else re.escape(line) + r"\n" for line in want)
    return re.fullmatch(pattern, "".join(line + "\n" for line in got)) is not None


def documented_files() -> list[Path]:
    """README.md and every page of the site."""
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
