"""The chat widget's files and the demo page that embeds it with one script tag.

The widget itself is static (static/widget.js, static/widget.css); the socket.io client comes
from node_modules (pinned in package.json, installed by `make setup`), never from a CDN.
"""
from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Dict

import pytz
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.web.config import WebConfig

HERE = Path(__file__).resolve().parent
SOCKET_IO_CLIENT = Path("socket.io-client") / "dist" / "socket.io.min.js"


@lru_cache(maxsize=1)
def timezone_countries() -> str:
    """IANA time zone -> ISO country, the widget's second clue to where a child is (a hint only)."""
    zones: Dict[str, str] = {}
    for country, country_zones in pytz.country_timezones.items():
        for zone in country_zones:
            zones.setdefault(zone, country.upper())
    return json.dumps(zones, separators=(",", ":"), sort_keys=True)


def rasa_url(config: WebConfig, request: Request) -> str:
    if config.rasa_public_url:
        return config.rasa_public_url
    return f"{request.scheme}://{request.host.split(':')[0]}:{config.rasa_port}"


def demo_page(config: WebConfig, request: Request) -> str:
    values = {
        "server": rasa_url(config, request),
        "exit_url": config.exit_url,
        "retention_days": str(config.retention_days),
    }
    template = Template((HERE / "templates" / "demo.html").read_text(encoding="utf-8"))
    return template.substitute({key: html.escape(value) for key, value in values.items()})


def widget_blueprint(config: WebConfig) -> Blueprint:
    client = config.node_modules / SOCKET_IO_CLIENT
    if not client.is_file():
        # Without it the widget would say "Connecting..." for ever; fail at start instead.
        raise FileNotFoundError(f"{client} is missing: run `make setup` (npm ci)")
    blueprint = Blueprint("widget")
    blueprint.static("/widget", str(HERE / "static"), name="widget_files")
    blueprint.static("/widget/socket.io.min.js", str(client), name="socket_io_client")

    @blueprint.get("/")
    async def demo(request: Request) -> HTTPResponse:
        return response.html(demo_page(config, request))

    @blueprint.get("/widget/tz-countries.json")
    async def tz_countries(_: Request) -> HTTPResponse:
        return response.text(timezone_countries(), content_type="application/json",
                             headers={"Cache-Control": "public, max-age=86400"})

    return blueprint
