"""The WhatsApp channel end to end: signed webhooks into the real assistant, replies out to a
local fake of the Cloud API, plus the message shaping that must fit WhatsApp's limits."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List, Optional

import pytest

from bot.channels.recent import RecentIds
from bot.channels.messaging import ChannelDeliveryError
from bot.channels.whatsapp import (
    WhatsAppOutput, WhatsAppSettings, interactive_for, signature_valid,
)
from tests.conftest import MessagingApis, RunningAssistant, post_raw

ROLE_PAYLOADS = ['/inform{"user_role":"child"}', '/inform{"user_role":"parent"}',
                 '/inform{"user_role":"educator"}']
SEXTORTION = "someone is threatening to post my pics unless i pay"


def new_number(prefix: str = "25078812") -> str:
    """A valid mobile number (Rwanda by default) as WhatsApp sends it: digits, no '+'."""
    return prefix + "".join(random.choices("0123456789", k=12 - len(prefix)))


def text_message(sender: str, body: str, message_id: Optional[str] = None) -> Dict[str, Any]:
    return {"from": sender, "id": message_id or f"wamid.{uuid.uuid4().hex}",
            "timestamp": "1764400000", "type": "text", "text": {"body": body}}


def tap(sender: str, kind: str, reply_id: str, title: str) -> Dict[str, Any]:
    """A tapped reply button (`button_reply`) or list row (`list_reply`)."""
    return {"from": sender, "id": f"wamid.{uuid.uuid4().hex}", "timestamp": "1764400000",
            "type": "interactive",
            "interactive": {"type": kind, kind: {"id": reply_id, "title": title}}}


def webhook(**value: Any) -> dict:
    """A webhook as Meta sends it to the app's callback URL, around one change `value`."""
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "15550001234",
                          "phone_number_id": "106540352242922"},
             **value}
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}


def from_person(sender: str, message: dict) -> dict:
    return webhook(contacts=[{"profile": {"name": "Test Parent"}, "wa_id": sender}],
                   messages=[message])


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(assistant: RunningAssistant, apis: MessagingApis, payload: Any,
                 secret: Optional[str] = None, raw: Optional[bytes] = None):
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {"X-Hub-Signature-256": signature(body, secret or apis.whatsapp_app_secret)}
    return post_raw(f"{assistant.url}/webhooks/whatsapp/webhook", body, headers)


def say(assistant, apis, sender: str, message: dict) -> List[dict]:
    """Sends one signed webhook and returns what the person received because of it."""
    before = len(apis.whatsapp.sent_to(sender))
    status, _ = post_webhook(assistant, apis, from_person(sender, message))
    assert status == 200
    return apis.whatsapp.sent_to(sender)[before:]


def shown_text(messages: List[dict]) -> str:
    return "\n".join(m["text"]["body"] if m["type"] == "text" else m["interactive"]["body"]["text"]
                     for m in messages)


# --- end to end, over HTTP ---------------------------------------------------------------------

def test_webhook_verification_echoes_the_challenge_only_for_our_token(assistant, messaging_apis):
    url = f"{assistant.url}/webhooks/whatsapp/webhook?hub.mode=subscribe&hub.challenge=1158201444"
    with urllib.request.urlopen(
            f"{url}&hub.verify_token={messaging_apis.whatsapp_verify_token}") as response:
        assert response.read() == b"1158201444"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{url}&hub.verify_token=guess")
    assert refused.value.code == 403


def test_greeting_gets_reply_buttons_and_a_tap_comes_back_as_the_payload(assistant,
                                                                         messaging_apis):
    sender = new_number()
    greeting = say(assistant, messaging_apis, sender, text_message(sender, "hello"))
    assert "not a person" in shown_text(greeting)
    last = greeting[-1]
    assert last["messaging_product"] == "whatsapp" and last["recipient_type"] == "individual"
    assert last["interactive"]["type"] == "button"
    buttons = last["interactive"]["action"]["buttons"]
    assert [b["reply"]["id"] for b in buttons] == ROLE_PAYLOADS
    assert [b["reply"]["title"] for b in buttons] == ["I'm a young person", "I'm a parent",
                                                      "I'm a teacher"]
    request = messaging_apis.whatsapp.received(lambda r: r.body == last)[0]
    assert request.headers["Authorization"] == f"Bearer {messaging_apis.whatsapp.access_token}"
    # What the guideline action reads to default to parent answers, and the helpline action to
    # find the country.
    with urllib.request.urlopen(f"{assistant.url}/conversations/{sender}/tracker"
                                f"?token={assistant.token}") as response:
        tracker = json.loads(response.read())
    assert tracker["latest_input_channel"] == "whatsapp"
    assert tracker["latest_message"]["metadata"] == {"audience": "parent",
                                                     "phone_number": "+" + sender}

    ack = say(assistant, messaging_apis, sender,
              tap(sender, "button_reply", ROLE_PAYLOADS[1], "I'm a parent"))
    assert "answers for parents" in shown_text(ack)
    # Five topics: more than three reply buttons allow, so they come as a list.
    listed = ack[-1]["interactive"]
    assert listed["type"] == "list"
    rows = listed["action"]["sections"][0]["rows"]
    assert len(rows) == 5 and all(len(row["title"]) <= 24 for row in rows)
    assert {"id": "/request_helpline", "title": "I need to talk to…",
            "description": "I need to talk to someone"} in rows


