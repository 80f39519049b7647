"""What the WhatsApp and Telegram channels share: settings from the environment, the webhook
skeleton (channel off, body parsing, handing a message to Rasa) and the output side that sends
JSON to the platform's API and renders the helpline referral as text.
"""
from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
import json
import logging
import os
from typing import Any, Awaitable, Callable, ClassVar, Dict, Mapping, Optional, Sequence, Text

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.buttons import RATING_BUTTONS, RATING_QUESTION, closes_an_answer
from bot.channels.recent import recent_ids
from bot.helplines.rendering import referral_text

logger = logging.getLogger(__name__)

# Sent when someone sends a photo, voice note, sticker...: the assistant reads only text.
UNSUPPORTED_REPLY = (
    "Sorry, I can only read text messages. Please type your question, or tap one of the options."
)
# The text above buttons when the message's own text had to be sent separately.
BUTTONS_BODY = "Choose one:"
# Parents and educators are who use the messaging apps (issue 6); the guideline action also
# falls back to the parent version on these channels, this hint makes it visible in the tracker.
AUDIENCE_HINT = {"audience": "parent"}
API_TIMEOUT = aiohttp.ClientTimeout(total=15)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class ChannelDeliveryError(Exception):
    """The platform's API refused or did not answer a message we sent."""


def settings_from_env(
    channel: str, required: Sequence[str], optional: Mapping[str, str],
    environ: Mapping[str, str] = os.environ,
) -> Optional[Dict[str, str]]:
    """The channel's variables (keyed by variable name), or None when a required one is unset.

    Reading the environment here, rather than `${VAR}` in credentials.yml, lets `make run` start
    with no channel configured: Rasa's YAML expansion fails on an unset variable.
    """
    missing = [name for name in required if not environ.get(name, "").strip()]
    if missing:
        logger.info("%s channel off: set %s to turn it on", channel, ", ".join(missing))
        return None
    values = {name: environ[name].strip() for name in required}
    values.update({name: environ.get(name, "").strip() or default
                   for name, default in optional.items()})
    logger.info("%s channel on", channel)
    return values


def json_object(body: bytes) -> Optional[Dict[str, Any]]:
    """The request body as a JSON object, or None when it is not one (the caller answers 400)."""
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def field(container: Any, *path: str) -> Dict[str, Any]:
    """The object at `container[path[0]][path[1]]...`, or {} where the JSON has another shape:
    webhook bodies come from outside, and a surprise must not become a 500."""
    for key in path:
        container = container.get(key) if isinstance(container, dict) else None
    return container if isinstance(container, dict) else {}


def dicts(container: Any, key: str) -> list:
    """`container[key]` as a list of objects, skipping anything of another shape."""
    value = container.get(key) if isinstance(container, dict) else None
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


class MessagingInput(InputChannel, ABC):
    """An input channel configured from the environment: off (no routes) when its settings are
    missing; when on, it answers each platform delivery id once."""

    # Set by each channel: the settings class (with `from_env()`) and the output class.
    settings_type: ClassVar[Any]
    output_type: ClassVar[Callable[[Any], "MessagingOutput"]]

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MessagingInput":
        return cls(cls.settings_type.from_env())

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self.recent = recent_ids()

    def get_output_channel(self) -> Optional["MessagingOutput"]:
        return self.output_type(self.settings) if self.settings is not None else None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        blueprint = Blueprint(f"{self.name()}_webhook", __name__)
        if self.settings is None:
            return blueprint

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            # Proof of origin first: a forged body is never parsed, let alone answered.
            if not self.authentic(request):
                logger.warning("%s webhook refused: missing or wrong %s", self.name(), self.proof)
                return response.json({"error": f"invalid {self.proof}"}, status=403)
            update = json_object(request.body)
            if update is None or not self.well_formed(update):
                return response.json({"error": "body is not a JSON webhook update"}, status=400)
            await self.handle(update, on_new_message)
            return response.json({"status": "ok"})

        self.add_routes(blueprint)
        return blueprint

    # What proves a POST comes from the platform, as named in the 403 answer and the log.
    proof: ClassVar[str]

    @abstractmethod
    def authentic(self, request: Request) -> bool:
        """Whether the POST carries the platform's proof of origin (403 otherwise)."""

    def well_formed(self, update: Dict[str, Any]) -> bool:
        """Whether a JSON object is an update at all (400 otherwise)."""
        return True

    @abstractmethod
    async def handle(self, update: Dict[str, Any], on_new_message: OnNewMessage) -> None:
        """Answers the messages of an authentic, well-formed update."""

    def add_routes(self, blueprint: Blueprint) -> None:
        """Routes a channel needs besides the webhook POST."""

    async def deliver(
        self, on_new_message: OnNewMessage, text: str, output: OutputChannel, sender: str,
        metadata: Dict[str, Any],
    ) -> None:
        """Hands one message to Rasa; a failure is logged (without the text) and not re-raised,
        so the platform gets its 200 and does not retry a message we already received."""
        try:
            await on_new_message(UserMessage(
                text, output, sender, input_channel=self.name(),
                metadata={**AUDIENCE_HINT, **metadata},
            ))
        except Exception:  # noqa: BLE001 - one bad turn must not take the webhook down
            logger.exception("%s: handling a message failed", self.name())

    async def answer_unsupported(self, output: "MessagingOutput", sender: str) -> None:
        """Tells the person we read only text (a photo or voice note is not handed to Rasa)."""
        try:
            await output.send_text_message(sender, UNSUPPORTED_REPLY)
        except ChannelDeliveryError:
            logger.exception("%s: could not answer an unsupported message", self.name())


class MessagingOutput(OutputChannel):
    """Sends to a platform's HTTP API; renders the helpline referral payload as readable text."""

    def __init__(self, settings: Any) -> None:
        self.settings = settings

    async def post(self, url: str, payload: Dict[str, Any],
                   headers: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        try:
            async with aiohttp.ClientSession(timeout=API_TIMEOUT) as session:
                async with session.post(url, json=payload, headers=headers) as reply:
                    if reply.status >= 300:
                        raise ChannelDeliveryError(f"{self.name()} API answered {reply.status}")
                    body = await reply.json(content_type=None)
                    return body if isinstance(body, dict) else {}
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise ChannelDeliveryError(f"{self.name()} API unreachable: {error}") from error

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """Sends a bot message; after a guideline answer, asks for a thumbs-up or -down."""
        rate_it = closes_an_answer(message.get("buttons"))
        await super().send_response(recipient_id, message)
        if rate_it:
            await self.send_text_with_buttons(recipient_id, RATING_QUESTION, RATING_BUTTONS)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any],
                               **kwargs: Any) -> None:
        if json_message.get("type") == "helpline_referral":
            await self.send_text_message(recipient_id, referral_text(json_message))
        else:
            logger.debug("%s: no rendering for custom payload %r", self.name(),
                         json_message.get("type"))
