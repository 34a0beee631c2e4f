"""Storage: one SQL database (SQLite by default, PostgreSQL by URL) through SQLAlchemy 2, its
schema versioned with Alembic. Needs the `db` extra (`pip install -e '.[db]'`; add `postgres` for
a PostgreSQL server).

    from movenet.storage import Database
    db = Database()                  # SQLite file under the user's data directory
    db = Database("postgresql+psycopg://user:secret@host/clinic")
    db.upgrade()                     # create or migrate every table (Alembic, all branches)
    with db.session() as s: ...      # a SQLAlchemy Session, committed on success

Features keep their tables in their own modules, on the one declarative `Base`, and their
migrations as an Alembic branch of their own in `storage/migrations/versions/` (branch label =
the feature), so that features evolve their schema independently in one database.
"""

from movenet.storage.database import Database, default_database_url, redact_url
from movenet.storage.paths import data_dir

__all__ = ["Database", "data_dir", "default_database_url", "redact_url"]
