"""The dashboard as blueprints for the web app (bot/web/app.py mounts them under /moderation)."""
from __future__ import annotations

import asyncio
import contextlib

from sanic import Blueprint
from sanic.blueprint_group import BlueprintGroup

from bot.moderation.dashboard import HERE, PREFIX, Dashboard
from bot.moderation.views_admin import admin_blueprint
from bot.moderation.views_auth import auth_blueprint
from bot.moderation.views_conversation import conversation_blueprint
from bot.moderation.views_improve import improve_blueprint
from bot.moderation.views_inbox import inbox_blueprint


def dashboard_blueprints(dashboard: Dashboard) -> BlueprintGroup:
    files = Blueprint("moderation_files")
    # The stylesheet is served from here, never from a CDN.
    files.static(f"{PREFIX}/static", str(HERE / "static"), name="moderation_static")

    @files.after_server_start
    async def start_indexing(_app, _loop) -> None:
        dashboard.stopping.clear()
        dashboard.indexing = asyncio.get_running_loop().create_task(dashboard.keep_indexed())

    @files.before_server_stop
    async def stop_indexing(_app, _loop) -> None:
        # The flag ends the indexing thread after its batch; the task goes with the server.
        dashboard.stopping.set()
        if dashboard.indexing is not None:
            dashboard.indexing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await dashboard.indexing

    return Blueprint.group(
        files, auth_blueprint(dashboard), inbox_blueprint(dashboard),
        conversation_blueprint(dashboard), improve_blueprint(dashboard),
        admin_blueprint(dashboard))
