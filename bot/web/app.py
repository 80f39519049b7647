"""The app factory: one Sanic app, one blueprint per job."""
from __future__ import annotations

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.moderation.dashboard import Dashboard
from bot.moderation.web import dashboard_blueprints
from bot.web.config import WebConfig
from bot.web.widget import widget_blueprint


def moderation_blueprints(config: WebConfig):
    """The moderator dashboard under /moderation, on the conversation database."""
    return dashboard_blueprints(Dashboard(config.moderation))


BLUEPRINTS = (widget_blueprint, moderation_blueprints)


def create_app(config: WebConfig, name: str = "cop_web") -> Sanic:
    """Builds the app; each entry of BLUEPRINTS is a function of the config returning a blueprint."""
    app = Sanic(name)
    app.ctx.config = config
    for make_blueprint in BLUEPRINTS:
        app.blueprint(make_blueprint(config))

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.on_response
    async def security_headers(_: Request, resp: HTTPResponse) -> None:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        # A neutral site reached through "Quick exit" must not learn which page the child was on.
        resp.headers.setdefault("Referrer-Policy", "no-referrer")

    return app
