"""`AccountStore`: accounts, API tokens and login sessions in the database."""

from __future__ import annotations

import re
import time

from movenet.accounts.passwords import MIN_PASSWORD_CHARS, hash_password, new_token, token_digest, verify_password
from movenet.accounts.principal import ROLES, Principal
from movenet.errors import MovenetError

NAME_RE = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
# A login session lasts 12 h after its last use and 7 days at most (then log in again).
SESSION_IDLE_S = 12 * 3600.0
SESSION_MAX_S = 7 * 24 * 3600.0
# A session's expiry is written back at most this often (not on every request).
SESSION_REFRESH_S = 300.0


class AccountError(MovenetError, ValueError):
    """A bad account name, role, password, or an unknown account."""


def _tables():
    from movenet.accounts import tables

    return tables


class AccountStore:
    def __init__(self, database) -> None:
        self.db = database

    # -- accounts ------------------------------------------------------------------------------
    def create(self, name: str, *, role: str, password: str | None = None, patient_id: str | None = None) -> Principal:
        t = _tables()
        _check_name(name)
        if role not in ROLES:
            raise AccountError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
        if role == "patient" and not patient_id:
            raise AccountError("a patient account needs --patient ID")
        if password is not None:
            _check_password(password)
        from sqlalchemy import select

        with self.db.session() as s:
            if s.scalar(select(t.Account).where(t.Account.name == name)) is not None:
                raise AccountError(f"account {name!r} exists already")
            account = t.Account(name=name, role=role, patient_id=patient_id, created_at=time.time(),
                                password_hash=hash_password(password) if password is not None else None, disabled=False)
            s.add(account)
            s.flush()
            return _principal(account, "session")

    def set_password(self, name: str, password: str) -> None:
        _check_password(password)
        with self.db.session() as s:
            account = self._get(s, name)
            account.password_hash = hash_password(password)
            self._end_sessions(s, account.id)

    def remove(self, name: str) -> None:
        t = _tables()
        from sqlalchemy import delete

        with self.db.session() as s:
            account = self._get(s, name)
            s.execute(delete(t.ApiToken).where(t.ApiToken.account_id == account.id))
            s.execute(delete(t.LoginSession).where(t.LoginSession.account_id == account.id))
            s.delete(account)

    def list(self) -> list[dict]:
        t = _tables()
        from sqlalchemy import func, select

        with self.db.session() as s:
            tokens = dict(s.execute(select(t.ApiToken.account_id, func.count()).group_by(t.ApiToken.account_id)).all())
            return [{"name": a.name, "role": a.role, "patient_id": a.patient_id, "password": a.password_hash is not None,
                     "tokens": tokens.get(a.id, 0), "disabled": a.disabled}
                    for a in s.scalars(select(t.Account).order_by(t.Account.name))]

    def count(self) -> int:
        t = _tables()
        from sqlalchemy import func, select

        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(t.Account)) or 0)

    def verify_password(self, name: str, password: str) -> Principal | None:
        t = _tables()
        from sqlalchemy import select

        with self.db.session() as s:
            account = s.scalar(select(t.Account).where(t.Account.name == name))
            stored = account.password_hash if account is not None and not account.disabled else None
            if not verify_password(password, stored):  # the same work whether the account exists or not
                return None
            return _principal(account, "session")

    # -- tokens --------------------------------------------------------------------------------
    def issue_token(self, name: str, label: str = "token") -> str:
        """A new API token for `name`: returned once, only its digest is kept."""
        t = _tables()
        token = new_token()
        with self.db.session() as s:
            account = self._get(s, name)
            s.add(t.ApiToken(account_id=account.id, label=label[:64], digest=token_digest(token), created_at=time.time()))
        return token

    def revoke_tokens(self, name: str) -> int:
        t = _tables()
        from sqlalchemy import delete

        with self.db.session() as s:
            account = self._get(s, name)
            return s.execute(delete(t.ApiToken).where(t.ApiToken.account_id == account.id)).rowcount or 0

    def verify_token(self, token: str) -> Principal | None:
        t = _tables()
        from sqlalchemy import select

        with self.db.session() as s:
            row = s.execute(select(t.ApiToken, t.Account).join(t.Account, t.Account.id == t.ApiToken.account_id)
                            .where(t.ApiToken.digest == token_digest(token))).first()
            if row is None or row[1].disabled:
                return None
            now = time.time()
            if row[0].last_used_at is None or now - row[0].last_used_at > SESSION_REFRESH_S:
                row[0].last_used_at = now
            return _principal(row[1], "token")

    # -- login sessions ------------------------------------------------------------------------
    def open_session(self, principal: Principal) -> str:
        """A new session cookie value for a principal that just logged in."""
        t = _tables()
        cookie = new_token()
        now = time.time()
        with self.db.session() as s:
            s.add(t.LoginSession(digest=token_digest(cookie), account_id=principal.account_id, created_at=now,
                                 expires_at=now + SESSION_IDLE_S))
        return cookie

    def session_principal(self, cookie: str) -> Principal | None:
        t = _tables()
        from sqlalchemy import delete, select

        now = time.time()
        with self.db.session() as s:
            row = s.execute(select(t.LoginSession, t.Account).join(t.Account, t.Account.id == t.LoginSession.account_id)
                            .where(t.LoginSession.digest == token_digest(cookie))).first()
            if row is None:
                return None
            session, account = row
            if session.expires_at <= now or account.disabled:
                s.execute(delete(t.LoginSession).where(t.LoginSession.digest == session.digest))
                return None
            renewed = min(now + SESSION_IDLE_S, session.created_at + SESSION_MAX_S)
            if renewed - session.expires_at > SESSION_REFRESH_S:
                session.expires_at = renewed
            return _principal(account, "session")

    def close_session(self, cookie: str) -> None:
        t = _tables()
        from sqlalchemy import delete

        with self.db.session() as s:
            s.execute(delete(t.LoginSession).where(t.LoginSession.digest == token_digest(cookie)))

    def purge_sessions(self) -> int:
        t = _tables()
        from sqlalchemy import delete

        with self.db.session() as s:
            return s.execute(delete(t.LoginSession).where(t.LoginSession.expires_at <= time.time())).rowcount or 0

    # -- helpers -------------------------------------------------------------------------------
    def _get(self, s, name: str):
        t = _tables()
        from sqlalchemy import select

        account = s.scalar(select(t.Account).where(t.Account.name == name))
        if account is None:
            raise AccountError(f"no account {name!r} (movenet users list shows them)")
        return account

    def _end_sessions(self, s, account_id: int) -> None:
        t = _tables()
        from sqlalchemy import delete

        s.execute(delete(t.LoginSession).where(t.LoginSession.account_id == account_id))


def _principal(account, via: str) -> Principal:
    return Principal(account.id, account.name, account.role, account.patient_id, via)


def _check_name(name: str) -> None:
    if not NAME_RE.match(name or ""):
        raise AccountError(f"account name {name!r}: 1-64 letters, digits or . _ @ -")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"password too short: at least {MIN_PASSWORD_CHARS} characters")
