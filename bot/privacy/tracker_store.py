"""The assistant's tracker store: personal details are masked before anything is written.

Configured in endpoints.yml as `type: bot.privacy.tracker_store.RedactingTrackerStore`. A user
event keeps what moderators and the dialogue need (intent names, confidences, entity types and
positions, the safety net's verdict) while its text, the parse data's text and every entity value
go through `bot.privacy.redaction` ("my email is [email]"). The live turn is answered from the
original message; only what is stored (and streamed to an event broker) is masked, so a
conversation read back later, by Rasa or by a person, holds no e-mail, phone number, name,
address, school or username. On by default; REDACT_STORED_MESSAGES=false turns it off (a
deployment that must keep verbatim text, with the consent that needs).
"""
from __future__ import annotations

import json
import os
import re
from typing import Any, Dict, Iterator, List

from rasa.core.brokers.broker import EventBroker
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Session

from bot.privacy.redaction import default_redactor, redact_entities, redact_text
from bot.storage.durable import DurableSQLTrackerStore

SWITCH_ENV = "REDACT_STORED_MESSAGES"


def redaction_enabled(environ: Dict[str, str] = os.environ) -> bool:
    return environ.get(SWITCH_ENV, "true").strip().lower() not in {"false", "0", "no", "off"}


def payload_text(parse_data: Dict[str, Any]) -> str:
    """A button payload (`/inform{"user_role":"parent"}`) written again from parse data whose
    entity values are already masked: it is not free text, and masking it as text would turn
    it into nonsense for the people who read conversations."""
    entities = {entity["entity"]: entity["value"] for entity in parse_data.get("entities", [])}
    suffix = json.dumps(entities, separators=(",", ":")) if entities else ""
    return f"{INTENT_MESSAGE_PREFIX}{parse_data['intent']['name']}{suffix}"


def redact_user_event(data: Dict[str, Any]) -> Dict[str, Any]:
    """A serialised user event with its text and entity values masked, all else kept."""
    redacted = dict(data)
    parse_data = dict(redacted.get("parse_data") or {})
    if parse_data.get("entities"):
        parse_data["entities"] = redact_entities(parse_data["entities"])
    intent = str(parse_data.get("intent", {}).get("name") or "")
    # Rasa reads any text starting with "/" as a payload; only one naming an intent is one.
    is_payload = re.fullmatch(r"\w+", intent) is not None
    for container in (redacted, parse_data):
        text = container.get("text")
        if text:
            container["text"] = (payload_text(parse_data)
                                 if is_payload and text.startswith(INTENT_MESSAGE_PREFIX + intent)
                                 else redact_text(text))
    redacted["parse_data"] = parse_data
    return redacted


def redacted_events(events: List[Event]) -> List[Event]:
    return [Event.from_parameters(redact_user_event(event.as_dict()))
            if isinstance(event, UserUttered) else event for event in events]


class RedactingTrackerStore(DurableSQLTrackerStore):
    """The durable SQL tracker store, writing user events with personal details masked.

    Only the events not yet stored are masked, where Rasa picks them (`_additional_events` for
    the database, `_stream_new_events` for an event broker): masking the whole tracker at every
    save made each turn cost more the longer the conversation was.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built now (word lists, about a second): not in a child's first turn, and a broken
        # redactor stops the server at start instead of failing every save.
        default_redactor()

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator:
        events = super()._additional_events(session, tracker)
        return iter(redacted_events(list(events))) if redaction_enabled() else events

    async def _stream_new_events(self, event_broker: EventBroker, new_events: List[Event],
                                 sender_id: str) -> None:
        if redaction_enabled():
            new_events = redacted_events(new_events)
        await super()._stream_new_events(event_broker, new_events, sender_id)
