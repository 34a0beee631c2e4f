"""Runs a page's Python blocks one after another in one namespace, as a reader's session would.

Reads requests from standard input, one JSON line each: {"code", "where"}; answers each with one
line `<TOKEN> {"stdout", "error"}` on standard output (other lines there, written by libraries
below Python, are not answers). Standard output of the block itself is captured.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import traceback

TOKEN = "@@movenet-docs-runner@@"


def main() -> None:
    namespace: dict = {"__name__": "__main__"}
    for line in sys.stdin:
        request = json.loads(line)
        captured = io.StringIO()
        error = None
        try:
            with contextlib.redirect_stdout(captured):
                exec(compile(request["code"], request["where"], "exec"), namespace)  # noqa: S102 - the docs' own examples
        except BaseException:  # noqa: BLE001 - reported to the test, which fails with it
            error = traceback.format_exc()
        sys.stdout.write(f"{TOKEN} {json.dumps({'stdout': captured.getvalue(), 'error': error})}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
