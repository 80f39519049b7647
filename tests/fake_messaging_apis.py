"""Local stand-ins for the WhatsApp Cloud (Graph) API and the Telegram Bot API.

Each is a real HTTP server on 127.0.0.1 (a free port chosen at run time) that answers like the
real service: same paths, same success and error JSON, and the same refusals for what the real
API refuses (bad token, too many buttons, a title over the limit...). Every request is recorded
so tests can assert what a person's phone would have been sent.
"""
from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from aiohttp import web

from bot.privacy.pseudonyms import KEY_ENV, new_key


@dataclass
class Recorded:
    method: str
    path: str
    headers: Dict[str, str]
    body: Any
    status: int


class FakeApi(ABC):
    """An aiohttp app served from its own thread and event loop, recording every request."""

    def __init__(self) -> None:
        self.requests: List[Recorded] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._runner: Optional[web.AppRunner] = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @abstractmethod
    def routes(self, app: web.Application) -> None:
        """Adds the platform's endpoints to the app."""

    def start(self) -> "FakeApi":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    async def _serve(self) -> None:
        app = web.Application(middlewares=[self._record])
        self.routes(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    @web.middleware
    async def _record(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        try:
            body = await request.json()
        except ValueError:
            body = await request.text()
        reply = await handler(request)
        self.requests.append(Recorded(request.method, request.path, dict(request.headers), body,
                                      reply.status))
        return reply

    def received(self, predicate: Callable[[Recorded], bool]) -> List[Recorded]:
        return [recorded for recorded in self.requests if predicate(recorded)]


def graph_error(message: str, code: int, status: int = 400) -> web.Response:
    """The Graph API's error body."""
    return web.json_response({"error": {"message": message, "type": "OAuthException",
                                        "code": code, "fbtrace_id": uuid.uuid4().hex}},
                             status=status)


def whatsapp_problem(body: Any) -> Optional[str]:
    """Why the Cloud API would refuse this message, or None (limits as documented by Meta)."""
    if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
        return "messaging_product must be whatsapp"
    if not str(body.get("to", "")).isdigit():
        return "invalid recipient"
    kind = body.get("type")
    if kind == "text":
        text = (body.get("text") or {}).get("body") or ""
        return None if 0 < len(text) <= 4096 else "text body must be 1-4096 characters"
    if kind != "interactive":
        return f"unsupported type {kind}"
    interactive = body.get("interactive") or {}
    text = (interactive.get("body") or {}).get("text") or ""
    if not 0 < len(text) <= 1024:
        return "interactive body must be 1-1024 characters"
    action = interactive.get("action") or {}
    if interactive.get("type") == "button":
        buttons = action.get("buttons") or []
        replies = [button.get("reply") or {} for button in buttons]
        if not 1 <= len(buttons) <= 3 or any(b.get("type") != "reply" for b in buttons):
            return "1-3 reply buttons"
        if any(not 0 < len(r.get("title", "")) <= 20 or not 0 < len(r.get("id", "")) <= 256
               for r in replies) or len({r["id"] for r in replies}) != len(replies):
            return "button titles 1-20 characters, ids unique"
        return None
    if interactive.get("type") == "list":
        rows = [row for section in action.get("sections") or [] for row in section.get("rows")]
        if not 0 < len(action.get("button", "")) <= 20:
            return "list button label 1-20 characters"
        if not 1 <= len(rows) <= 10:
            return "1-10 list rows"
        if any(not 0 < len(r.get("title", "")) <= 24 or len(r.get("description", "")) > 72
               or not 0 < len(r.get("id", "")) <= 200 for r in rows):
            return "row titles 1-24, descriptions up to 72 characters, ids up to 200"
        return None
    return "unsupported interactive type"


class FakeWhatsApp(FakeApi):
    """POST /{version}/{phone_number_id}/messages, as the Cloud API answers it."""

    version = "v25.0"
    phone_number_id = "106540352242922"
    access_token = "fake-whatsapp-access-token"

    def routes(self, app: web.Application) -> None:
        app.router.add_post(f"/{self.version}/{self.phone_number_id}/messages", self.messages)

    async def messages(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return graph_error("Invalid OAuth access token.", 190, status=401)
        try:
            body = await request.json()
        except ValueError:
            return graph_error("(#100) Invalid JSON", 100)
        problem = whatsapp_problem(body)
        if problem:
            return graph_error(f"(#100) Invalid parameter: {problem}", 100)
        return web.json_response({
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": f"wamid.{uuid.uuid4().hex}"}],
        })

    def sent_to(self, wa_id: str) -> List[Dict[str, Any]]:
        """Messages the API accepted for one person, in order."""
        return [r.body for r in self.received(
            lambda r: r.status == 200 and isinstance(r.body, dict) and r.body.get("to") == wa_id)]


class FakeTelegram(FakeApi):
    """POST /bot{token}/sendMessage and /answerCallbackQuery, as the Bot API answers them."""

    bot_token = "123456789:fake-telegram-token"
    message_ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/bot{token}/{method}", self.call)

    async def call(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.bot_token:
            return self.error(401, "Unauthorized")
        try:
            params = await request.json()
        except ValueError:
            return self.error(400, "Bad Request: can't parse JSON")
        method = request.match_info["method"]
        if method == "answerCallbackQuery":
            if not params.get("callback_query_id"):
                return self.error(400, "Bad Request: query is too old or query ID is invalid")
            return web.json_response({"ok": True, "result": True})
        if method != "sendMessage":
            return self.error(404, "Not Found")
        problem = self.send_message_problem(params)
        if problem:
            return self.error(400, f"Bad Request: {problem}")
        return web.json_response({"ok": True, "result": {
            "message_id": next(self.message_ids),
            "from": {"id": 123456789, "is_bot": True, "first_name": "COP assistant"},
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "date": int(time.time()),
            "text": params["text"],
        }})

    @staticmethod
    def error(code: int, description: str) -> web.Response:
        return web.json_response({"ok": False, "error_code": code, "description": description},
                                 status=code)

    @staticmethod
    def send_message_problem(params: Dict[str, Any]) -> Optional[str]:
        if not str(params.get("chat_id", "")).lstrip("-").isdigit():
            return "chat not found"
        if not 0 < len(params.get("text") or "") <= 4096:
            return "message text is empty or too long"
        keyboard = (params.get("reply_markup") or {}).get("inline_keyboard", [])
        for button in (button for row in keyboard for button in row):
            if not button.get("text") or not 1 <= len(
                    button.get("callback_data", "").encode()) <= 64:
                return "BUTTON_DATA_INVALID"
        return None

    def sent_to(self, chat_id: int) -> List[Dict[str, Any]]:
        """Messages the API accepted for one chat, in order."""
        return [r.body for r in self.received(
            lambda r: r.status == 200 and r.path.endswith("/sendMessage")
            and isinstance(r.body, dict) and str(r.body.get("chat_id")) == str(chat_id))]


@dataclass
class MessagingApis:
    """The fake WhatsApp and Telegram APIs, the secrets the assistant's channels share with the
    (fake) platforms, and the key of the WhatsApp sender pseudonyms (so tests can name the
    conversation of a number)."""

    whatsapp: FakeWhatsApp
    telegram: FakeTelegram
    whatsapp_app_secret: str = "test-app-secret"
    whatsapp_verify_token: str = "test-verify-token"
    telegram_webhook_secret: str = "test-telegram-secret"
    sender_id_key: str = field(default_factory=new_key)

    def env(self) -> Dict[str, str]:
        """The variables that turn both channels on, pointed at the fakes (README lists them)."""
        return {
            KEY_ENV: self.sender_id_key,
            "WHATSAPP_ACCESS_TOKEN": self.whatsapp.access_token,
            "WHATSAPP_APP_SECRET": self.whatsapp_app_secret,
            "WHATSAPP_VERIFY_TOKEN": self.whatsapp_verify_token,
            "WHATSAPP_PHONE_NUMBER_ID": self.whatsapp.phone_number_id,
            "WHATSAPP_API_BASE_URL": self.whatsapp.url,
            "WHATSAPP_API_VERSION": self.whatsapp.version,
            "TELEGRAM_BOT_TOKEN": self.telegram.bot_token,
            "TELEGRAM_WEBHOOK_SECRET": self.telegram_webhook_secret,
            "TELEGRAM_API_BASE_URL": self.telegram.url,
        }

    @classmethod
    def start(cls) -> "MessagingApis":
        return cls(FakeWhatsApp().start(), FakeTelegram().start())

    def stop(self) -> None:
        self.whatsapp.stop()
        self.telegram.stop()


def main() -> None:
    """`python -m tests.fake_messaging_apis`: both fakes for trying the channels by hand; prints
    the variables to give `make run` and then every request the fakes receive."""
    apis = MessagingApis.start()
    print("\n".join(f"export {name}={value}" for name, value in apis.env().items()), flush=True)
    shown = {"whatsapp": 0, "telegram": 0}
    try:
        while True:
            for name, api in (("whatsapp", apis.whatsapp), ("telegram", apis.telegram)):
                for request in api.requests[shown[name]:]:
                    print(f"{name} {request.status} {request.path}\n"
                          f"{json.dumps(request.body, indent=1, ensure_ascii=False)}", flush=True)
                shown[name] = len(api.requests)
            time.sleep(0.2)
    except KeyboardInterrupt:
        apis.stop()


if __name__ == "__main__":
    main()
