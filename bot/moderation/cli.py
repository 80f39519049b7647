"""`python -m bot moderators add NAME --role moderator|admin` and
`python -m bot export-corrections [--out FILE]`, on the database of DB_URL."""
from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path

from bot.database import database_url
from bot.moderation import accounts, audit
from bot.moderation.db import open_database


def read_password() -> str:
    """Asked twice on a terminal; one line from stdin when scripted (tests, provisioning)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise accounts.AccountError("the passwords differ")
    return first


def add_moderator(args: argparse.Namespace) -> int:
    engine = open_database(args.db_url)
    try:
        made = accounts.create(engine, args.name, args.role, read_password(), time.time())
    except accounts.AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    audit.record_system(engine, "cli", "create account", made.name, made.role)
    print(f"Account {made.name} ({made.role}) created.")
    return 0


def export_corrections(args: argparse.Namespace) -> int:
    # Imported here: it loads the redactor (spaCy, word lists), which `python -m bot run` and
    # `moderators add` do not need.
    from bot.moderation import corrections

    text = corrections.export_yaml(open_database(args.db_url), actor=audit.SYSTEM_PREFIX + "cli")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"Corrections written to {args.out}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    moderators = commands.add_parser("moderators", help="dashboard accounts")
    moderators.add_argument("--db-url", default=database_url(), help="default: DB_URL or var/tracker.db")
    actions = moderators.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create an account (the password is asked for)")
    add.add_argument("name")
    add.add_argument("--role", choices=accounts.ROLES, default="moderator")
    add.set_defaults(handler=add_moderator)
    export = commands.add_parser(
        "export-corrections", help="the dashboard's intent corrections as Rasa NLU YAML")
    export.add_argument("--out", type=Path, help="write here instead of stdout")
    export.add_argument("--db-url", default=database_url(), help="default: DB_URL or var/tracker.db")
    export.set_defaults(handler=export_corrections)
