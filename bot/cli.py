"""Command line of the assistant: `python -m bot run`, and the dashboard's commands
(`moderators add`, `export-corrections`, see bot/moderation/cli.py).

`run` is what `make run` calls after set-up and training: it starts the servers (actions, Rasa,
web app) and keeps them up until Ctrl-C (or SIGTERM), then stops them cleanly.
"""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import threading
from pathlib import Path
from typing import List, Optional

from bot.moderation.cli import add_commands as add_moderation_commands
from bot.services import ROOT, Assistant, AssistantConfig

TOKEN_ENV = "RASA_AUTH_TOKEN"
TOKEN_FILE = ROOT / "var" / "rasa-auth-token"


def auth_token() -> str:
    """The token that protects Rasa's HTTP API.

    Taken from RASA_AUTH_TOKEN; when unset, a random token is made once and kept in a file only
    the owner can read, so the API is never left open.
    """
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token:
        return token
    if TOKEN_FILE.exists():
        return TOKEN_FILE.read_text().strip()
    TOKEN_FILE.parent.mkdir(exist_ok=True)
    token = secrets.token_urlsafe(32)
    fd = os.open(TOKEN_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
    return token


def run(args: argparse.Namespace) -> int:
    config = AssistantConfig(
        model=args.model,
        endpoints=args.endpoints,
        rasa_port=args.port,
        action_port=args.action_port,
        web_port=args.web_port,
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
    run_parser.set_defaults(handler=run)
    add_moderation_commands(commands)
    return main_parser


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    return args.handler(args)
