"""Command line: ``python -m afus <command>`` for set-up and operations."""

from __future__ import annotations

import argparse
import sys

from afus import db, schema, seed


def cmd_init(args: argparse.Namespace) -> int:
    """Create or upgrade the schema, then seed an empty store."""
    engine = db.get_engine(args.database_url)
    schema.upgrade(engine)
    seeded = seed.seed(engine)
    print(f"schema at revision {schema.current_revision(engine)}; " + ("seeded" if seeded else "already seeded, nothing changed"))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the dashboard (extra options go to Streamlit)."""
    import os

    from afus.ui import serve

    if args.database_url:
        os.environ[db.ENV_URL] = args.database_url
    return serve(args.streamlit_args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m afus",
        description="AFUS dashboard: set-up and operations.",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL of the store (default: $AFUS_DATABASE_URL or data/afus.db)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("init", help="create or upgrade the schema and seed an empty store")
    p.set_defaults(func=cmd_init)
    p = sub.add_parser(
        "serve",
        help="serve the dashboard (options after it go to Streamlit, e.g. --server.port 8502)",
    )
    p.set_defaults(func=cmd_serve, streamlit_args=[])
    from afus.cli_workspace import add_commands as add_workspace_commands

    add_workspace_commands(sub)
    return parser


def database_url_first(argv: list[str]) -> list[str]:
    """``argv`` with ``--database-url URL`` moved before the command, wherever it was written.

    ``python -m afus backup PATH --database-url URL`` then works as the
    README's "all commands take --database-url" suggests (argparse only reads
    it before the command).
    """
    rest, moved = [], []
    items = iter(argv)
    for item in items:
        if item == "--database-url":
            moved += [item, next(items, "")]
        elif item.startswith("--database-url="):
            moved.append(item)
        else:
            rest.append(item)
    return [*moved, *rest]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(database_url_first(sys.argv[1:] if argv is None else argv))
    if extra:
        if args.command != "serve":
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.streamlit_args = extra
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
