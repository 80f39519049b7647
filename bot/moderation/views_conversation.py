"""One conversation: the masked transcript and the review actions on it."""
from __future__ import annotations

from typing import Callable
from urllib.parse import quote

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.moderation import corrections, review
from bot.moderation.accounts import Moderator
from bot.moderation.dashboard import PREFIX, Dashboard, back_to, form_value
from bot.moderation.review import ReviewError


def conversation_url(sender_id: str) -> str:
    return f"{PREFIX}/conversation?sender={quote(sender_id, safe='')}"


def conversation_blueprint(dashboard: Dashboard) -> Blueprint:
    blueprint = Blueprint("moderation_conversation", url_prefix=PREFIX)
    engine = dashboard.engine

    @blueprint.get("/conversation")
    @dashboard.page()
    async def show(request: Request, me: Moderator) -> HTTPResponse:
        sender_id = request.args.get("sender", "")
        await dashboard.refresh_index()
        summary = review.summary(engine, sender_id)
        if summary is None:
            return dashboard.refuse(request, 404, "There is no such conversation.", me)
        dashboard.record(me.name, "view conversation", sender_id)
        return dashboard.render(
            request, "conversation.html", moderator=me, summary=summary,
            turns=review.transcript(engine, sender_id), review=review.state(engine, sender_id),
            statuses=review.STATUSES, intents=corrections.known_intents(),
            self_url=conversation_url(sender_id))

    def change(path: str, apply: Callable[[Request, Moderator, str], None]) -> None:
        """A POST route that changes the review of the conversation named in the form."""
        @dashboard.page()
        async def handler(request: Request, me: Moderator) -> HTTPResponse:
            sender_id = form_value(request, "sender")
            if review.summary(engine, sender_id) is None:
                return dashboard.refuse(request, 404, "There is no such conversation.", me)
            try:
                apply(request, me, sender_id)
            except ReviewError as error:
                return dashboard.refuse(request, 400, str(error), me)
            return back_to(conversation_url(sender_id))

        blueprint.add_route(handler, f"/conversation/{path}", methods=["POST"],
                            name=f"conversation_{path}")

    now = dashboard.now
    change("assign", lambda r, me, s: review.assign_to(engine, me, s, now()))
    change("status", lambda r, me, s: review.set_status(engine, me, s, form_value(r, "status"),
                                                        now()))
    change("tags", lambda r, me, s: review.add_tag(engine, me, s, form_value(r, "tag"), now()))
    change("untag", lambda r, me, s: review.remove_tag(engine, me, s, form_value(r, "tag"),
                                                       now()))
    change("notes", lambda r, me, s: review.add_note(engine, me, s, form_value(r, "note"), now()))
    change("escalate", lambda r, me, s: review.set_status(engine, me, s, "escalated", now()))
    change("correct", lambda r, me, s: corrections.correct(
        engine, me, s, _event_id(form_value(r, "event")), form_value(r, "intent"), now()))
    return blueprint


def _event_id(value: str) -> int:
    if not value.isdigit():
        raise ReviewError("no such message in this conversation")
    return int(value)
