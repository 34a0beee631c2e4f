"""The modules that declare tables on `Base`: Alembic's autogenerate and `env.py` import them all.

A feature that adds tables adds its module here (and its migrations as a branch of its own)."""

from __future__ import annotations

import importlib

# Modules declaring tables, e.g. "movenet.events.tables". Each is imported for its side effect
# (registering its tables on Base.metadata).
MODEL_MODULES: tuple[str, ...] = (
    "movenet.accounts.tables",
    "movenet.events.tables",
    "movenet.storage.programmes",
)


def import_all_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)
