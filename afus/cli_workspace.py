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
    add_operation_commands(sub)


# --- import, export, backup, restore -------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    """Import a CSV, Excel, zip or JSON file: all rows or none."""
    from afus import imports

    path = Path(args.path)
    if not path.is_file():
        return _fail(f"{path} does not exist")
    if path.stat().st_size > imports.MAX_UPLOAD_BYTES:
        return _fail(imports.ImportRefused("io.error.too_big", size=imports.MAX_UPLOAD_BYTES // 1_000_000).message(CLI_LANG))
    data = path.read_bytes()
    engine = _engine(args)
    try:
        plan = imports.preview(engine, path.name, data) if args.dry_run else imports.apply(engine, _operator(), path.name, data)
    except imports.ImportRefused as exc:
        return _fail(exc.message(CLI_LANG))
    except imports.ImportFailed as exc:
        for error in exc.errors:
            print(error.message(CLI_LANG), file=sys.stderr)
        return _fail(f"{len(exc.errors)} row(s) with problems; nothing was imported")
    for error in plan.errors:
        print(error.message(CLI_LANG), file=sys.stderr)
    verb = "would import" if args.dry_run else "imported"
    print(f"{verb}: {imports.summary(plan, CLI_LANG)}")
    return 1 if plan.errors else 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export everything to a .zip (CSV files), .xlsx or .json file."""
    from afus import exports

    path = Path(args.path)
    writers = {".zip": exports.export_csv_zip, ".xlsx": exports.export_xlsx, ".json": exports.export_json}
    writer = writers.get(path.suffix.lower())
    if writer is None:
        return _fail("the file name must end in .zip (CSV files), .xlsx or .json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(writer(_engine(args)))
    print(f"exported to {path}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the live SQLite store consistently (online backup API)."""
    from afus import backup

    try:
        info = backup.backup(args.database_url or db.database_url(), Path(args.path))
    except backup.BackupError as exc:
        return _fail(str(exc))
    print(f"backed up to {info.path} ({info.size_bytes} bytes, data version {info.data_version})")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the store with a backup (a copy of the current store is kept beside it)."""
    from afus import backup

    url = args.database_url or db.database_url()
    try:
        info = backup.restore(url, Path(args.path), db.get_engine(args.database_url))
    except backup.BackupError as exc:
        return _fail(str(exc))
    if info.safety_copy:
        print(f"the store as it was is kept in {info.safety_copy}")
    print(f"restored {args.path} into {info.path} (data version {info.data_version})")
    return 0


def add_operation_commands(sub: argparse._SubParsersAction) -> None:
    """Register import, export, backup and restore."""
    p = sub.add_parser("import", help="import a CSV, Excel (.xlsx), zip of CSVs or JSON file: every row or none")
    p.add_argument("path")
    p.add_argument("--dry-run", action="store_true", help="only check the file and say what would change")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("export", help="export everything to PATH (.zip of CSV files, .xlsx or .json)")
    p.add_argument("path")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("backup", help="consistent copy of the live SQLite store to PATH (for PostgreSQL use pg_dump)")
    p.add_argument("path")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="replace the SQLite store with the backup at PATH (the current store is kept beside it)")
    p.add_argument("path")
    p.set_defaults(func=cmd_restore)
