"""The storage foundation on SQLite and on a real PostgreSQL: connect, migrate, sessions, and
passwords that never reach a message."""

from __future__ import annotations

import pytest

sqlalchemy = pytest.importorskip("sqlalchemy", reason="the database tests need the db extra (sqlalchemy, alembic)")
pytest.importorskip("alembic", reason="the database tests need the db extra (sqlalchemy, alembic)")

from movenet.storage import Database, data_dir, default_database_url, redact_url  # noqa: E402
from movenet.storage.database import DatabaseError  # noqa: E402


def test_redact_url_hides_the_password_only():
    assert redact_url("postgresql+psycopg://clinic:s3cr3t@db.local:5432/physio") == \
        "postgresql+psycopg://clinic:***@db.local:5432/physio"
    assert redact_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    assert "s3cr3t" not in redact_url("not a url://me:s3cr3t@host")


def test_default_url_is_a_file_in_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MOVENET_DATA_DIR", str(tmp_path / "data"))
    assert data_dir() == tmp_path / "data" and (tmp_path / "data").is_dir()
    assert default_database_url() == f"sqlite:///{tmp_path / 'data' / 'movenet.db'}"
    db = Database()
    db.upgrade()
    assert (tmp_path / "data" / "movenet.db").is_file()


@pytest.mark.parametrize("url, words", [
    ("mysql://u:pw@host/db", "unsupported database 'mysql'"),
    ("::nonsense::", "not a database URL"),
])
def test_bad_urls_are_one_line_errors(url, words):
    with pytest.raises(DatabaseError, match=words) as info:
        Database(url)
    assert "\n" not in str(info.value) and "pw@" not in str(info.value)


def test_unreachable_server_message_has_no_password():
    db = Database("postgresql://someone:hunter2@127.0.0.1:1/nothing")
    with pytest.raises(DatabaseError) as info:
        db.upgrade()
    message = str(info.value)
    assert "hunter2" not in message and "***" in message and "\n" not in message


def test_sessions_commit_and_roll_back(database_url):
    db = Database(database_url)
    db.upgrade()
    with db.engine.begin() as connection:
        connection.execute(sqlalchemy.text("CREATE TABLE probe (id INTEGER PRIMARY KEY, name VARCHAR(20))"))
    with db.session() as s:
        s.execute(sqlalchemy.text("INSERT INTO probe (id, name) VALUES (1, 'kept')"))
    with pytest.raises(RuntimeError):
        with db.session() as s:
            s.execute(sqlalchemy.text("INSERT INTO probe (id, name) VALUES (2, 'rolled back')"))
            raise RuntimeError("boom")
    with db.session() as s:
        rows = s.execute(sqlalchemy.text("SELECT name FROM probe ORDER BY id")).scalars().all()
    assert rows == ["kept"]
    assert db.backend == database_url.split(":")[0].split("+")[0]
    db.dispose()


def test_postgres_driver_defaults_to_psycopg3():
    db = Database("postgresql://u:p@127.0.0.1:1/x")
    assert db.engine.dialect.driver == "psycopg"
