"""The WhatsApp channel end to end: signed webhooks into the real assistant, replies out to a
local fake of the Cloud API, plus the message shaping that must fit WhatsApp's limits."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import random
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from bot.channels.recent import RecentIds
from bot.channels.messaging import ChannelDeliveryError
from bot.channels.whatsapp import (
    NOT_A_PSEUDONYM, WhatsAppOutput, WhatsAppSettings, interactive_for, signature_valid,
    whatsapp_pseudonyms,
)
from tests.conftest import ROOT, MessagingApis, RunningAssistant, post_raw

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


def conversation_of(apis: MessagingApis, number: str) -> str:
    """The sender id Rasa keeps a number's conversation under: its pseudonym."""
    return whatsapp_pseudonyms(apis.env()).of(number)


def stored_rows(database: Path) -> List[Tuple[str, Tuple[Any, ...]]]:
    """Every row of every table of the assistant's database (Rasa's events and the dashboard's
    tables), with its table's name."""
    with sqlite3.connect(database) as db:
        tables = [name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [(table, row) for table in tables
                for row in db.execute(f'SELECT * FROM "{table}"')]


def stored_events(database: Path) -> List[Tuple[str, dict]]:
    """(sender id, event) of every event in the tracker store, oldest first."""
    with sqlite3.connect(database) as db:
        return [(sender, json.loads(data)) for sender, data in db.execute(
            "SELECT sender_id, data FROM events ORDER BY id")]


def assistant_log(assistant: RunningAssistant) -> str:
    return (assistant.database.parent / "assistant.log").read_text(errors="replace")


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
    # find the country (from the number, which itself stays out of the tracker).
    with urllib.request.urlopen(f"{assistant.url}/conversations/"
                                f"{conversation_of(messaging_apis, sender)}/tracker"
                                f"?token={assistant.token}") as response:
        tracker = json.loads(response.read())
    assert tracker["latest_input_channel"] == "whatsapp"
    assert tracker["latest_message"]["metadata"] == {"audience": "parent", "country": "RW"}

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


def test_a_number_is_answered_at_that_number_and_stored_and_logged_only_as_its_pseudonym(
        assistant, messaging_apis):
    number = new_number("2547123")  # Kenya
    replies = say(assistant, messaging_apis, number, text_message(number, "hello"))
    assert "not a person" in shown_text(replies)  # sent with `to` = the number's digits
    # Nowhere in the database (Rasa's events, the dashboard's tables) nor in the logs.
    assert [(table, row) for table, row in stored_rows(assistant.database)
            if number in str(row)] == []
    assert number not in assistant_log(assistant)
    # Stored under the pseudonym, with the number's country for the helpline action.
    pseudonym = conversation_of(messaging_apis, number)
    users = [event for sender, event in stored_events(assistant.database)
             if sender == pseudonym and event["event"] == "user"]
    assert [(user["metadata"]["audience"], user["metadata"]["country"]) for user in users] == [
        ("parent", "KE")]


def test_one_number_is_one_conversation_and_two_numbers_are_two(assistant, messaging_apis):
    first, second = new_number(), new_number("2547123")
    before = {sender for sender, _ in stored_events(assistant.database)}
    say(assistant, messaging_apis, first, text_message(first, "hello"))
    say(assistant, messaging_apis, second, text_message(second, "hello"))
    # The tap is read in the context of the greeting: the same conversation goes on.
    ack = say(assistant, messaging_apis, first,
              tap(first, "button_reply", ROLE_PAYLOADS[1], "I'm a parent"))
    assert "answers for parents" in shown_text(ack)
    user_turns = Counter(sender for sender, event in stored_events(assistant.database)
                         if sender not in before and event["event"] == "user")
    assert user_turns == {conversation_of(messaging_apis, first): 2,
                          conversation_of(messaging_apis, second): 1}


def test_a_forged_or_altered_conversation_id_sends_nothing_and_is_a_clear_error(
        assistant, messaging_apis):
    """Rasa's HTTP API can make the bot speak in any conversation it names: a pseudonym our key
    did not make must not become a WhatsApp message to anyone."""
    number = new_number()
    say(assistant, messaging_apis, number, text_message(number, "hello"))
    real = conversation_of(messaging_apis, number)
    middle = len(real) // 2
    altered = real[:middle] + ("B" if real[middle] == "A" else "A") + real[middle + 1:]
    sent_before = len(messaging_apis.whatsapp.requests)
    for forged in (altered, "wa-" + "A" * 40, number):
        status, body = post_raw(
            f"{assistant.url}/conversations/{urllib.parse.quote(forged)}/trigger_intent"
            f"?output_channel=whatsapp&token={assistant.token}", b'{"name": "greet"}', {})
        assert status == 500 and NOT_A_PSEUDONYM in json.loads(body)["message"]
    assert messaging_apis.whatsapp.requests[sent_before:] == []
    assert assistant_log(assistant).count(NOT_A_PSEUDONYM) >= 3
    # The server is up and the real conversation is still answered at its number.
    assert say(assistant, messaging_apis, number, text_message(number, "hello"))


def test_erasure_by_number_removes_that_conversation_only(assistant, messaging_apis):
    number, other = new_number(), new_number()
    for sender in (number, other):
        say(assistant, messaging_apis, sender, text_message(sender, "hello"))
    spaced = f"+{number[:3]} {number[3:6]} {number[6:]}"  # as a person would write it
    done = subprocess.run(
        [sys.executable, "-m", "bot", "erase", "--whatsapp", spaced], cwd=ROOT,
        capture_output=True, text=True, timeout=120,
        env=dict(os.environ, DB_URL=f"sqlite:///{assistant.database}",
                 SENDER_ID_KEY=messaging_apis.sender_id_key))
    assert done.returncode == 0, done.stderr[-2000:]
    pseudonym = conversation_of(messaging_apis, number)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["sender_id"] == pseudonym and result["erased"]["tracker_events"] > 0
    assert number not in done.stdout + done.stderr
    senders = Counter(sender for sender, _ in stored_events(assistant.database))
    assert senders[pseudonym] == 0 and senders[conversation_of(messaging_apis, other)] > 0
    # Audited like any erasure, by pseudonym: the number is nowhere in the database.
    audit = [row for table, row in stored_rows(assistant.database)
             if table == "moderation_audit_log" and pseudonym in row]
    assert audit and [row for _, row in stored_rows(assistant.database)
                      if number in str(row)] == []


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
    asyncio.run(WhatsAppOutput(settings).send_text_with_buttons(
        settings.pseudonyms.of(sender), text, buttons(2)))
    sent = messaging_apis.whatsapp.sent_to(sender)
    assert [m["type"] for m in sent] == ["text", "interactive"]
    assert sent[0]["text"]["body"] == text.strip()
    assert sent[1]["interactive"]["body"]["text"] == "Choose one:"


def test_a_refused_send_is_an_error_the_channel_can_log(messaging_apis):
    settings = WhatsAppSettings.from_env({**messaging_apis.env(),
                                          "WHATSAPP_ACCESS_TOKEN": "expired-token"})
    with pytest.raises(ChannelDeliveryError, match="401"):
        asyncio.run(WhatsAppOutput(settings).send_text_message(
            settings.pseudonyms.of(new_number()), "hello"))


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


def test_erasure_by_number_needs_an_international_number_and_a_well_formed_key(
        messaging_apis, tmp_path):
    def erase(number: str, key: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot", "erase", "--whatsapp", number], cwd=ROOT,
            capture_output=True, text=True, timeout=120,
            env=dict(os.environ, DB_URL=f"sqlite:///{tmp_path / 'tracker.db'}",
                     SENDER_ID_KEY=key))

    national = erase("07700 900456", messaging_apis.sender_id_key)
    assert national.returncode == 2 and "international format" in national.stderr
    assert "900456" not in national.stderr
    malformed = erase("+447700900123", "not-a-key")
    assert malformed.returncode == 2 and "openssl rand -base64 64" in malformed.stderr
