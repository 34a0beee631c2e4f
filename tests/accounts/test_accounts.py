"""Accounts on SQLite and PostgreSQL: scrypt hashes, tokens and sessions stored as digests only,
roles and patients, expiry; the `movenet users` command."""

import time

import pytest

from movenet.accounts import AccountError, AccountStore, Principal, hash_password, verify_password
from movenet.accounts.passwords import token_digest
from movenet.accounts.principal import LOCAL, Forbidden


@pytest.fixture
def store(database_url):
    from movenet.storage import Database

    database = Database(database_url)
    database.upgrade()
    yield AccountStore(database)
    database.dispose()


def test_scrypt_hash_round_trip_and_salted():
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second and first.startswith("scrypt$32768$8$1$")  # a fresh salt each time
    assert verify_password("correct horse", first) and not verify_password("wrong horse", first)
    assert not verify_password("anything", None) and not verify_password("anything", "md5$abc")


def test_accounts_tokens_sessions(store):
    store.create("ana", role="admin", password="s3cret-pass")
    store.create("p17", role="patient", password="patient-pass", patient_id="P17")
    assert store.verify_password("ana", "s3cret-pass").role == "admin"
    assert store.verify_password("ana", "wrong-pass!") is None and store.verify_password("nobody", "x" * 8) is None
    patient = store.verify_password("p17", "patient-pass")
    assert patient.patient_id == "P17" and patient.may_see_patient("P17") and not patient.may_see_patient("P18")
    token = store.issue_token("ana", "phone")
    assert store.verify_token(token).name == "ana" and store.verify_token(token + "x") is None
    cookie = store.open_session(patient)
    assert store.session_principal(cookie).name == "p17"
    store.set_password("p17", "another-pass")  # logs the account out everywhere
    assert store.session_principal(cookie) is None
    # Only digests are stored: neither the token nor a password is in any column.
    from sqlalchemy import text

    with store.db.session() as s:
        dump = repr([tuple(r) for table in ("auth_accounts", "auth_tokens", "auth_sessions")
                     for r in s.execute(text(f"select * from {table}"))])
    assert token not in dump and "s3cret-pass" not in dump and token_digest(token) in dump
    assert [a["name"] for a in store.list()] == ["ana", "p17"] and store.list()[0]["tokens"] == 1
    store.remove("p17")
    assert store.count() == 1


def test_session_expiry(store, monkeypatch):
    store.create("ana", role="viewer", password="s3cret-pass")
    cookie = store.open_session(store.verify_password("ana", "s3cret-pass"))
    from movenet.accounts import store as module

    now = time.time()
    monkeypatch.setattr(module.time, "time", lambda: now + module.SESSION_IDLE_S + 1)
    assert store.session_principal(cookie) is None


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "ana b", "role": "admin"}, "account name"),
    ({"name": "ana", "role": "root"}, "unknown role"),
    ({"name": "ana", "role": "patient", "password": "longenough"}, "needs --patient"),
    ({"name": "ana", "role": "admin", "password": "short"}, "too short"),
])
def test_bad_accounts_refused(store, kwargs, message):
    kwargs = dict(kwargs)
    name = kwargs.pop("name")
    with pytest.raises(AccountError, match=message):
        store.create(name, **kwargs)


def test_principal_roles():
    viewer = Principal(3, "v", "viewer")
    assert LOCAL.is_admin and viewer.require("viewer", "therapist") is viewer
    with pytest.raises(Forbidden):
        viewer.require("therapist")
    assert not viewer.may_see_patient("P1") and Principal(2, "t", "therapist").may_see_patient("P1")


def test_users_command(tmp_path, monkeypatch, capsys):
    pytest.importorskip("sqlalchemy")
    import io

    from movenet.cli.main import main

    url = f"sqlite:///{tmp_path / 'users.db'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("a-good-password\n"))
    assert main(["users", "--db", url, "add", "ana", "--role", "admin", "--password-stdin"]) == 0
    assert main(["users", "--db", url, "token", "ana", "--label", "ha"]) == 0
    token = capsys.readouterr().out.strip()
    assert len(token) >= 40
    assert main(["users", "--db", url, "list"]) == 0
    assert "ana" in capsys.readouterr().out
    assert main(["users", "--db", url, "add", "ana", "--role", "admin", "--no-password"]) == 2
    assert "exists already" in capsys.readouterr().err
