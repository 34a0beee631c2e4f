"""How an optional part of movenet is installed, said the same way in every error and help text.

movenet is installed from a checkout of its repository (it is not published on PyPI): the light
install is `pip install -e .`, an extra `pip install -e '.[serve]'` (or without `-e`, a copy).
"""

from __future__ import annotations

NOT_ON_PYPI = "movenet is installed from its repository checkout, not from PyPI"


def install_hint(*extras: str) -> str:
    """`pip install -e '.[a,b]'` with where to run it, e.g. for an error message."""
    return f"pip install -e '.[{','.join(extras)}]' in the movenet checkout"
