"""Command line of the assistant: `python -m bot run | purge | erase`, and the dashboard's
commands (`moderators add`, `export-corrections`, see bot/moderation/cli.py).

`run` is what `make run` calls after set-up and training: it starts the servers (actions, Rasa,
web app, the daily purge) and keeps them up until Ctrl-C (or SIGTERM), then stops them cleanly.
`purge` and `erase` delete stored conversations (bot/privacy/retention.py) in the database of
DB_URL (else var/tracker.db) and print what they deleted as JSON; `erase --whatsapp NUMBER`
finds a WhatsApp conversation by the person's number.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import secrets
import signal
import sys
import threading
from pathlib import Path
from typing import List, Optional

import sqlalchemy.exc
from sqlalchemy.engine import Engine

from bot import logs
from bot.channels.whatsapp import whatsapp_pseudonyms
from bot.privacy import retention
from bot.moderation.cli import add_commands as add_moderation_commands
from bot.moderation.db import migrate
from bot.moderation.retention import REVIEW_DATA, record_deletion
from bot.secret_files import MissingSecret, env_or_file_secret
from bot.services import ROOT, Assistant, AssistantConfig

logger = logging.getLogger(__name__)

TOKEN_ENV = "RASA_AUTH_TOKEN"
TOKEN_FILE = ROOT / "var" / "rasa-auth-token"


def auth_token() -> str:
    """The token that protects Rasa's HTTP API (RASA_AUTH_TOKEN, else var/rasa-auth-token), so
    the API is never left open."""
    return env_or_file_secret(TOKEN_ENV, TOKEN_FILE, lambda: secrets.token_urlsafe(32))


def run(args: argparse.Namespace) -> int:
    config = AssistantConfig(
        model=args.model,
        endpoints=args.endpoints,
        rasa_port=args.port,
        action_port=args.action_port,
        web_port=args.web_port,
        web_workers=args.web_workers,
        auth_token=auth_token(),
    )
    if not config.model.exists():
        print(f"error: no trained model at {config.model}; run `make train` first", file=sys.stderr)
        return 1
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    assistant = Assistant(config)
    try:
        assistant.start()
    except (RuntimeError, TimeoutError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    token_origin = TOKEN_ENV if os.environ.get(TOKEN_ENV) else str(TOKEN_FILE.relative_to(ROOT))
    print(
        f"\nThe assistant is up.\n"
        f"  REST:    curl -s localhost:{args.port}/webhooks/rest/webhook "
        f"-d '{{\"sender\":\"me\",\"message\":\"hi\"}}'\n"
        f"  socket.io on port {args.port}; HTTP API token from {token_origin}\n"
        f"  Chat widget demo: http://localhost:{args.web_port}/\n"
        f"  Moderator dashboard: http://localhost:{args.web_port}/moderation "
        f"(accounts: python -m bot moderators add NAME --role admin)\n"
        f"Press Ctrl-C to stop.",
        flush=True,
    )
    crashed: Optional[str] = None
    while not stop.wait(1.0):
        crashed = assistant.first_exit()
        if crashed:
            print(f"error: {crashed} stopped unexpectedly; stopping the assistant", file=sys.stderr)
            break
    assistant.stop()
    print("The assistant has stopped.")
    return 1 if crashed else 0


DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
PURGE_RETRY_SECONDS = 300


def duration(text: str) -> float:
    """Seconds in "30d", "12h", "15m" or "45s" (argparse type)."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd])", text.strip())
    if not match or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 30d, 12h, 15m or 45s")
    return float(match.group(1)) * DURATION_UNITS[match.group(2)]


# Every store the privacy commands delete from: Rasa's events and the dashboard's review data.
STORES = (*retention.DATA_STORES, REVIEW_DATA)


def privacy_database() -> Engine:
    """The conversation database with the dashboard's tables in place, so a purge or an erasure
    can delete review data and write its audit entry even before the dashboard first started."""
    engine = retention.engine()
    migrate(engine)
    return engine


