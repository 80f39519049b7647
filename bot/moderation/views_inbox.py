"""The inbox (filters, search, pages) and each moderator's saved filters."""
from __future__ import annotations

import sqlalchemy as sa
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.moderation import inbox
from bot.moderation.accounts import Moderator
from bot.moderation.corrections import known_intents
from bot.moderation.dashboard import PREFIX, Dashboard, back_to, form_value
from bot.moderation.schema import saved_filters

MAX_SAVED_NAME = 64


def inbox_blueprint(dashboard: Dashboard) -> Blueprint:
    blueprint = Blueprint("moderation_inbox", url_prefix=PREFIX)
    engine = dashboard.engine

    def parse(values: dict) -> inbox.Filters:
        options = inbox.filter_options(engine, known_intents())
        return inbox.Filters.parse(values, options["channels"], options["topics"])

    @blueprint.get("", strict_slashes=False)
    @dashboard.page()
    async def show(request: Request, me: Moderator) -> HTTPResponse:
        backlog = await dashboard.refresh_index()
        filters = parse({key: request.args.get(key) for key in request.args})
        try:
            number = max(1, min(int(request.args.get("page", "1")), 100_000))
        except ValueError:
            number = 1
        rows, total = inbox.page(engine, filters, number, dashboard.config.page_size)
        dashboard.record(me.name, "view inbox", None, filters.query_string(page=number))
        with engine.connect() as connection:
            saved = connection.execute(sa.select(saved_filters)
                                       .where(saved_filters.c.moderator_id == me.id)
                                       .order_by(saved_filters.c.name)).all()
        pages = max(1, -(-total // dashboard.config.page_size))
        return dashboard.render(
            request, "inbox.html", moderator=me, rows=rows, total=total, number=number,
            pages=pages, filters=filters, saved=saved, statuses=inbox.STATUSES, backlog=backlog,
            options=inbox.filter_options(engine, known_intents()))

    @blueprint.post("/filters")
    @dashboard.page()
    async def save(request: Request, me: Moderator) -> HTTPResponse:
        name = form_value(request, "name")[:MAX_SAVED_NAME]
        # The filter fields come again as hidden inputs, and are validated again.
        query = parse({key: form_value(request, key) for key in inbox.FILTER_FIELDS}).query_string()
        if not name:
            return dashboard.refuse(request, 400, "Give the filter a name.", me)
        with engine.begin() as connection:
            connection.execute(saved_filters.insert().values(moderator_id=me.id, name=name,
                                                             query=query))
        dashboard.record(me.name, "save filter", None, query)
        return back_to(f"{PREFIX}?{query}")

    @blueprint.post("/filters/<filter_id:int>/delete")
    @dashboard.page()
    async def forget(request: Request, me: Moderator, filter_id: int) -> HTTPResponse:
        with engine.begin() as connection:
            connection.execute(saved_filters.delete().where(
                saved_filters.c.id == filter_id, saved_filters.c.moderator_id == me.id))
        return back_to(PREFIX)

    return blueprint
