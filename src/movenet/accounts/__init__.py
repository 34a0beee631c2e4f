"""Accounts of the web app: people with a role (admin, therapist, patient, viewer), an optional
patient id, a password (scrypt) and/or generated API tokens (stored as SHA-256 digests), and
login sessions (cookie tokens, also stored only as digests). Needs the `db` extra.

    from movenet.accounts import AccountStore, Principal
    store = AccountStore(Database())
    store.create("ana", role="therapist", password="...")
    principal = store.verify_password("ana", "...")     # Principal or None
    token = store.issue_token("ana", "phone")            # shown once, kept hashed

`Principal` is what a request is made by; routes check it (`principal.is_admin`,
`principal.may_see_patient(pid)`, `principal.require(...)`).
"""

from movenet.accounts.passwords import hash_password, verify_password
from movenet.accounts.principal import LOCAL, ROLES, Forbidden, Principal
from movenet.accounts.store import AccountError, AccountStore

__all__ = ["LOCAL", "ROLES", "AccountError", "AccountStore", "Forbidden", "Principal", "hash_password", "verify_password"]
