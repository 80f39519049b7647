"""WhatsApp Cloud API channel: webhook in (`/webhooks/whatsapp/webhook`), Graph API out.

Meta verifies the webhook once with a GET (`hub.mode`, `hub.verify_token`, `hub.challenge`) and
then POSTs every event signed with the app secret (`X-Hub-Signature-256`); anything unsigned or
forged is refused with 403 before it is parsed. Replies go to
`{base}/{version}/{phone_number_id}/messages`; base and version are settings so the tests can
point them at a local fake.

The sender's number (`wa_id`, digits without '+') never reaches Rasa: the sender id is its
pseudonym (bot/privacy/pseudonyms.py), which the output side turns back into the number, and the
metadata carries only the number's country, for the helpline action. So neither the tracker store
nor the dashboard ever holds the number.

As in Rasa's own channels, the replies are sent before the webhook is answered: a turn takes far
less than Meta waits, and a retry that comes anyway is dropped by the message-id memory.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.buttons import chunks, reply_id, shorten
from bot.channels.messaging import (
    BUTTONS_BODY, ChannelDeliveryError, MessagingInput, MessagingOutput, OnNewMessage, dicts,
    field, settings_from_env,
)
from bot.helplines.country import country_from_phone
from bot.privacy.pseudonyms import Pseudonyms, UnknownPseudonym, sender_id_key

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
REQUIRED = ("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN",
            "WHATSAPP_PHONE_NUMBER_ID")
OPTIONAL = {"WHATSAPP_API_BASE_URL": "https://graph.facebook.com",
            "WHATSAPP_API_VERSION": "v25.0"}  # Meta supports it until July 2028

# Cloud API limits, as Meta documents them for text, reply-button and list messages.
TEXT_LIMIT = 4096
INTERACTIVE_BODY_LIMIT = 1024
MAX_REPLY_BUTTONS = 3
REPLY_TITLE_LIMIT = 20
REPLY_ID_BYTES = 256
MAX_LIST_ROWS = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
ROW_ID_BYTES = 200
LIST_BUTTON_LABEL = "Choose"
LIST_SECTION_TITLE = "Options"
PSEUDONYM_PREFIX = "wa-"
NOT_A_PSEUDONYM = ("WhatsApp reply not sent: the conversation id is no sender pseudonym of this "
                   "deployment")


def whatsapp_pseudonyms(environ: Mapping[str, str] = os.environ,
                        create: bool = True) -> Pseudonyms:
    """Sender ids of WhatsApp conversations: the pseudonyms of the senders' numbers."""
    return Pseudonyms(sender_id_key(environ, create=create), "whatsapp", PSEUDONYM_PREFIX)


@dataclass(frozen=True)
class WhatsAppSettings:
    access_token: str
    app_secret: str
    verify_token: str
    phone_number_id: str
    api_base_url: str
    api_version: str
    pseudonyms: Pseudonyms

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Optional["WhatsAppSettings"]:
        values = settings_from_env("WhatsApp", REQUIRED, OPTIONAL, environ)
        if values is None:
            return None
        return cls(*(values[name] for name in REQUIRED), values["WHATSAPP_API_BASE_URL"]
                   .rstrip("/"), values["WHATSAPP_API_VERSION"].strip("/"),
                   whatsapp_pseudonyms(environ))

    @property
    def messages_url(self) -> str:
        return f"{self.api_base_url}/{self.api_version}/{self.phone_number_id}/messages"


