"""Guideline answers from the real action server and through the real assistant (REST channel)."""
from __future__ import annotations

import json
import re
import urllib.request
import uuid
from typing import Any, Dict, List, Optional

import pytest
import yaml

from bot.guidelines.knowledge_base import KnowledgeBase
from tests.conftest import ACTION_PORT, ROOT, RunningAssistant

CHILD_SOURCE = "Source: ITU Guidelines for children on Child Online Protection (2020)"
ADULT_SOURCE = "Source: ITU Guidelines for parents and educators on Child Online Protection (2020)"
FOLLOW_UPS = ["Tell me more", "I need to talk to someone", "Ask something else"]


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return KnowledgeBase.load()


def texts(replies: List[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def button_titles(replies: List[dict]) -> List[str]:
    return [button["title"] for reply in replies for button in reply.get("buttons", [])]


def sender() -> str:
    return f"guidelines-{uuid.uuid4().hex[:12]}"


def titles_for(knowledge: KnowledgeBase, topic: str, audience: str, band: Optional[str] = None):
    return {e.title for e in knowledge.excerpts
            if e.topic == topic and e.audience == audience and (band is None or e.ages == band)}


def shown_title(replies: List[dict]) -> str:
    """An answer starts with the excerpt's title line."""
    return replies[0]["text"].splitlines()[0]


def test_child_asking_about_mean_messages_on_tiktok_gets_the_child_excerpt_and_tiktok_tip(
    assistant: RunningAssistant, knowledge
):
    replies = assistant.say(sender(), "someone keeps sending me mean messages on tiktok")
    assert shown_title(replies) in titles_for(knowledge, "ask_cyberbullying", "child", "9-12")
    said = texts(replies)
    assert CHILD_SOURCE in said
    tip = knowledge.tips[("tiktok", "block")]
    assert tip.title in said and f"Source: {tip.source}" in said
    assert button_titles(replies) == FOLLOW_UPS
    body = replies[0]["text"].split("\nSource:")[0].split("\n", 1)[1]
    assert len([word for word in body.split() if not re.fullmatch(r"\d+\.", word)]) <= 70


def test_parent_asking_the_same_gets_the_parent_version(assistant: RunningAssistant, knowledge):
    parent = sender()
    assistant.say(parent, '/inform{"user_role":"parent"}')
    replies = assistant.say(parent, "someone keeps sending my son mean messages on tiktok")
    assert shown_title(replies) in titles_for(knowledge, "ask_cyberbullying", "parent")
    assert ADULT_SOURCE in texts(replies)
    child = assistant.say(sender(), "someone keeps sending me mean messages on tiktok")
    assert shown_title(child) != shown_title(replies)


def test_a_teenager_who_gives_their_age_gets_the_13_to_18_version(assistant, knowledge):
    teen = sender()
    assistant.say(teen, '/inform{"user_role":"child","age":"15"}')
    replies = assistant.say(teen, "how can i keep my stuff private online")
    assert shown_title(replies) in titles_for(knowledge, "ask_privacy", "child", "13-18")


def test_tell_me_more_pages_through_the_topic_without_repeating(assistant, knowledge):
    child = sender()
    shown = [shown_title(assistant.say(child, "what should i do if a game chat gets nasty"))]
    expected = len(knowledge.for_reader("ask_gaming", "child", None))
    for _ in range(expected - 1):
        shown.append(shown_title(assistant.say(child, "/request_more")))
    assert len(set(shown)) == expected
    assert set(shown) <= titles_for(knowledge, "ask_gaming", "child")
    assert "That's everything" in texts(assistant.say(child, "/request_more"))


def test_a_search_button_shows_exactly_the_excerpt_it_names(assistant, knowledge):
    excerpt = knowledge.for_reader("ask_scams", "child", None)[1]
    replies = assistant.say(sender(), f'/ask_scams{{"guideline_id":"{excerpt.id}"}}')
    assert shown_title(replies) == excerpt.title


def run_action(name: str, text: str, intent: str, channel: str = "rest",
               slots: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Calls the running action server's webhook as the Rasa server does."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    message = {"text": text, "intent": {"name": intent, "confidence": 0.4}, "entities": [],
               "metadata": {}}
    tracker = {
        "sender_id": "action-test", "slots": slots or {}, "latest_message": message,
        "events": [{"event": "user", "text": text, "parse_data": message,
                    "input_channel": channel, "timestamp": 1.0}],
        "paused": False, "followup_action": None, "active_loop": {},
        "latest_action_name": "action_listen", "latest_input_channel": channel,
    }
    body = {"next_action": name, "sender_id": "action-test", "tracker": tracker,
            "domain": domain, "version": "3.6.2"}
    request = urllib.request.Request(
        f"http://127.0.0.1:{ACTION_PORT}/webhook", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_search_offers_three_topics_as_buttons_when_nlu_is_unsure(assistant):
    result = run_action("action_search_guidelines",
                        "my daughter wont get off her tablet at night and is tired at school",
                        "nlu_fallback", channel="telegram")
    (message,) = result["responses"]
    assert message["response"] == "utter_search_results"
    payloads = [button["payload"] for button in message["buttons"]]
    assert 2 <= len(payloads) <= 4 and payloads[-1] == "/request_human"
    assert payloads[0].startswith('/ask_screen_time{"guideline_id":"screen-time-parent')


def test_search_says_honestly_when_it_does_not_know(assistant):
    result = run_action("action_search_guidelines", "how do i bake a chocolate cake", "out_of_scope")
    assert [m["response"] for m in result["responses"]] == ["utter_dont_know"]


def test_messaging_channels_get_the_parent_version_by_default(assistant, knowledge):
    result = run_action("action_serve_guideline", "how much screen time is ok", "ask_screen_time",
                        channel="whatsapp")
    title = result["responses"][0]["text"].splitlines()[0]
    assert title in titles_for(knowledge, "ask_screen_time", "parent")
    seen = next(e for e in result["events"] if e.get("name") == "guidelines_seen")
    assert len(seen["value"]) == 1
