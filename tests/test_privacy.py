"""Personal details are masked before conversations are stored (bot/privacy/tracker_store.py)."""
from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from pathlib import Path

from rasa.core.brokers.sql import SQLEventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.redaction import redact_entities, redact_text
from bot.privacy.tracker_store import RedactingTrackerStore
from tests.conftest import ROOT, RunningAssistant

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
EMAIL = "ann.smith@example.com"
PHONE = "+44 7700 900123"
MESSAGE = f"i'm in the uk, my email is {EMAIL} and my number is {PHONE}"
ENTITIES = [{"entity": "country", "value": "uk", "start": 7, "end": 9, "confidence_entity": 0.97,
             "extractor": "CRFEntityExtractor"}]
INTENT = {"name": "ask_privacy", "confidence": 0.8125}


def stored_rows(database: Path, sender: str) -> list:
    with sqlite3.connect(database) as db:
        return [(kind, json.loads(data)) for kind, data in db.execute(
            "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,))]


def save(database: Path, sender: str) -> None:
    store = RedactingTrackerStore(host=f"sqlite:///{database}", domain=DOMAIN)
    parse_data = {"intent": INTENT, "entities": ENTITIES, "text": MESSAGE,
                  "intent_ranking": [INTENT]}
    tracker = DialogueStateTracker.from_events(sender, [
        UserUttered(MESSAGE, INTENT, ENTITIES, parse_data=parse_data),
        SlotSet("country", "GB"),
    ], DOMAIN.slots)
    asyncio.run(store.save(tracker))


def test_user_text_and_entity_values_are_masked_and_the_intent_kept(tmp_path):
    save(tmp_path / "tracker.db", "kid")
    (_, user), (_, slot) = stored_rows(tmp_path / "tracker.db", "kid")
    stored = json.dumps(user)
    assert EMAIL not in stored and "7700" not in stored
    assert user["text"] == user["parse_data"]["text"] == redact_text(MESSAGE)
    assert "[email]" in user["text"] and "[phone]" in user["text"]
    assert user["parse_data"]["intent"] == INTENT
    assert user["parse_data"]["intent_ranking"] == [INTENT]
    assert user["parse_data"]["entities"] == redact_entities(ENTITIES)
    assert slot["name"] == "country" and slot["value"] == "GB"


def test_a_growing_conversation_is_stored_and_streamed_masked_once_per_event(tmp_path):
    """Turn after turn only the new events are written, masked, to the database and to an
    event broker (Rasa's SQL broker here, as a real one would receive them)."""
    broker = SQLEventBroker(db=str(tmp_path / "broker.db"))
    store = RedactingTrackerStore(host=f"sqlite:///{tmp_path / 'tracker.db'}", domain=DOMAIN,
                                  event_broker=broker)
    tracker = DialogueStateTracker("kid", DOMAIN.slots)
    for turn in range(3):
        tracker.update(UserUttered(f"{MESSAGE} turn {turn}", INTENT))
        asyncio.run(store.save(tracker))
    stored = [data for kind, data in stored_rows(tmp_path / "tracker.db", "kid")]
    with sqlite3.connect(tmp_path / "broker.db") as db:
        streamed = [json.loads(data) for (data,) in db.execute("SELECT data FROM events")]
    for events in (stored, streamed):
        assert [event["text"] for event in events] == [
            redact_text(f"{MESSAGE} turn {turn}") for turn in range(3)]
        assert EMAIL not in json.dumps(events)


def test_redaction_can_be_switched_off_for_a_consented_deployment(tmp_path, monkeypatch):
    monkeypatch.setenv("REDACT_STORED_MESSAGES", "false")
    save(tmp_path / "tracker.db", "kid")
    (_, user), _ = stored_rows(tmp_path / "tracker.db", "kid")
    assert user["text"] == MESSAGE


def test_a_real_conversation_is_stored_without_the_childs_email(assistant: RunningAssistant):
    sender = f"privacy-{uuid.uuid4().hex[:8]}"
    replies = assistant.say(sender, f"someone keeps messaging me, my email is {EMAIL}")
    assert replies
    users = [data for kind, data in stored_rows(assistant.database, sender) if kind == "user"]
    assert len(users) == 1
    assert EMAIL not in json.dumps(users) and "[email]" in users[0]["text"]
    assert users[0]["parse_data"]["intent"]["name"]


def test_button_payloads_are_stored_as_sent_and_typed_slashes_are_still_masked(tmp_path):
    store = RedactingTrackerStore(host=f"sqlite:///{tmp_path / 'tracker.db'}", domain=DOMAIN)
    payload = '/inform{"user_role":"parent"}'
    typed = f"/help my email is {EMAIL}"
    tracker = DialogueStateTracker.from_events("parent", [
        UserUttered(payload, {"name": "inform", "confidence": 1.0},
                    [{"entity": "user_role", "value": "parent", "start": 7, "end": 29}]),
        UserUttered(typed, {"name": "help my email is " + EMAIL, "confidence": 1.0}),
    ], DOMAIN.slots)
    asyncio.run(store.save(tracker))
    users = [data for kind, data in stored_rows(tmp_path / "tracker.db", "parent") if kind == "user"]
    assert users[0]["text"] == payload and users[0]["parse_data"]["intent"]["name"] == "inform"
    assert EMAIL not in users[1]["text"] and "[email]" in users[1]["text"]
