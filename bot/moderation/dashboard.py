"""What every dashboard page shares: the database, the templates and the access checks.

A handler decorated with `page()` runs only for a signed-in moderator (admins only with
`admin=True`); a POST also needs the session's CSRF token. Anything else gets the login page
(GET) or 403 (POST), before the handler's code runs.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from functools import wraps
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

from jinja2 import Environment, FileSystemLoader
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.moderation import audit, flags, indexer, sessions
from bot.moderation.accounts import Moderator
from bot.moderation.config import ModerationConfig
from bot.moderation.db import open_database
from bot.privacy.redaction import default_redactor

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
PREFIX = sessions.PATH
HEADERS = {
    # No script, no inline style, nothing from elsewhere: the pages are server-rendered HTML.
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}

# A page waits this long for the index and folds in at most this many events itself.
PAGE_INDEX_WAIT = 20.0
PAGE_INDEX_BUDGET = 20_000
INDEX_INTERVAL = 3.0

Handler = Callable[..., Awaitable[HTTPResponse]]


def when(timestamp: Optional[float]) -> str:
    if timestamp is None:
        return ""
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


class Dashboard:
    """The database and templates of one dashboard, shared by its blueprints."""

    def __init__(self, config: ModerationConfig, engine: Optional[Engine] = None) -> None:
        self.config = config
        self.engine = engine or open_database(config.db_url)
        # Builds the redactor now (its word lists take seconds to load), not inside the first
        # indexing run, where a page would wait on it.
        default_redactor()
        self.templates = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                                     autoescape=True, trim_blocks=True, lstrip_blocks=True)
        self.templates.filters["when"] = when
        self.templates.globals.update(prefix=PREFIX, flag_labels=flags.FLAG_LABELS)
        self.stopping = threading.Event()
        self.indexing: Optional[asyncio.Task] = None

    def now(self) -> float:
        return self.config.clock()

    def record(self, actor: str, action: str, target: Optional[str] = None,
               detail: Optional[str] = None) -> None:
        """One audit log entry, now."""
        with self.engine.begin() as connection:
            audit.record(connection, actor, action, target, detail, self.now())

    async def refresh_index(self) -> int:
        """Folds new events into the summaries before a page reads them, off the event loop
        (the same server serves the children's widget) and within a budget; returns how many
        events are still waiting (the background indexer takes them)."""
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: indexer.refresh(self.engine, wait=PAGE_INDEX_WAIT,
                                          max_events=PAGE_INDEX_BUDGET))
        return indexer.backlog(self.engine)

    async def keep_indexed(self) -> None:
        """Runs while the server does: indexes new events every few seconds."""
        loop = asyncio.get_running_loop()
        while not self.stopping.is_set():
            try:
                await loop.run_in_executor(None, lambda: indexer.refresh(self.engine,
                                                                        stop=self.stopping))
            except SQLAlchemyError:
                # A busy or briefly unreachable database; the batch rolled back, try again.
                logger.warning("moderation: indexing new events failed", exc_info=True)
            await asyncio.sleep(INDEX_INTERVAL)

    def render(self, request: Request, template: str, status: int = 200,
               moderator: Optional[Moderator] = None, **values: Any) -> HTTPResponse:
        html = self.templates.get_template(template).render(
            me=moderator, csrf=sessions.csrf_token(request, self.config), **values)
        return response.html(html, status=status, headers=HEADERS)

    def refuse(self, request: Request, status: int, message: str,
               moderator: Optional[Moderator] = None) -> HTTPResponse:
        return self.render(request, "error.html", status=status, moderator=moderator,
                           message=message)

    def page(self, admin: bool = False) -> Callable[[Handler], Handler]:
        """Lets a handler run only for a signed-in moderator (or admin) with a valid form token."""
        def decorate(handler: Handler) -> Handler:
            @wraps(handler)
            async def checked(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
                moderator = sessions.current(self.engine, self.config, request)
                if moderator is None:
                    if request.method == "GET":
                        return response.redirect(f"{PREFIX}/login", headers=HEADERS)
                    return self.refuse(request, 403, "Please sign in again.")
                if request.method == "POST" and not sessions.csrf_valid(request, self.config):
                    return self.refuse(request, 403, "This form has expired. Go back, reload "
                                                     "the page and try again.", moderator)
                if admin and not moderator.is_admin:
                    return self.refuse(request, 403, "Only an admin can do this.", moderator)
                return await handler(request, moderator, *args, **kwargs)
            return checked
        return decorate


def back_to(location: str) -> HTTPResponse:
    """After a change: a redirect, so a reload does not post the form again."""
    return response.redirect(location, status=303, headers=HEADERS)


def form_value(request: Request, name: str) -> str:
    return ((request.form.get(name) if request.form else None) or "").strip()