def test_a_tapped_list_row_is_answered(assistant, messaging_apis):
    sender = new_number()
    answer = say(assistant, messaging_apis, sender,
                 tap(sender, "list_reply", "/ask_privacy", "Privacy"))
    said = shown_text(answer).lower()
    assert "private" in said and "not sure i understood" not in said


@pytest.mark.parametrize("prefix,local_service", [("25078812", "Rwanda National Police"),
                                                  ("2547123", "Child Helpline 116")])
def test_crisis_gets_the_helplines_of_the_senders_country_as_text(assistant, messaging_apis,
                                                                  prefix, local_service):
    sender = new_number(prefix)
    replies = say(assistant, messaging_apis, sender, text_message(sender, SEXTORTION))
    said = shown_text(replies)
    assert "childhelplineinternational.org" in said
    assert "Here is who can help where you are:" in said
    assert local_service in said
    assert "takeitdown.ncmec.org" in said
    assert "helpline_referral" not in said and "{" not in said
    safe_now = replies[-1]["interactive"]
    assert safe_now["body"]["text"] == "Are you safe right now?"
    assert [(b["reply"]["id"], b["reply"]["title"]) for b in safe_now["action"]["buttons"]] == [
        ("/affirm", "Yes"), ("/deny", "No")]


def test_forged_or_missing_signature_is_refused_and_nothing_is_sent(assistant, messaging_apis):
    sender = new_number()
    hello = from_person(sender, text_message(sender, "hi"))
    assert post_webhook(assistant, messaging_apis, hello, secret="not-the-app-secret")[0] == 403
    body = json.dumps(hello).encode()
    assert post_raw(f"{assistant.url}/webhooks/whatsapp/webhook", body, {})[0] == 403
    assert messaging_apis.whatsapp.sent_to(sender) == []


def test_a_retried_delivery_is_answered_once(assistant, messaging_apis):
    sender = new_number()
    message = text_message(sender, "hello", message_id=f"wamid.{uuid.uuid4().hex}")
    first = say(assistant, messaging_apis, sender, message)
    assert first
    assert say(assistant, messaging_apis, sender, message) == []


def test_malformed_json_is_a_400_and_odd_shapes_do_not_crash(assistant, messaging_apis):
    status, body = post_webhook(assistant, messaging_apis, None, raw=b'{"object": "whatsapp_b')
    assert status == 400 and "JSON" in body
    assert post_webhook(assistant, messaging_apis, None, raw=b"\xff\xfe")[0] == 400
    sender = new_number()
    odd = {"from": sender, "id": f"wamid.{uuid.uuid4().hex}", "type": "text", "text": "not an object"}
    assert post_webhook(assistant, messaging_apis, [])[0] == 400
    for shape in ({"entry": "x"}, {"entry": [{"changes": [{"value": [1, 2]}]}]}):
        assert post_webhook(assistant, messaging_apis, shape)[0] == 200
    assert [m["text"]["body"][:40] for m in say(assistant, messaging_apis, sender, odd)] == [
        "Sorry, I can only read text messages. Pl"]


def test_status_callbacks_are_ignored_and_a_photo_gets_a_polite_answer(assistant, messaging_apis):
    sender = new_number()
    statuses = [{"id": f"wamid.{uuid.uuid4().hex}", "status": "delivered",
                 "timestamp": "1764400001", "recipient_id": sender}]
    status, _ = post_webhook(assistant, messaging_apis, webhook(statuses=statuses))
    assert status == 200 and messaging_apis.whatsapp.sent_to(sender) == []
    photo = {"from": sender, "id": f"wamid.{uuid.uuid4().hex}", "timestamp": "1764400002",
             "type": "image", "image": {"mime_type": "image/jpeg", "id": "1234567890"}}
    answer = say(assistant, messaging_apis, sender, photo)
    assert [m["text"]["body"] for m in answer] == [
        "Sorry, I can only read text messages. Please type your question, or tap one of the "
        "options."]


def test_channels_stay_off_when_their_variables_are_unset(assistant_without_actions):
    """`make run` with no WHATSAPP_* or TELEGRAM_* variables: Rasa starts, the webhooks do not
    exist (and the REST channel still answers, as test_rest_webhook checks)."""
    for channel in ("whatsapp", "telegram"):
        url = f"{assistant_without_actions.url}/webhooks/{channel}/webhook"
        assert post_raw(url, b"{}", {})[0] == 404


