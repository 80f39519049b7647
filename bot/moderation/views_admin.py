"""Admins only: moderator accounts and the audit log."""
from __future__ import annotations

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.moderation import accounts, audit, sessions
from bot.moderation.accounts import AccountError, Moderator
from bot.moderation.dashboard import PREFIX, Dashboard, back_to, form_value

ACCOUNTS = f"{PREFIX}/admin/moderators"


def admin_blueprint(dashboard: Dashboard) -> Blueprint:
    blueprint = Blueprint("moderation_admin", url_prefix=f"{PREFIX}/admin")
    engine = dashboard.engine

    @blueprint.get("/moderators")
    @dashboard.page(admin=True)
    async def listing(request: Request, me: Moderator) -> HTTPResponse:
        dashboard.record(me.name, "view accounts")
        return dashboard.render(request, "moderators.html", moderator=me,
                                rows=accounts.listing(engine), roles=accounts.ROLES,
                                now=dashboard.now())

    @blueprint.post("/moderators")
    @dashboard.page(admin=True)
    async def create(request: Request, me: Moderator) -> HTTPResponse:
        try:
            made = accounts.create(engine, form_value(request, "name"), form_value(request, "role"),
                                   form_value(request, "password"), dashboard.now())
        except AccountError as error:
            return dashboard.refuse(request, 400, str(error), me)
        dashboard.record(me.name, "create account", made.name, made.role)
        return back_to(ACCOUNTS)

    @blueprint.post("/moderators/<moderator_id:int>")
    @dashboard.page(admin=True)
    async def change(request: Request, me: Moderator, moderator_id: int) -> HTTPResponse:
        action = form_value(request, "action")
        changes = {"role": {"role": form_value(request, "role")},
                   "deactivate": {"active": False},
                   "activate": {"active": True},
                   "unlock": {"failed_logins": 0, "locked_until": None}}.get(action)
        if changes is None:
            return dashboard.refuse(request, 400, "Unknown change.", me)
        if moderator_id == me.id and action in ("role", "deactivate"):
            return dashboard.refuse(request, 400, "Ask another admin to change your own account.",
                                    me)
        try:
            found = accounts.update(engine, moderator_id, **changes)
        except AccountError as error:
            return dashboard.refuse(request, 400, str(error), me)
        if not found:
            return dashboard.refuse(request, 404, "There is no such account.", me)
        if action in ("role", "deactivate"):
            sessions.end_all(engine, moderator_id)
        dashboard.record(me.name, f"account {action}", str(moderator_id), changes.get("role"))
        return back_to(ACCOUNTS)

    @blueprint.get("/audit")
    @dashboard.page(admin=True)
    async def audit_log(request: Request, me: Moderator) -> HTTPResponse:
        try:
            number = max(1, int(request.args.get("page", "1")))
        except ValueError:
            number = 1
        dashboard.record(me.name, "view audit log", None, f"page {number}")
        return dashboard.render(request, "audit.html", moderator=me,
                                rows=audit.latest(engine, number), number=number)

    return blueprint
