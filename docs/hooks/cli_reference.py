"""MkDocs hook: the command-line reference, generated from the `movenet` argparse parsers.

A page holding the line `<!-- cli-reference -->` gets it replaced by one section per command (in
the order `movenet -h` lists them, subcommands of subcommands included): its description, usage,
a table of its arguments with their help, and its examples (the parser's epilog). Nothing is
written by hand, so a new command or option appears in the docs when it appears in the code.
The docs tests call `render()` too (tests/docs/test_cli_reference.py).
"""

from __future__ import annotations

import argparse
import os

MARKER = "<!-- cli-reference -->"


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """(name, one-line help, parser) of each subcommand, in the order they were added."""
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                out.append((name, helps.get(name, ""), sub))
    return out


def _cell(text: str) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;")
    return text.replace("[", "\\[").replace("]", "\\]")  # not Markdown links


def _argument(action: argparse.Action) -> str:
    if action.option_strings:
        names = ", ".join(f"`{o}`" for o in action.option_strings)
        if action.nargs == 0:
            return names
        metavar = action.metavar or (("{" + ",".join(map(str, action.choices)) + "}") if action.choices else action.dest.upper())
        if isinstance(metavar, tuple):
            metavar = " ".join(metavar)
        suffix = {"+": " ...", "*": " ..."}.get(action.nargs, "")
        return f"{names} `{metavar}{suffix}`"
    metavar = action.metavar or action.dest
    return f"`{metavar}`" + (" ..." if action.nargs in ("+", "*") else "")


def _help(action: argparse.Action) -> str:
    text = action.help or ""
    if "%(" in text:
        text = text % {**vars(action), "prog": ""}
    if action.choices and not action.option_strings:
        text += f" (one of: {', '.join(map(str, action.choices))})"
    return _cell(text)


def _usage(parser: argparse.ArgumentParser) -> str:
    """The usage line without "usage: ", continuation lines moved left by as much."""
    text = parser.format_usage().strip()
    first, *rest = text.removeprefix("usage: ").split("\n")
    return "\n".join([first, *(line[len("usage: "):] if line.startswith(" " * 7) else line for line in rest)])


def _section(name: str, summary: str, parser: argparse.ArgumentParser, level: int) -> list[str]:
    prog = parser.prog
    lines = [f"{'#' * level} `{prog}`", ""]
    description = parser.description or summary
    if description:
        lines += [" ".join(description.split()), ""]
    lines += ["```text", _usage(parser), "```", ""]
    rows = [a for a in parser._actions if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction))
            and a.help != argparse.SUPPRESS]
    if rows:
        lines += ["| argument | what it does |", "|---|---|"]
        lines += [f"| {_argument(a)} | {_help(a)} |" for a in rows]
        lines.append("")
    if parser.epilog:
        lines += ["```text", parser.epilog.strip("\n"), "```", ""]
    return lines


def render() -> str:
    """The whole reference as Markdown."""
    os.environ["COLUMNS"] = "100"  # argparse wraps usage lines to the terminal: a fixed width
    from movenet.cli.main import build_parser

    root = build_parser()
    lines = ["```text", _usage(root), "```", ""]
    commands = _subcommands(root)
    lines += ["| command | what it does |", "|---|---|"]
    for name, summary, sub in commands:
        if summary:
            lines.append(f"| [`{name}`](#{_anchor(sub.prog)}) | {_cell(summary)} |")
    lines.append("")
    for name, summary, sub in commands:
        lines += _section(name, summary, sub, 2)
        for child, child_summary, child_parser in _subcommands(sub):
            lines += _section(child, child_summary, child_parser, 3)
    return "\n".join(lines)


def _anchor(prog: str) -> str:
    """The heading id MkDocs' toc gives `## \\`movenet predict\\``."""
    return prog.lower().replace(" ", "-")


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: ARG001 - MkDocs' signature
    if MARKER in markdown:
        return markdown.replace(MARKER, render())
    return markdown
