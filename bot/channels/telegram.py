"""Telegram Bot API channel: webhook in (`/webhooks/telegram/webhook`), Bot API out.

Rasa's built-in Telegram connector is not used: it calls api.telegram.org through aiogram with
no way to change the server (so it cannot be tested against a local fake), registers the webhook
over the network while starting, and does not check the `X-Telegram-Bot-Api-Secret-Token` header
that proves an update comes from Telegram. This channel checks that header on every update
(403 otherwise), and its API base URL is a setting.

Rasa reads a message starting with "/" as an intent name, so Telegram commands are translated:
`/start` (sent when someone opens the bot) becomes the greeting, other commands lose their slash
and are read as words. The sender's `language_code` is passed as metadata; a tag with a region
("pt-BR") is the helpline action's last-resort hint of the country.
"""
from __future__ import annotations

import hmac
import logging
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Text

from sanic.request import Request

from bot.channels.buttons import chunks, reply_id
from bot.channels.messaging import (
    BUTTONS_BODY, ChannelDeliveryError, MessagingInput, MessagingOutput, OnNewMessage, field,
    json_object, settings_from_env,
)

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
REQUIRED = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET")
OPTIONAL = {"TELEGRAM_API_BASE_URL": "https://api.telegram.org"}
TEXT_LIMIT = 4096
CALLBACK_DATA_BYTES = 64
GREET = "/greet"


@dataclass(frozen=True)
class TelegramSettings:
    bot_token: str
    webhook_secret: str
    api_base_url: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Optional["TelegramSettings"]:
        values = settings_from_env("Telegram", REQUIRED, OPTIONAL, environ)
        if values is None:
            return None
        return cls(values["TELEGRAM_BOT_TOKEN"], values["TELEGRAM_WEBHOOK_SECRET"],
                   values["TELEGRAM_API_BASE_URL"].rstrip("/"))

    def method_url(self, method: str) -> str:
        return f"{self.api_base_url}/bot{self.bot_token}/{method}"


def secret_valid(header: Optional[str], secret: str) -> bool:
    return bool(header) and hmac.compare_digest(header.encode(errors="replace"), secret.encode())


def command_text(text: str) -> str:
    """`/start` -> the greeting; `/help@our_bot x` -> `help x`; anything else unchanged."""
    if not text.startswith("/"):
        return text
    command, _, rest = text[1:].partition(" ")
    command = command.split("@", 1)[0]
    if command == "start":
        return GREET
    return f"{command} {rest}".strip()


@dataclass(frozen=True)
class Incoming:
    """What one update asks of us; `text` is None for a message we cannot read."""

    chat_id: str
    text: Optional[str]
    language_code: Optional[str]
    callback_query_id: Optional[str] = None


def incoming_update(update: Dict[str, Any]) -> Optional[Incoming]:
    """A new message or a button tap; None for every other kind of update (edits, joins...)."""
    query = field(update, "callback_query")
    if query:
        sender = field(query, "from")
        chat = field(query, "message", "chat").get("id", sender.get("id"))
        data = query.get("data")
        if not isinstance(chat, int) or not isinstance(query.get("id"), str):
            return None
        return Incoming(str(chat), data if isinstance(data, str) and data else None,
                        sender.get("language_code"), query["id"])
    message = field(update, "message")
    chat = field(message, "chat").get("id")
    if not isinstance(chat, int):
        return None
    text = message.get("text")
    return Incoming(str(chat), command_text(text) if isinstance(text, str) and text.strip()
                    else None, field(message, "from").get("language_code"))


def inline_keyboard(buttons: List[Dict[str, Any]]) -> Dict[str, Any]:
    """One button per row: titles stay whole and readable on a phone."""
    return {"inline_keyboard": [
        [{"text": str(button["title"]), "callback_data": reply_id(button, CALLBACK_DATA_BYTES)}]
        for button in buttons
    ]}


class TelegramOutput(MessagingOutput):
    """Sends text and inline keyboards with `sendMessage`."""

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    async def _call(self, method: str, payload: Dict[str, Any]) -> Dict[str, Any]:
        reply = await self.post(self.settings.method_url(method), payload)
        if not reply.get("ok"):
            raise ChannelDeliveryError(f"Telegram {method} failed: {reply.get('description')}")
        return reply

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for piece in chunks(text, TEXT_LIMIT):
            await self._call("sendMessage", {"chat_id": recipient_id, "text": piece})

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[str, Any]], **kwargs: Any) -> None:
        buttons = [button for button in buttons if button.get("title")]
        pieces = list(chunks(text, TEXT_LIMIT)) or [BUTTONS_BODY]
        for piece in pieces[:-1]:
            await self._call("sendMessage", {"chat_id": recipient_id, "text": piece})
        message = {"chat_id": recipient_id, "text": pieces[-1]}
        if buttons:
            message["reply_markup"] = inline_keyboard(buttons)
        await self._call("sendMessage", message)

    async def answer_callback_query(self, callback_query_id: str) -> None:
        """Stops the spinner Telegram shows on a tapped button."""
        await self._call("answerCallbackQuery", {"callback_query_id": callback_query_id})


class TelegramInput(MessagingInput):
    """The webhook Telegram calls; off (no routes) unless the TELEGRAM_* variables are set."""

    settings_type = TelegramSettings
    output_type = TelegramOutput
    proof = "secret token"

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    def authentic(self, request: Request) -> bool:
        return secret_valid(request.headers.get(SECRET_HEADER), self.settings.webhook_secret)

    def well_formed(self, update: Dict[str, Any]) -> bool:
        return isinstance(update.get("update_id"), int)

    async def handle(self, update: Dict[str, Any], on_new_message: OnNewMessage) -> None:
        if not self.recent.first_time(str(update["update_id"])):
            logger.info("Telegram: repeated delivery of an update ignored")
            return
        incoming = incoming_update(update)
        if incoming is None:
            return
        output = self.get_output_channel()
        if incoming.callback_query_id:
            await self.answer_callback(output, incoming.callback_query_id)
        if incoming.text is None:
            await self.answer_unsupported(output, incoming.chat_id)
        else:
            metadata = {"language_code": incoming.language_code} \
                if isinstance(incoming.language_code, str) else {}
            await self.deliver(on_new_message, incoming.text, output, incoming.chat_id, metadata)

    @staticmethod
    async def answer_callback(output: TelegramOutput, callback_query_id: str) -> None:
        try:
            await output.answer_callback_query(callback_query_id)
        except ChannelDeliveryError:
            logger.exception("Telegram: could not answer a button tap")
