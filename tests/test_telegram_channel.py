"""The Telegram channel end to end: updates carrying the webhook secret into the real assistant,
replies out to a local fake of the Bot API, plus the command and keyboard shaping."""
from __future__ import annotations

import itertools
import json
import random
from typing import Any, Dict, List, Optional

import pytest

from bot.channels.telegram import TelegramSettings, command_text, inline_keyboard
from tests.conftest import MessagingApis, RunningAssistant, post_raw

ROLE_PAYLOADS = ['/inform{"user_role":"child"}', '/inform{"user_role":"parent"}',
                 '/inform{"user_role":"educator"}']
SEXTORTION = "someone is threatening to post my pics unless i pay"
UPDATE_IDS = itertools.count(random.randrange(10**6, 10**8))


def new_chat() -> int:
    return random.randrange(10**8, 10**10)


def person(chat_id: int, language_code: Optional[str]) -> Dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Test"}
    return {**user, "language_code": language_code} if language_code else user


def message_update(chat_id: int, text: Optional[str], language_code: Optional[str] = "en",
                   **extra: Any) -> Dict[str, Any]:
    """An update with a new private-chat message, as Telegram POSTs it to the webhook."""
    message = {"message_id": random.randrange(1, 10**6), "from": person(chat_id, language_code),
               "chat": {"id": chat_id, "first_name": "Test", "type": "private"},
               "date": 1764400000, **extra}
    if text is not None:
        message["text"] = text
    return {"update_id": next(UPDATE_IDS), "message": message}


def button_tap(chat_id: int, data: str, query_id: str) -> Dict[str, Any]:
    """An update for a tapped inline keyboard button."""
    return {"update_id": next(UPDATE_IDS), "callback_query": {
        "id": query_id, "from": person(chat_id, "en"), "chat_instance": "-5512",
        "message": {"message_id": 7, "date": 1764400000, "text": "Who are you?",
                    "chat": {"id": chat_id, "type": "private"}},
        "data": data}}


def post_update(assistant: RunningAssistant, apis: MessagingApis, update: Any,
                secret: Optional[str] = None, raw: Optional[bytes] = None):
    body = raw if raw is not None else json.dumps(update).encode()
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret or apis.telegram_webhook_secret}
    return post_raw(f"{assistant.url}/webhooks/telegram/webhook", body, headers)


def say(assistant, apis, chat_id: int, update: dict) -> List[dict]:
    """Posts one update and returns the messages the chat received because of it."""
    before = len(apis.telegram.sent_to(chat_id))
    assert post_update(assistant, apis, update)[0] == 200
    return apis.telegram.sent_to(chat_id)[before:]


def shown_text(messages: List[dict]) -> str:
    return "\n".join(message["text"] for message in messages)


def test_start_greets_with_an_inline_keyboard_whose_taps_come_back_as_payloads(
        assistant, messaging_apis):
    chat = new_chat()
    greeting = say(assistant, messaging_apis, chat, message_update(chat, "/start"))
    assert "not a person" in shown_text(greeting)
    keyboard = greeting[-1]["reply_markup"]["inline_keyboard"]
    assert keyboard == [[{"text": "I'm a young person", "callback_data": ROLE_PAYLOADS[0]}],
                        [{"text": "I'm a parent", "callback_data": ROLE_PAYLOADS[1]}],
                        [{"text": "I'm a teacher", "callback_data": ROLE_PAYLOADS[2]}]]

    ack = say(assistant, messaging_apis, chat, button_tap(chat, ROLE_PAYLOADS[1], "query-71"))
    assert "answers for parents" in shown_text(ack)
    topics = [row[0]["text"] for row in ack[-1]["reply_markup"]["inline_keyboard"]]
    assert "I need to talk to someone" in topics and len(topics) == 5
    answered = messaging_apis.telegram.received(
        lambda r: r.path.endswith("/answerCallbackQuery") and r.status == 200)
    assert {"callback_query_id": "query-71"} in [r.body for r in answered]


@pytest.mark.parametrize("language_code,heading,local_service", [
    ("pt-BR", "If you are in Brazil, these can help:", "Disque 100"),
    ("en", "These can help from anywhere:", "takeitdown.ncmec.org"),
])
def test_crisis_gets_helplines_and_the_language_region_only_as_a_hint(
        assistant, messaging_apis, language_code, heading, local_service):
    chat = new_chat()
    replies = say(assistant, messaging_apis, chat, message_update(chat, SEXTORTION, language_code))
    said = shown_text(replies)
    assert "childhelplineinternational.org" in said
    assert heading in said and local_service in said
    assert "helpline_referral" not in said
    assert "Which country are you in?" in said
    assert replies[-1]["text"] == "Are you safe right now?"
    assert replies[-1]["reply_markup"]["inline_keyboard"] == [
        [{"text": "Yes", "callback_data": "/affirm"}], [{"text": "No", "callback_data": "/deny"}]]


