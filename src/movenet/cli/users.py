"""`movenet users`: the accounts that may log in to `movenet serve` and `movenet watch`'s pages
from other machines (add, list, passwd, token, revoke, remove)."""

from __future__ import annotations

import argparse
import getpass
import sys

EPILOG = """\
examples:
  movenet users add ana --role admin                  # asks for the password twice
  movenet users add physio1 --role therapist
  movenet users add p17 --role patient --patient P17
  echo "$PASSWORD" | movenet users add ha --role viewer --password-stdin
  movenet users token ha --label home-assistant       # prints a new API token once
  movenet users list

Passwords are kept as scrypt hashes, tokens as SHA-256 digests: neither can be shown again.
Roles: admin (everything), therapist, patient (their own data, --patient ID), viewer (read-only).
"""


def add_parser(sub) -> None:
    from movenet.accounts.principal import ROLES

    p = sub.add_parser("users", help="accounts for the web pages (login from other machines)", description=__doc__,
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", metavar="URL", help="database (default: movenet.db in the data directory, $MOVENET_DATA_DIR)")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--patient", metavar="ID", help="patient accounts: the patient id they may see")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--no-password", action="store_true", help="tokens only (scripts, Home Assistant)")
    passwd = actions.add_parser("passwd", help="set a new password (logs the account out everywhere)")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    token = actions.add_parser("token", help="issue an API token (printed once)")
    token.add_argument("name")
    token.add_argument("--label", default="token")
    revoke = actions.add_parser("revoke", help="revoke every API token of an account")
    revoke.add_argument("name")
    remove = actions.add_parser("remove", help="delete an account")
    remove.add_argument("name")
    actions.add_parser("list", help="list the accounts")
    p.set_defaults(func=run)


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        from movenet.accounts import AccountError

        raise AccountError("the passwords differ")
    return first


def run(args: argparse.Namespace) -> int:
    from movenet.accounts import AccountStore
    from movenet.storage import Database

    database = Database(args.db)
    database.upgrade()
    store = AccountStore(database)
    if args.action == "add":
        password = None if args.no_password else _password(args)
        store.create(args.name, role=args.role, password=password, patient_id=args.patient)
        print(f"account {args.name} ({args.role}) created in {database.safe_url}", file=sys.stderr)
    elif args.action == "passwd":
        store.set_password(args.name, _password(args))
        print(f"password of {args.name} changed; its sessions are logged out", file=sys.stderr)
    elif args.action == "token":
        print(store.issue_token(args.name, args.label))
        print("keep it now: it is stored hashed and cannot be shown again", file=sys.stderr)
    elif args.action == "revoke":
        print(f"{store.revoke_tokens(args.name)} token(s) of {args.name} revoked", file=sys.stderr)
    elif args.action == "remove":
        store.remove(args.name)
        print(f"account {args.name} removed", file=sys.stderr)
    else:
        for a in store.list():
            extra = f" patient {a['patient_id']}" if a["patient_id"] else ""
            print(f"{a['name']:<20} {a['role']:<10}{extra}  password: {'yes' if a['password'] else 'no'}  tokens: {a['tokens']}"
                  + ("  (disabled)" if a["disabled"] else ""))
    return 0