def purge(args: argparse.Namespace) -> int:
    """Deletes stored data older than --older-than (default PURGE_AFTER_DAYS, 30 days): once, or
    with --every, now and then at that interval until stopped (the daily purge of `run`)."""
    try:
        older_than = args.older_than or retention.purge_after_days() * DURATION_UNITS["d"]
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    while True:
        try:
            deleted = retention.purge(older_than, STORES, privacy_database(),
                                      audit=record_deletion)
        except sqlalchemy.exc.SQLAlchemyError as error:
            if args.every is None:
                raise
            # The loop outlives a database outage (it would stop `bot run`); it tries again soon.
            retry = min(args.every, PURGE_RETRY_SECONDS)
            logger.error("purge failed (%s); trying again in %.0f s", type(error).__name__, retry)
            if stop.wait(retry):
                return 0
            continue
        print(json.dumps({"purged": deleted, "older_than_seconds": older_than}), flush=True)
        if args.every is None or stop.wait(args.every):
            return 0


def whatsapp_number(text: str) -> str:
    """'+44 7700 900123' -> '447700900123': a number as WhatsApp gives it as the sender (argparse
    type). The error does not repeat the number: it is personal data."""
    digits = re.sub(r"[\s().-]", "", text).removeprefix("+")
    if not re.fullmatch(r"[1-9][0-9]{6,14}", digits):
        raise argparse.ArgumentTypeError(
            "give the number in international format, with its country code (+44 7700 900123)")
    return digits


def erase(args: argparse.Namespace) -> int:
    """Deletes everything stored about one conversation (a right-to-erasure request), named by
    its sender id or, on WhatsApp, by the person's number: moderators see only its pseudonym,
    which is what is stored, audited and printed."""
    sender_id = args.sender_id
    if args.whatsapp:
        try:
            sender_id = whatsapp_pseudonyms(create=False).of(args.whatsapp)
        except (MissingSecret, ValueError) as error:  # no key here, or a malformed one
            print(f"error: {error}", file=sys.stderr)
            return 2
    deleted = retention.erase(sender_id, STORES, privacy_database(), audit=record_deletion)
    print(json.dumps({"erased": deleted, "sender_id": sender_id}), flush=True)
    return 0


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = main_parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser(
        "run", help="start the action server, the Rasa server and the web app")
    run_parser.add_argument("--model", type=Path, default=AssistantConfig.model)
    run_parser.add_argument("--endpoints", type=Path, default=AssistantConfig.endpoints)
    run_parser.add_argument("--port", type=int, default=AssistantConfig.rasa_port)
    run_parser.add_argument("--action-port", type=int, default=AssistantConfig.action_port)
    run_parser.add_argument("--web-port", type=int, default=AssistantConfig.web_port)
    run_parser.add_argument("--web-workers", type=int,
                            default=int(os.environ.get("WEB_WORKERS", AssistantConfig.web_workers)),
                            help="Sanic worker processes of the web app (env WEB_WORKERS)")
    run_parser.set_defaults(handler=run)
    purge_parser = commands.add_parser(
        "purge", help="delete conversations older than --older-than (default PURGE_AFTER_DAYS, 30)")
    purge_parser.add_argument("--older-than", type=duration, default=None, metavar="AGE",
                              help="e.g. 30d, 12h (default: PURGE_AFTER_DAYS days)")
    purge_parser.add_argument("--every", type=duration, default=None, metavar="INTERVAL",
                              help="keep running and purge again every INTERVAL (e.g. 24h)")
    purge_parser.set_defaults(handler=purge)
    erase_parser = commands.add_parser("erase", help="delete one person's conversation")
    whose = erase_parser.add_mutually_exclusive_group(required=True)
    whose.add_argument("sender_id", nargs="?", help="the conversation's sender id")
    whose.add_argument("--whatsapp", type=whatsapp_number, metavar="NUMBER",
                       help="the WhatsApp number of the person, e.g. +44 7700 900123 "
                            "(needs the SENDER_ID_KEY of the Rasa servers)")
    erase_parser.set_defaults(handler=erase)
    add_moderation_commands(commands)
    return main_parser


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    logs.configure()
    return args.handler(args)
