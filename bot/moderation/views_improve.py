"""Intent corrections (the list, removing one, the YAML download) and the stats page."""
from __future__ import annotations

import datetime as dt

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.moderation import charts, corrections, stats
from bot.moderation.accounts import Moderator
from bot.moderation.dashboard import HEADERS, PREFIX, Dashboard, back_to

EXPORT_NAME = "nlu-corrections.yml"


def improve_blueprint(dashboard: Dashboard) -> Blueprint:
    blueprint = Blueprint("moderation_improve", url_prefix=PREFIX)
    engine = dashboard.engine

    @blueprint.get("/corrections")
    @dashboard.page()
    async def listing(request: Request, me: Moderator) -> HTTPResponse:
        dashboard.record(me.name, "view corrections")
        return dashboard.render(request, "corrections.html", moderator=me,
                                rows=corrections.listing(engine))

    @blueprint.post("/corrections/<correction_id:int>/delete")
    @dashboard.page()
    async def delete(request: Request, me: Moderator, correction_id: int) -> HTTPResponse:
        corrections.delete(engine, me, correction_id, dashboard.now())
        return back_to(f"{PREFIX}/corrections")

    @blueprint.get("/corrections/export")
    @dashboard.page()
    async def export(request: Request, me: Moderator) -> HTTPResponse:
        return response.text(
            corrections.export_yaml(engine, actor=me.name), content_type="application/x-yaml",
            headers={**HEADERS,
                     "Content-Disposition": f'attachment; filename="{EXPORT_NAME}"'})

    @blueprint.get("/stats")
    @dashboard.page()
    async def show_stats(request: Request, me: Moderator) -> HTTPResponse:
        await dashboard.refresh_index()
        numbers = stats.compute(engine, dt.datetime.fromtimestamp(dashboard.now(),
                                                                  dt.timezone.utc).date())
        dashboard.record(me.name, "view stats")
        return dashboard.render(
            request, "stats.html", moderator=me, stats=numbers,
            per_day=charts.bars(numbers.per_day, label_every=5),
            per_channel=charts.bars(numbers.per_channel),
            topics=charts.bars(numbers.top_topics))

    return blueprint
