"""Command-line verbs of the coordinator workspace: accounts, import, export, backup, restore.

Registered on ``python -m afus`` by :func:`add_commands`. Messages are in
English: the command line is the operator's tool.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from afus import auth, db, schema

ENV_PASSWORD = "AFUS_PASSWORD"
CLI_LANG = "en"


def _engine(args: argparse.Namespace):  # noqa: ANN202
    engine = db.get_engine(args.database_url)
    schema.upgrade(engine)  # a store made before the accounts tables existed gets them here
    return engine


def _operator() -> auth.Operator:
    who = os.environ.get("USER") or os.environ.get("USERNAME") or "operator"
    return auth.Operator(name=f"{who} (command line)")


def _fail(message: str, code: int = 1) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def read_password(prompt: str = "Password: ") -> str | None:
    """The new password from ``AFUS_PASSWORD``, else a hidden prompt typed twice; None if they differ."""
    value = os.environ.get(ENV_PASSWORD)
    if value:
        return value
    first = getpass.getpass(prompt)
    second = getpass.getpass("Repeat the password: ")
    return first if first == second else None


def cmd_user_add(args: argparse.Namespace) -> int:
    """Create an account."""
    password = read_password()
    if password is None:
        return _fail("the two passwords differ; nothing was changed")
    try:
        info = auth.add_user(_engine(args), args.name, args.role, password, by=_operator())
    except auth.AuthError as exc:
        return _fail(exc.message(CLI_LANG))
    print(f"added {info.name} ({info.role})")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    """List accounts (never their passwords)."""
    for info in auth.list_users(_engine(args)):
        state = "disabled" if info.disabled else "active"
        print(f"{info.name}\t{info.role}\t{state}\t{info.created_at:%Y-%m-%d}")
    return 0


def _set_disabled(args: argparse.Namespace, disabled: bool) -> int:
    try:
        info = auth.set_disabled(_engine(args), args.name, disabled, by=_operator())
    except auth.AuthError as exc:
        return _fail(exc.message(CLI_LANG))
    print(f"{info.name} is now {'disabled' if info.disabled else 'active'}")
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    """Disable an account; its open sessions end at their next action."""
    return _set_disabled(args, True)


def cmd_user_enable(args: argparse.Namespace) -> int:
    """Re-enable a disabled account."""
    return _set_disabled(args, False)


def cmd_user_set_password(args: argparse.Namespace) -> int:
    """Give an account a new password; its open sessions end at their next action."""
    password = read_password("New password: ")
    if password is None:
        return _fail("the two passwords differ; nothing was changed")
    try:
        info = auth.set_password(_engine(args), args.name, password, by=_operator())
    except auth.AuthError as exc:
        return _fail(exc.message(CLI_LANG))
    print(f"password of {info.name} changed")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register the workspace verbs on the ``python -m afus`` parser."""
    user = sub.add_parser("user", help="manage coordinator and admin accounts")
    verbs = user.add_subparsers(dest="user_command", required=True, metavar="VERB")
    p = verbs.add_parser("add", help=f"add an account (password from ${ENV_PASSWORD} or a hidden prompt)")
    p.add_argument("name")
    p.add_argument("--role", choices=("coordinator", "admin"), default="coordinator")
    p.set_defaults(func=cmd_user_add)
    p = verbs.add_parser("list", help="list accounts, their roles and whether they are active")
    p.set_defaults(func=cmd_user_list)
    p = verbs.add_parser("disable", help="disable an account and end its open sessions")
    p.add_argument("name")
    p.set_defaults(func=cmd_user_disable)
    p = verbs.add_parser("enable", help="re-enable a disabled account")
    p.add_argument("name")
    p.set_defaults(func=cmd_user_enable)
    p = verbs.add_parser("set-password", help=f"set a new password (from ${ENV_PASSWORD} or a hidden prompt)")
    p.add_argument("name")
    p.set_defaults(func=cmd_user_set_password)
