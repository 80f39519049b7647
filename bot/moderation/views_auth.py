"""Signing in and out."""
from __future__ import annotations

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.moderation import accounts, sessions
from bot.moderation.accounts import LockedOut
from bot.moderation.dashboard import PREFIX, Dashboard, back_to, form_value, when

LOGIN_FORM_SECONDS = 3600


def auth_blueprint(dashboard: Dashboard) -> Blueprint:
    blueprint = Blueprint("moderation_auth", url_prefix=PREFIX)
    config = dashboard.config

    def login_page(request: Request, status: int = 200, error: str = "") -> HTTPResponse:
        nonce = sessions.login_nonce()
        page = dashboard.render(request, "login.html", status=status, error=error,
                                login_csrf=sessions.login_token(config, nonce))
        sessions.set_cookie(page, request, config, sessions.LOGIN_COOKIE, nonce,
                            LOGIN_FORM_SECONDS)
        return page

    @blueprint.get("/login")
    async def login_form(request: Request) -> HTTPResponse:
        return login_page(request)

    @blueprint.post("/login")
    async def login(request: Request) -> HTTPResponse:
        if not sessions.login_csrf_valid(request, config):
            return login_page(request, 403, "The form expired. Please try again.")
        name = form_value(request, "name")[:64]
        try:
            moderator = accounts.authenticate(dashboard.engine, config, name,
                                              form_value(request, "password"))
        except LockedOut as locked:
            dashboard.record(name or "?", "login refused: locked")
            return login_page(request, 429, "Too many wrong passwords. This account is locked "
                                            f"until {when(locked.until)}.")
        if moderator is None:
            dashboard.record(name or "?", "login failed")
            return login_page(request, 401, "Wrong name or password.")
        dashboard.record(moderator.name, "login")
        done = back_to(PREFIX)
        sessions.set_cookie(done, request, config, sessions.COOKIE,
                            sessions.start(dashboard.engine, config, moderator),
                            int(config.session_seconds))
        sessions.clear_cookie(done, request, config, sessions.LOGIN_COOKIE)
        return done

    @blueprint.post("/logout")
    @dashboard.page()
    async def logout(request: Request, me: accounts.Moderator) -> HTTPResponse:
        sessions.end(dashboard.engine, config, request)
        dashboard.record(me.name, "logout")
        done = back_to(f"{PREFIX}/login")
        sessions.clear_cookie(done, request, config, sessions.COOKIE)
        return done

    return blueprint