def signature_valid(body: bytes, header: Optional[str], app_secret: str) -> bool:
    """True when `header` is `sha256=<HMAC-SHA256 of the raw body with the app secret>`."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header[len("sha256="):].encode(errors="replace"))


@dataclass(frozen=True)
class Incoming:
    """One user message from a webhook; `text` is None for a type we cannot read."""

    message_id: str
    sender: str
    text: Optional[str]


def message_text(message: Dict[str, Any]) -> Optional[str]:
    """What the person typed, or the id of the button or list row they tapped."""
    kind = message.get("type")
    if kind == "text":
        body = field(message, "text").get("body")
    elif kind == "interactive":
        reply_type = field(message, "interactive").get("type")
        body = field(message, "interactive", str(reply_type)).get("id")
    elif kind == "button":  # quick-reply button of a template message
        button = field(message, "button")
        body = button.get("payload") or button.get("text")
    else:
        body = None
    return body if isinstance(body, str) and body.strip() else None


def incoming_messages(update: Dict[str, Any]) -> List[Incoming]:
    """Every user message of a webhook; status callbacks and odd shapes give none."""
    found = []
    for entry in dicts(update, "entry"):
        for change in dicts(entry, "changes"):
            for message in dicts(change.get("value"), "messages"):
                message_id, sender = message.get("id"), message.get("from")
                if isinstance(message_id, str) and isinstance(sender, str) and sender.isdigit():
                    found.append(Incoming(message_id, sender, message_text(message)))
    return found


def reply_buttons(body: str, buttons: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {
        "type": "button",
        "body": {"text": body},
        "action": {"buttons": [
            {"type": "reply", "reply": {"id": reply_id(button, REPLY_ID_BYTES),
                                        "title": shorten(button["title"], REPLY_TITLE_LIMIT)}}
            for button in buttons
        ]},
    }


def list_row(button: Dict[str, Any]) -> Dict[str, str]:
    """A list row; a title too long for the row is shown whole in the description."""
    title = " ".join(str(button["title"]).split())
    row = {"id": reply_id(button, ROW_ID_BYTES), "title": shorten(title, ROW_TITLE_LIMIT)}
    if row["title"] != title:
        row["description"] = shorten(title, ROW_DESCRIPTION_LIMIT)
    return row


def list_message(body: str, buttons: List[Dict[str, Any]]) -> Dict[str, Any]:
    if len(buttons) > MAX_LIST_ROWS:
        logger.warning("WhatsApp lists hold %d rows; %d options dropped",
                       MAX_LIST_ROWS, len(buttons) - MAX_LIST_ROWS)
    return {
        "type": "list",
        "body": {"text": body},
        "action": {"button": LIST_BUTTON_LABEL,
                   "sections": [{"title": LIST_SECTION_TITLE,
                                 "rows": [list_row(b) for b in buttons[:MAX_LIST_ROWS]]}]},
    }


def interactive_for(body: str, buttons: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Reply buttons for up to three options, a list message for more."""
    if len(buttons) <= MAX_REPLY_BUTTONS:
        return reply_buttons(body, buttons)
    return list_message(body, buttons)


class WhatsAppOutput(MessagingOutput):
    """Sends text, reply buttons and lists through the Cloud API's messages endpoint."""

    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    async def _send(self, recipient_id: Text, content: Dict[str, Any]) -> None:
        """Sends to the number behind the conversation's pseudonym; a pseudonym our key did not
        make (a forged conversation id given to Rasa's API) is refused, never guessed at."""
        try:
            number = self.settings.pseudonyms.reveal(recipient_id)
        except UnknownPseudonym:
            logger.warning(NOT_A_PSEUDONYM)
            raise ChannelDeliveryError(NOT_A_PSEUDONYM) from None
        await self.post(
            self.settings.messages_url,
            {"messaging_product": "whatsapp", "recipient_type": "individual",
             "to": number, **content},
            headers={"Authorization": f"Bearer {self.settings.access_token}"},
        )

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for piece in chunks(text, TEXT_LIMIT):
            await self._send(recipient_id, {"type": "text", "text": {"body": piece}})

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[str, Any]], **kwargs: Any) -> None:
        buttons = [button for button in buttons if button.get("title")]
        if not buttons:
            await self.send_text_message(recipient_id, text)
            return
        body = text.strip()
        if not body or len(body) > INTERACTIVE_BODY_LIMIT:
            # An interactive body holds 1024 characters and cannot be empty: send long text
            # on its own first.
            await self.send_text_message(recipient_id, body)
            body = BUTTONS_BODY
        await self._send(recipient_id, {"type": "interactive",
                                        "interactive": interactive_for(body, buttons)})


class WhatsAppInput(MessagingInput):
    """The webhook Meta calls; off (no routes) unless the WHATSAPP_* variables are set."""

    settings_type = WhatsAppSettings
    output_type = WhatsAppOutput
    proof = "signature"

    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    def authentic(self, request: Request) -> bool:
        return signature_valid(request.body, request.headers.get(SIGNATURE_HEADER),
                               self.settings.app_secret)

    async def handle(self, update: Dict[str, Any], on_new_message: OnNewMessage) -> None:
        output = self.get_output_channel()
        for message in incoming_messages(update):
            sender_id = self.settings.pseudonyms.of(message.sender)
            if not self.recent.first_time(message.message_id):
                logger.info("WhatsApp: repeated delivery of a message ignored")
            elif message.text is None:
                await self.answer_unsupported(output, sender_id)
            else:
                country = country_from_phone(message.sender)
                await self.deliver(on_new_message, message.text, output, sender_id,
                                   {"country": country} if country else {})

    def add_routes(self, blueprint: Blueprint) -> None:
        settings = self.settings

        @blueprint.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            """Meta's one-time check that the callback URL is ours."""
            token = request.args.get("hub.verify_token") or ""
            if request.args.get("hub.mode") == "subscribe" and hmac.compare_digest(
                    token.encode(), settings.verify_token.encode()):
                return response.text(request.args.get("hub.challenge") or "")
            return response.json({"error": "verification failed"}, status=403)
