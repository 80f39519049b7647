"""`python -m bot.web`: the web app on its own (bot/services.py starts it with the assistant)."""
from __future__ import annotations

import argparse
from typing import List, Optional

from bot.logs import configure as configure_logs
from bot.web.app import create_app
from bot.web.config import WebConfig


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.web", description=__doc__)
    parser.add_argument("--port", type=int, default=WebConfig.port)
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--rasa-port", type=int, default=WebConfig.rasa_port)
    parser.add_argument("--workers", type=int, default=1,
                        help="Sanic worker processes (the app keeps no state between requests)")
    parser.add_argument("--rasa-public-url", default=None,
                        help="the Rasa server as browsers reach it (default: this host, --rasa-port)")
    args = parser.parse_args(argv)
    config = WebConfig(port=args.port, rasa_port=args.rasa_port,
                       rasa_public_url=args.rasa_public_url)
    app = create_app(config)
    configure_logs()  # after Sanic has installed its own console handlers, to replace them
    app.run(host=args.host, port=args.port, workers=args.workers,
                           access_log=False, motd=False)


if __name__ == "__main__":
    main()
