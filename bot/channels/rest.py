"""The REST channel (`POST /webhooks/rest/webhook {"sender": ..., "message": ...}`), strict.

Rasa's built-in channel answers 200 with an empty list when a turn fails (a lost lock, a
database outage) and 500 for an empty body, and it handles a megabyte of text like any other
message. Clients (our load balancer's health checks, the soak test, integrations) cannot tell
"no answer" from "not stored". This subclass keeps the route and the reply format and:

- refuses what is not a message with 4xx: a body over MAX_BODY_BYTES or a message over
  MAX_MESSAGE_CHARS (413), a body that is not a JSON object, a missing or empty sender or
  message, metadata that is not an object (400);
- answers 503 with a "try again" error when the turn could not be processed or stored, so an
  answered message is always a stored one;
- never answers with nothing: when a turn produced no message (a custom action failed, e.g. the
  action server is down) the person gets an apology and the universal helpline referral;
- logs failures without the message text (children's data).
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.fallback import (NO_ANSWER, TRY_AGAIN, fallback_texts, helpline_referral_text,
                                   stored_turn)
from bot.channels.messaging import json_object

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
# Longer than any real chat message; the NLU pipeline's cost grows with the text.
MAX_MESSAGE_CHARS = 5000


def safe_fallback(sender: str) -> List[Dict[str, str]]:
    return [{"recipient_id": sender, "text": text} for text in fallback_texts(NO_ANSWER)]


def problem(status: int, error: str) -> HTTPResponse:
    return response.json({"error": error}, status=status)


def message_problem(body: Optional[Dict[str, Any]]) -> Optional[HTTPResponse]:
    """Why a decoded body is not a message (400/413), or None when it is one."""
    if body is None:
        return problem(400, "the body must be a JSON object")
    sender, text = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip():
        return problem(400, "'sender' must be a non-empty string")
    if not isinstance(text, str) or not text.strip():
        return problem(400, "'message' must be a non-empty string")
    if len(text) > MAX_MESSAGE_CHARS:
        return problem(413, f"'message' is longer than {MAX_MESSAGE_CHARS} characters")
    if not isinstance(body.get("metadata", {}), dict):
        return problem(400, "'metadata' must be an object")
    return None


class RestInput(RasaRestInput):
    """Rasa's REST channel with bad requests refused and failed turns reported (see above)."""

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Blueprint:
        blueprint = Blueprint("strict_rest_webhook", __name__)
        helpline_referral_text()  # read now, not in the first turn that needs it

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body) > MAX_BODY_BYTES:
                return problem(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
            body = json_object(request.body)
            refused = message_problem(body)
            if refused is not None:
                return refused
            collector = CollectingOutputChannel()
            if not await stored_turn(on_new_message, UserMessage(
                    body["message"], collector, body["sender"],
                    input_channel=self.name(), metadata=body.get("metadata"))):
                return problem(503, TRY_AGAIN)
            if not collector.messages:
                logger.warning("rest: a turn produced no answer; sent the safe fallback")
                return response.json(safe_fallback(body["sender"]))
            return response.json(collector.messages)

        return blueprint
