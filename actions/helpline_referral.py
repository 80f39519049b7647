"""Helpline referral: the services for the person's country and reason, as text and as a payload.

The crisis rules send the universal referral from the domain first, so this action only adds
local detail; if it fails or the action server is down, the person already has a referral.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.helplines.country import (
    country_from_metadata, country_from_text, country_hint, country_name,
)
from bot.helplines.directory import HelplineDirectory

DIRECTORY = HelplineDirectory.load()
CRISIS_PREFIX = "crisis_"
SAFETY_SLOT = "safety_flag"


def person_country(tracker: Tracker) -> Optional[str]:
    """What they said first, then what the channel tells us."""
    said = next(tracker.get_latest_entity_values("country"), None) or tracker.get_slot("country")
    return (
        country_from_text(said)
        or tracker.get_slot("country_code")
        or country_from_metadata(tracker.latest_message.get("metadata"))
    )


def referral_reason(tracker: Tracker) -> str:
    intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
    if intent.startswith(CRISIS_PREFIX):
        return intent[len(CRISIS_PREFIX):]
    return tracker.get_slot(SAFETY_SLOT) or "general"


def referral_message(country: Optional[str], reason: str) -> Dict[str, Any]:
    """The `helpline_referral` payload every channel renders (see README)."""
    return {
        "type": "helpline_referral",
        "country": country,
        "reason": reason,
        "services": DIRECTORY.referral_services(country, reason),
    }


class ActionHelplineReferral(Action):
    """Sends the helplines for where the person is; asks the country when it is unknown."""

    def name(self) -> Text:
        return "action_helpline_referral"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        country = person_country(tracker)
        # Unknown country: a language tag's region may be offered and its services shown, but
        # the person confirms it; never a reason to hold back the referral.
        hint = None if country else country_hint(tracker.latest_message.get("metadata"))
        payload = referral_message(country or hint, referral_reason(tracker))
        if hint and hint in DIRECTORY.services:
            heading = f"If you are in {country_name(hint)}, these can help:"
        elif country and country in DIRECTORY.services:
            heading = "Here is who can help where you are:"
        elif country:
            heading = "I don't have helplines for your country yet. These can help from anywhere:"
        else:
            heading = "These can help from anywhere:"
        # One message: the heading as text and the services as the payload each channel renders
        # (a card in the widget, text with tappable numbers in messaging apps).
        dispatcher.utter_message(text=heading, json_message=payload)
        if not country:
            dispatcher.utter_message(response="utter_ask_country", buttons=country_buttons(hint))
        return [SlotSet("country_code", country)]


def country_buttons(hint: Optional[str]) -> List[Dict[str, str]]:
    """A one-tap answer for the hinted country; any other country is typed."""
    if not hint:
        return []
    name = country_name(hint)
    return [{"title": f"I'm in {name}", "payload": f'/inform{{"country":"{name}"}}'}]
