"""Talking to the real running assistant (action server + Rasa server) through the REST channel."""
from __future__ import annotations

import sqlite3
import urllib.error
import urllib.request
import uuid

import pytest

from tests.conftest import RunningAssistant

UNIVERSAL_REFERRAL = "childhelplineinternational.org"


def texts(replies) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def test_sextortion_message_gets_a_helpline_referral(assistant: RunningAssistant):
    replies = assistant.say(new_sender(), "someone is threatening to post my pics unless i pay")
    said = texts(replies)
    assert "not your fault" in said
    assert "Don't pay" in said
    assert UNIVERSAL_REFERRAL in said
    assert "takeitdown.ncmec.org" in said
    assert replies[-1]["text"] == "Are you safe right now?"


@pytest.mark.parametrize(
    "message",
    [
        "i dont want to be alive anymore",
        "my mums boyfriend hits me and says he'll hurt me if i tell",
        "he says hell send my nudez to evry1 if i dont give him 50 quid",
    ],
)
def test_crisis_as_the_very_first_message_is_answered_with_helplines(assistant, message):
    said = texts(assistant.say(new_sender(), message))
    assert "not your fault" in said
    assert UNIVERSAL_REFERRAL in said


def test_crisis_after_other_turns_and_not_safe_gets_emergency_advice(assistant):
    sender = new_sender()
    assistant.say(sender, "hi")
    assistant.say(sender, "how do i make my instagram private")
    said = texts(assistant.say(sender, "a man on roblox keeps asking me for pics in my underwear and says its our secret"))
    assert UNIVERSAL_REFERRAL in said
    assert "emergency number" in texts(assistant.say(sender, "no"))


def test_greeting_offers_onboarding_buttons_that_set_the_audience(assistant):
    sender = new_sender()
    greeting = assistant.say(sender, "hello")
    assert "not a person" in texts(greeting)
    buttons = {button["title"]: button["payload"] for button in greeting[0]["buttons"]}
    assert set(buttons) == {"I'm a young person", "I'm a parent", "I'm a teacher"}
    assistant.say(sender, buttons["I'm a parent"])
    parent_answer = texts(assistant.say(sender, "someone keeps sending my son mean messages"))
    child_answer = texts(assistant.say(new_sender(), "someone keeps sending me mean messages"))
    assert parent_answer != child_answer
    assert "1." in parent_answer  # parents get step-by-step advice
    assert "Guidelines for parents and educators" in parent_answer
    assert "Guidelines for children" in child_answer


def test_topic_question_is_answered_without_onboarding(assistant):
    said = texts(assistant.say(new_sender(), "someone hacked my account and changed my password"))
    assert "password" in said.lower()


def test_bot_challenge_says_it_is_a_bot_and_how_to_reach_a_person(assistant):
    said = texts(assistant.say(new_sender(), "am i talking to a real person?"))
    assert "bot" in said and "helpline" in said


def test_nonsense_gets_an_honest_answer_with_topics_and_the_helpline_option(assistant):
    replies = assistant.say(new_sender(), "qwxz plorf 77 zzkk")
    titles = [button["title"] for reply in replies for button in reply.get("buttons", [])]
    assert "I need to talk to someone" in titles
    assert "don't know" in texts(replies) or "not sure I understood" in texts(replies)


def test_script_tags_are_answered_safely(assistant):
    replies = assistant.say(new_sender(), "<script>alert(1)</script>")
    assert replies and "<script>" not in texts(replies)


def test_conversation_is_stored_with_its_safety_flag(assistant):
    sender = new_sender()
    assistant.say(sender, "i want to kill myself")
    with sqlite3.connect(assistant.database) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot'", (sender,)
        ).fetchall()
    assert any('"safety_flag"' in data and '"self_harm"' in data for (data,) in rows)


def test_http_api_requires_the_token(assistant):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{assistant.url}/status", timeout=10)
    assert refused.value.code == 401
    with urllib.request.urlopen(f"{assistant.url}/status?token={assistant.token}", timeout=10) as ok:
        assert ok.status == 200


def referral_payload(replies) -> dict:
    payloads = [reply["custom"] for reply in replies if reply.get("custom", {}).get("type") == "helpline_referral"]
    assert len(payloads) == 1, replies
    return payloads[0]


def test_rwanda_sextortion_gets_the_rwandan_helpline_and_image_removal(assistant):
    replies = assistant.say(
        new_sender(), "im in rwanda and someone says theyll share my photos if i dont send money"
    )
    payload = referral_payload(replies)
    assert payload["country"] == "RW" and payload["reason"] == "sextortion"
    phones = [service["phone"] for service in payload["services"]]
    assert "116" in phones
    assert any(service["kind"] == "image_removal" for service in payload["services"])
    assert "116" in texts(replies)
    assert set(payload["services"][0]) == {
        "name", "kind", "phone", "sms", "chat_url", "whatsapp", "website", "hours"}


def test_country_from_widget_metadata_gives_local_helplines(assistant):
    payload = referral_payload(
        assistant.say(new_sender(), "i want to kill myself", metadata={"country": "GB"})
    )
    assert payload["country"] == "GB" and payload["reason"] == "self_harm"


def test_unknown_country_gets_universal_referral_first_then_the_question(assistant):
    sender = new_sender()
    replies = assistant.say(sender, "my stepdad hits me and i am scared to go home")
    said = texts(replies)
    assert said.index(UNIVERSAL_REFERRAL) < said.index("Which country are you in")
    assert referral_payload(replies)["country"] is None
    later = referral_payload(assistant.say(sender, "i live in kenya"))
    assert later["country"] == "KE" and later["reason"] == "abuse"


@pytest.mark.parametrize(
    "message",
    ["someone is threatening to post my pics unless i pay", "i want to end my life",
     "a man online wants me to meet him and keep it secret"],
)
def test_crisis_with_the_action_server_down_still_gets_a_referral(assistant_without_actions, message):
    said = texts(assistant_without_actions.say(new_sender(), message))
    assert "not your fault" in said
    assert UNIVERSAL_REFERRAL in said
    assert "emergency number" in said


def test_a_topic_question_with_the_action_server_down_gets_the_helpline_not_silence(
        assistant_without_actions):
    replies = assistant_without_actions.say(new_sender(), "how do i make my instagram private")
    said = texts(replies)
    assert "can't answer that just now" in said
    assert UNIVERSAL_REFERRAL in said