# --- shaping and checks, without a server ------------------------------------------------------

def buttons(count: int) -> List[Dict[str, str]]:
    return [{"title": f"Option number {n} with a long title", "payload": f"/choose_{n}"}
            for n in range(count)]


def test_three_options_are_reply_buttons_with_titles_of_at_most_20_characters():
    shaped = interactive_for("Pick one", buttons(3))
    assert shaped["type"] == "button"
    titles = [b["reply"]["title"] for b in shaped["action"]["buttons"]]
    assert titles == ["Option number 0…", "Option number 1…", "Option number 2…"]


def test_more_options_are_a_list_of_at_most_ten_rows():
    shaped = interactive_for("Pick one", buttons(12))
    rows = shaped["action"]["sections"][0]["rows"]
    assert shaped["type"] == "list" and len(rows) == 10
    assert rows[0] == {"id": "/choose_0", "title": "Option number 0 with a…",
                       "description": "Option number 0 with a long title"}


def test_long_text_with_buttons_is_sent_as_two_messages_the_api_accepts(messaging_apis):
    """Over 1024 characters cannot be an interactive body: the text goes first, then the
    buttons under a short prompt (the fake refuses what the Cloud API refuses)."""
    settings = WhatsAppSettings.from_env(messaging_apis.env())
    sender = new_number()
    text = "Talking helps. " * 100
    asyncio.run(WhatsAppOutput(settings).send_text_with_buttons(sender, text, buttons(2)))
    sent = messaging_apis.whatsapp.sent_to(sender)
    assert [m["type"] for m in sent] == ["text", "interactive"]
    assert sent[0]["text"]["body"] == text.strip()
    assert sent[1]["interactive"]["body"]["text"] == "Choose one:"


def test_a_refused_send_is_an_error_the_channel_can_log(messaging_apis):
    settings = WhatsAppSettings.from_env({**messaging_apis.env(),
                                          "WHATSAPP_ACCESS_TOKEN": "expired-token"})
    with pytest.raises(ChannelDeliveryError, match="401"):
        asyncio.run(WhatsAppOutput(settings).send_text_message(new_number(), "hello"))


def test_signature_must_be_the_hmac_of_the_exact_body():
    body = b'{"object":"whatsapp_business_account"}'
    good = signature(body, "secret")
    assert signature_valid(body, good, "secret")
    assert not signature_valid(body + b" ", good, "secret")
    assert not signature_valid(body, good, "other")
    assert not signature_valid(body, good[len("sha256="):], "secret")
    assert not signature_valid(body, None, "secret")
    assert not signature_valid(body, "sha256=é", "secret")


def test_repeated_ids_are_forgotten_after_the_retry_window_and_memory_is_bounded():
    now = [0.0]
    recent = RecentIds(capacity=2, ttl_seconds=60, clock=lambda: now[0])
    assert recent.first_time("a") and not recent.first_time("a")
    now[0] = 61
    assert recent.first_time("a")
    assert recent.first_time("b") and recent.first_time("c")
    assert recent.first_time("a")  # pushed out by b and c: memory holds two ids


def test_channel_is_off_until_every_required_variable_is_set(messaging_apis):
    env = messaging_apis.env()
    assert WhatsAppSettings.from_env(env).messages_url == (
        f"{messaging_apis.whatsapp.url}/v25.0/106540352242922/messages")
    assert WhatsAppSettings.from_env({**env, "WHATSAPP_APP_SECRET": " "}) is None
    assert WhatsAppSettings.from_env({}) is None


def test_an_answer_is_followed_by_a_rating_question_whose_thumbs_down_is_answered(
        assistant, messaging_apis):
    sender = new_number()
    answer = say(assistant, messaging_apis, sender,
                 text_message(sender, "how much screen time is ok for my son"))
    # The answer keeps its three follow-up buttons; the rating comes as a message of its own.
    assert [b["reply"]["title"] for b in answer[-2]["interactive"]["action"]["buttons"]] == [
        "Tell me more", "I need to talk to…", "Ask something else"]
    rating = answer[-1]["interactive"]
    assert rating["type"] == "button" and rating["body"]["text"] == "Was this answer helpful?"
    thumbs = rating["action"]["buttons"]
    assert [b["reply"]["id"] for b in thumbs] == ["/feedback_positive", "/feedback_negative"]
    assert all(len(b["reply"]["title"]) <= 20 for b in thumbs)
    sorry = say(assistant, messaging_apis, sender,
                tap(sender, "button_reply", "/feedback_negative", thumbs[1]["reply"]["title"]))
    assert "Sorry that didn't help" in shown_text(sorry)
    # An apology is not an answer: nobody is asked to rate it.
    assert "Was this answer helpful?" not in shown_text(sorry)
