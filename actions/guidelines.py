"""Guideline answers: the excerpt that fits the topic and the reader, and a search when unsure.

The knowledge base and its search index are built once, when the action server starts.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.guidelines.knowledge_base import Excerpt, KnowledgeBase, PlatformTip, age_band
from bot.guidelines.search import MIN_SCORE, MIN_SCORE_OUT_OF_SCOPE, GuidelineSearch

KNOWLEDGE = KnowledgeBase.load()
SEARCH = GuidelineSearch(KNOWLEDGE.excerpts)
TOPIC_PREFIX = "ask_"
MORE_INTENT = "request_more"
# Parents and educators write to the assistant from messaging apps; the widget is for children.
MESSAGING_CHANNELS = {"whatsapp", "telegram"}
# The platform tips that fit a topic, most useful first.
TIP_KINDS_FOR_TOPIC: Dict[str, Tuple[str, ...]] = {
    "ask_cyberbullying": ("block", "report"),
    "ask_stranger_contact": ("block", "report"),
    "ask_sharing_images": ("report", "block"),
    "ask_harmful_content": ("report",),
    "ask_gaming": ("block", "report"),
    "ask_scams": ("report", "block"),
    "ask_account_hacked": ("report",),
    "ask_reporting": ("report", "block"),
    "ask_privacy": ("private",),
    "ask_digital_footprint": ("private",),
    "ask_parental_controls": ("private",),
    "ask_social_media_age": ("private",),
}
TALK_TO_SOMEONE = {"title": "I need to talk to someone", "payload": "/request_human"}
FOLLOW_UP_BUTTONS = [
    {"title": "Tell me more", "payload": f"/{MORE_INTENT}"},
    TALK_TO_SOMEONE,
    {"title": "Ask something else", "payload": "/ask_something_else"},
]


def reader(tracker: Tracker) -> Tuple[str, Optional[str]]:
    """Who is asking (audience) and, for a child, the age band.

    What they told us comes first; then the channel's hint (the widget says `child`); then the
    channel itself: messaging apps default to the parent version, everything else to a child's.
    """
    metadata = tracker.latest_message.get("metadata") or {}
    audience = tracker.get_slot("audience") or metadata.get("audience")
    if audience not in ("child", "parent", "educator"):
        channel = tracker.get_latest_input_channel()
        audience = "parent" if channel in MESSAGING_CHANNELS else "child"
    return audience, age_band(tracker.get_slot("age"))


def mentioned_platform(tracker: Tracker) -> Optional[str]:
    value = next(tracker.get_latest_entity_values("platform"), None) or tracker.get_slot("platform")
    return value.lower().replace(" ", "") if isinstance(value, str) else None


def numbered(steps: Sequence[str]) -> List[str]:
    return [f"{number}. {step}" for number, step in enumerate(steps, start=1)]


def excerpt_text(excerpt: Excerpt) -> str:
    return "\n".join([excerpt.title, excerpt.text, *numbered(excerpt.steps),
                      f"Source: {excerpt.source.citation()}"])


def tip_text(tip: PlatformTip) -> str:
    note = [tip.note] if tip.note else []
    return "\n".join([f"{tip.title}:", *numbered(tip.steps), *note, f"Source: {tip.source}"])


class ActionServeGuideline(Action):
    """Answers a topic question, or "Tell me more", with the next excerpt this reader has not seen."""

    def name(self) -> Text:
        return "action_serve_guideline"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        chosen = next(tracker.get_latest_entity_values("guideline_id"), None)
        seen: List[str] = list(tracker.get_slot("guidelines_seen") or [])
        if intent.startswith(TOPIC_PREFIX):
            topic = intent
            if topic != tracker.get_slot("guideline_topic"):
                seen = []
        else:
            topic = tracker.get_slot("guideline_topic")
        if topic is None:
            dispatcher.utter_message(response="utter_ask_something_else")
            return []
        audience, band = reader(tracker)
        candidates = KNOWLEDGE.for_reader(topic, audience, band)
        excerpt = KNOWLEDGE.by_id(chosen) if chosen else None
        if excerpt is None or excerpt not in candidates:
            excerpt = next((e for e in candidates if e.id not in seen), None)
        if excerpt is None:
            dispatcher.utter_message(response="utter_no_more_guidelines")
            return [SlotSet("guideline_topic", topic)]
        messages = [excerpt_text(excerpt)]
        platform = mentioned_platform(tracker)
        if platform and not seen:
            messages += [tip_text(tip) for tip in
                         KNOWLEDGE.tips_for(platform, TIP_KINDS_FOR_TOPIC.get(topic, ()))[:1]]
        for text in messages[:-1]:
            dispatcher.utter_message(text=text)
        dispatcher.utter_message(text=messages[-1], buttons=FOLLOW_UP_BUTTONS)
        return [SlotSet("guideline_topic", topic), SlotSet("guidelines_seen", [*seen, excerpt.id])]


class ActionSearchGuidelines(Action):
    """When NLU is unsure or the question is off-topic: offer the three closest excerpts, or say
    honestly that it does not know and offer the topics and the helpline."""

    def name(self) -> Text:
        return "action_search_guidelines"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        audience, _ = reader(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        matches = SEARCH.search(
            tracker.latest_message.get("text") or "", audience=audience,
            min_score=MIN_SCORE_OUT_OF_SCOPE if intent == "out_of_scope" else MIN_SCORE,
        )
        if not matches:
            dispatcher.utter_message(response="utter_dont_know")
            return []
        buttons = [
            {
                "title": match.excerpt.title,
                "payload": f'/{match.excerpt.topic}{{"guideline_id":"{match.excerpt.id}"}}',
            }
            for match in matches
        ]
        buttons.append(TALK_TO_SOMEONE)
        dispatcher.utter_message(response="utter_search_results", buttons=buttons)
        return []