def test_tapping_the_hinted_country_confirms_it(assistant, messaging_apis):
    chat = new_chat()
    replies = say(assistant, messaging_apis, chat, message_update(chat, SEXTORTION, "pt-BR"))
    question = next(m for m in replies if m["text"].startswith("Which country are you in?"))
    ((button,),) = question["reply_markup"]["inline_keyboard"]
    assert button["text"] == "I'm in Brazil"
    confirmed = say(assistant, messaging_apis, chat, button_tap(chat, button["callback_data"], "q-9"))
    said = shown_text(confirmed)
    assert "Here is who can help where you are:" in said and "Disque 100" in said
    assert "Which country are you in?" not in said


def test_wrong_or_missing_secret_is_refused_and_nothing_is_sent(assistant, messaging_apis):
    chat = new_chat()
    assert post_update(assistant, messaging_apis, message_update(chat, "hi"),
                       secret="guessed")[0] == 403
    body = json.dumps(message_update(chat, "hi")).encode()
    assert post_raw(f"{assistant.url}/webhooks/telegram/webhook", body, {})[0] == 403
    assert messaging_apis.telegram.sent_to(chat) == []


def test_a_redelivered_update_is_answered_once(assistant, messaging_apis):
    chat = new_chat()
    update = message_update(chat, "hello")
    assert say(assistant, messaging_apis, chat, update)
    assert say(assistant, messaging_apis, chat, update) == []


@pytest.mark.parametrize("raw", [b'{"update_id": 5, "message": {', b'["not", "an", "update"]',
                                 b'{"message": {"text": "no update id"}}'])
def test_malformed_updates_are_a_400(assistant, messaging_apis, raw):
    assert post_update(assistant, messaging_apis, None, raw=raw)[0] == 400


@pytest.mark.parametrize("update", [
    {"update_id": 1_000_001, "message": "hi"},
    {"update_id": 1_000_002, "message": {"chat": {"id": "not-a-number"}, "text": "hi"}},
    {"update_id": 1_000_003, "callback_query": {"id": 5, "from": "x", "data": "/affirm"}},
    {"update_id": 1_000_004, "edited_message": {"chat": {"id": 1}, "text": "changed"}},
])
def test_updates_of_other_shapes_are_acknowledged_and_ignored(assistant, messaging_apis, update):
    before = len(messaging_apis.telegram.requests)
    assert post_update(assistant, messaging_apis, update)[0] == 200
    assert len(messaging_apis.telegram.requests) == before


def test_a_photo_gets_a_polite_answer(assistant, messaging_apis):
    chat = new_chat()
    photo = message_update(chat, None, photo=[{"file_id": "AgAD", "file_unique_id": "AQAD",
                                               "width": 90, "height": 90}])
    assert shown_text(say(assistant, messaging_apis, chat, photo)) == (
        "Sorry, I can only read text messages. Please type your question, or tap one of the "
        "options.")


def test_commands_start_greets_and_others_are_read_as_words():
    assert command_text("/start") == "/greet"
    assert command_text("/start@cop_helper_bot ref123") == "/greet"
    assert command_text("/help me") == "help me"
    assert command_text("is my child safe?") == "is my child safe?"


def test_callback_data_longer_than_64_bytes_falls_back_to_the_title():
    long_payload = "/inform" + json.dumps({"user_role": "parent", "note": "x" * 80})
    keyboard = inline_keyboard([{"title": "I'm a parent", "payload": long_payload}])
    assert keyboard == {"inline_keyboard": [[{"text": "I'm a parent",
                                              "callback_data": "I'm a parent"}]]}


def test_channel_is_off_without_its_secret(messaging_apis):
    env = messaging_apis.env()
    assert TelegramSettings.from_env(env).method_url("sendMessage") == (
        f"{messaging_apis.telegram.url}/bot{messaging_apis.telegram.bot_token}/sendMessage")
    assert TelegramSettings.from_env({**env, "TELEGRAM_WEBHOOK_SECRET": ""}) is None


def test_an_answer_is_followed_by_thumbs_whose_tap_is_thanked(assistant, messaging_apis):
    chat = new_chat()
    answer = say(assistant, messaging_apis, chat,
                 message_update(chat, "how much screen time is ok for my son"))
    assert [row[0]["text"] for row in answer[-2]["reply_markup"]["inline_keyboard"]] == [
        "Tell me more", "I need to talk to someone", "Ask something else"]
    assert answer[-1]["text"] == "Was this answer helpful?"
    thumbs = answer[-1]["reply_markup"]["inline_keyboard"]
    assert [row[0]["callback_data"] for row in thumbs] == ["/feedback_positive",
                                                          "/feedback_negative"]
    thanks = say(assistant, messaging_apis, chat, button_tap(chat, "/feedback_positive", "q-9"))
    assert shown_text(thanks) == "Thanks for telling me. What else would you like to know?"
