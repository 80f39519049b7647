"""Writes conversations into a tracker database through Rasa's own SQLTrackerStore, so the rows
are exactly what a running assistant stores: for the dashboard's tests and its load benchmark.

    python -m bot.moderation.seed --conversations 10000 --db-url sqlite:///var/bench.db
"""
from __future__ import annotations

import argparse
import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.loading import load_data
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.database import ROOT
from bot.moderation.flags import CRISIS_PREFIX, SAFETY_SLOT


@dataclass
class Turn:
    """One user message as NLU read it, and what the bot did about it."""

    text: str
    intent: str
    confidence: float = 0.95
    entities: List[Dict[str, Any]] = field(default_factory=list)
    replies: Sequence[str] = ("Here is what can help.",)
    action: str = "action_serve_guideline"


def tracker_store(db_url: str, fast: bool = False) -> SQLTrackerStore:
    """Rasa's SQL tracker store on a SQLAlchemy URL (what endpoints.yml's tracker_store makes).

    `fast` lets SQLite skip waiting for the disk after each conversation (a benchmark's bulk
    seeding: thousands of commits); the rows written are the same.
    """
    url = make_url(db_url)
    store = SQLTrackerStore(dialect=url.drivername, host=url.host, port=url.port,
                            db=url.database or "", username=url.username, password=url.password)
    if fast and url.drivername.startswith("sqlite"):
        sa.event.listen(store.engine, "connect",
                        lambda connection, _: connection.execute("PRAGMA synchronous=OFF"))
    return store


def turn_events(turn: Turn, at: float, channel: str, metadata: Dict[str, Any]) -> List[Event]:
    """The events Rasa stores for one turn: the message, the slot a crisis sets, the actions."""
    parse_data = {"text": turn.text, "intent": {"name": turn.intent, "confidence": turn.confidence},
                  "entities": turn.entities,
                  "intent_ranking": [{"name": turn.intent, "confidence": turn.confidence}]}
    events: List[Event] = [UserUttered(turn.text, intent=parse_data["intent"],
                                       entities=turn.entities, parse_data=parse_data,
                                       timestamp=at, input_channel=channel, metadata=metadata)]
    if turn.intent.startswith(CRISIS_PREFIX):
        events.append(SlotSet(SAFETY_SLOT, turn.intent[len(CRISIS_PREFIX):], timestamp=at))
    events.append(ActionExecuted(turn.action, timestamp=at + 0.1))
    events += [BotUttered(text, {"buttons": []}, {}, timestamp=at + 0.2) for text in turn.replies]
    events.append(ActionExecuted("action_listen", timestamp=at + 0.3))
    return events


def conversation_events(turns: Sequence[Turn], channel: str, start: float,
                        metadata: Optional[Dict[str, Any]] = None) -> List[Event]:
    events: List[Event] = [ActionExecuted("action_session_start", timestamp=start),
                           SessionStarted(timestamp=start),
                           ActionExecuted("action_listen", timestamp=start)]
    for number, turn in enumerate(turns):
        events += turn_events(turn, start + 20 * (number + 1), channel, metadata or {})
    return events


async def _save_all(store: SQLTrackerStore, conversations: Iterable[tuple]) -> int:
    saved = 0
    for sender_id, events in conversations:
        await store.save(DialogueStateTracker.from_events(sender_id, events))
        saved += 1
    return saved


def save(db_url: str, conversations: Iterable[tuple], fast: bool = False) -> int:
    """Stores (sender_id, events) pairs through Rasa's tracker store; returns how many."""
    return asyncio.run(_save_all(tracker_store(db_url, fast), conversations))


# --- random but realistic conversations for the load benchmark --------------------------------
CHANNELS = [("socketio", "child"), ("socketio", "child"), ("rest", None), ("whatsapp", "parent"),
            ("telegram", "parent")]


def examples_by_intent() -> Dict[str, List[str]]:
    """Training examples as stand-ins for what people write (the seed needs realistic words)."""
    found: Dict[str, List[str]] = {}
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for message in load_data(str(path)).intent_examples:
            found.setdefault(message.get("intent"), []).append(message.get("text"))
    return found


def random_conversation(rng: random.Random, examples: Dict[str, List[str]]) -> List[Turn]:
    topics = [name for name in examples if name.startswith("ask_")]
    turns = [Turn(rng.choice(examples["greet"]), "greet", 0.99, action="utter_greet")]
    for _ in range(rng.randint(1, 6)):
        roll = rng.random()
        if roll < 0.05:
            intent = rng.choice([n for n in examples if n.startswith(CRISIS_PREFIX)])
            turns.append(Turn(rng.choice(examples[intent]), intent, 0.9,
                              action=f"utter_{intent}"))
        elif roll < 0.15:
            turns.append(Turn(rng.choice(examples["out_of_scope"]), "nlu_fallback", 0.3,
                              action="action_search_guidelines"))
        elif roll < 0.20:
            turns.append(Turn(rng.choice(examples["request_human"]), "request_human", 0.9,
                              action="utter_no_human_here"))
        elif roll < 0.25:
            turns.append(Turn("/feedback_negative", "feedback_negative", 1.0,
                              action="utter_feedback_sorry"))
        else:
            intent = rng.choice(topics)
            turns.append(Turn(rng.choice(examples[intent]), intent, rng.uniform(0.5, 1.0)))
    return turns


def generate(count: int, seed: int, days: int = 30) -> Iterable[tuple]:
    rng = random.Random(seed)
    examples = examples_by_intent()
    now = time.time()
    for number in range(count):
        channel, audience = rng.choice(CHANNELS)
        metadata = {"audience": audience} if audience else {}
        start = now - rng.uniform(0, days * 86400)
        yield (f"seed-{seed}-{number:06d}",
               conversation_events(random_conversation(rng, examples), channel, start, metadata))


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.moderation.seed", description=__doc__)
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    saved = save(args.db_url, generate(args.conversations, args.seed), fast=True)
    print(f"{saved} conversations stored in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
