"""Alembic environment: runs on the connection of the `Database` that asked (no alembic.ini).

`render_as_batch` lets SQLite alter tables (copy-and-move), so one migration serves both backends.
"""

from __future__ import annotations

from alembic import context

from movenet.storage.base import Base
from movenet.storage.models import import_all_models

import_all_models()
database = context.config.attributes["database"]

with database.engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=database.backend == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
