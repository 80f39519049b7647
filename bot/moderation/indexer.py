"""Keeps one summary row per conversation up to date from Rasa's events, by event id.

Each run reads only events newer than the last one it saw, so the inbox stays fast with
thousands of conversations: it queries `moderation_conversations`, never the events table.
The text kept for search is masked by the shared redactor before it is stored.
"""
from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.moderation import flags
from bot.moderation.db import events, has_events_table
from bot.moderation.schema import conversations, index_state
from bot.privacy.redaction import redact_text

STATE_KEY = "events"
BATCH = 5000
MAX_SEARCH_TEXT = 20000
MAIN_TOPICS = 3
_lock = threading.Lock()


@dataclass
class Summary:
    """What the inbox shows of one conversation, built up event by event."""

    sender_id: str
    channel: Optional[str] = None
    audience: Optional[str] = None
    started_at: Optional[float] = None
    last_at: Optional[float] = None
    turns: int = 0
    topic_counts: Counter = field(default_factory=Counter)
    crisis: List[str] = field(default_factory=list)
    first_crisis_at: Optional[float] = None
    counts: Counter = field(default_factory=Counter)
    min_confidence: Optional[float] = None
    search_text: str = ""
    last_event_id: int = 0
    stored: bool = False

    @classmethod
    def from_row(cls, row: Any) -> "Summary":
        return cls(
            sender_id=row.sender_id, channel=row.channel, audience=row.audience,
            started_at=row.started_at, last_at=row.last_at, turns=row.turns,
            topic_counts=Counter(json.loads(row.topic_counts or "{}")),
            crisis=row.crisis_kinds.split(), first_crisis_at=row.first_crisis_at,
            counts=Counter({"fallback": row.fallback_turns,
                            "low_confidence": row.low_confidence_turns,
                            "human": row.human_requests,
                            "negative_feedback": row.negative_feedback,
                            "positive_feedback": row.positive_feedback}),
            min_confidence=row.min_confidence, search_text=row.search_text,
            last_event_id=row.last_event_id, stored=True,
        )

    def add_crisis(self, kinds: Iterable[str], at: Optional[float]) -> None:
        for kind in kinds:
            if kind not in self.crisis:
                self.crisis.append(kind)
            if self.first_crisis_at is None:
                self.first_crisis_at = at

    def add(self, event_id: int, type_name: str, at: Optional[float], data: Dict[str, Any]) -> None:
        """Folds one Rasa event into the summary."""
        self.last_event_id = max(self.last_event_id, event_id)
        if at is not None:
            self.started_at = at if self.started_at is None else min(self.started_at, at)
            self.last_at = at if self.last_at is None else max(self.last_at, at)
        if type_name == "user":
            self.add_user_turn(at, data)
        elif type_name == "slot" and data.get("name") == flags.SAFETY_SLOT and data.get("value"):
            self.add_crisis([str(data["value"])], at)
        elif type_name == "slot" and data.get("name") == "audience" and data.get("value"):
            self.audience = str(data["value"])
        elif type_name == "action" and data.get("name") == flags.FALLBACK_ACTION:
            self.counts["fallback"] += 1

    def add_user_turn(self, at: Optional[float], data: Dict[str, Any]) -> None:
        self.turns += 1
        self.channel = self.channel or data.get("input_channel")
        metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
        self.audience = self.audience or metadata.get("audience")
        intent = flags.intent_of(data)
        name, confidence = intent.get("name"), intent.get("confidence")
        if isinstance(name, str) and name.startswith(flags.TOPIC_PREFIX):
            self.topic_counts[name] += 1
        if name == flags.FEEDBACK_POSITIVE:
            self.counts["positive_feedback"] += 1
        if isinstance(confidence, (int, float)):
            self.min_confidence = (confidence if self.min_confidence is None
                                   else min(self.min_confidence, confidence))
        turn_flags = flags.user_turn_flags(data)
        self.add_crisis([f for f in turn_flags if f in flags.CRISIS_KINDS], at)
        self.counts.update(f for f in turn_flags if f not in flags.CRISIS_KINDS)
        text = str(data.get("text") or "")
        # Button payloads ("/feedback_negative") are not words anybody searches for.
        if flags.is_typed(text) and len(self.search_text) < MAX_SEARCH_TEXT:
            self.search_text = (self.search_text + " " + redact_text(text).lower()).strip()

    def priority(self) -> int:
        if self.crisis:
            return 0
        flagged = ("fallback", "low_confidence", "human", "negative_feedback")
        return 1 if any(self.counts[name] for name in flagged) else 2

    def row(self) -> Dict[str, Any]:
        main = [name for name, _ in self.topic_counts.most_common()]
        return {
            "sender_id": self.sender_id, "channel": self.channel, "audience": self.audience,
            "started_at": self.started_at, "last_at": self.last_at, "turns": self.turns,
            "topic_counts": json.dumps(dict(self.topic_counts), sort_keys=True),
            "topics": " " + " ".join(main) + " ",
            "crisis_kinds": " " + " ".join(self.crisis) + " ",
            "first_crisis_at": self.first_crisis_at,
            "fallback_turns": self.counts["fallback"],
            "low_confidence_turns": self.counts["low_confidence"],
            "human_requests": self.counts["human"],
            "negative_feedback": self.counts["negative_feedback"],
            "positive_feedback": self.counts["positive_feedback"],
            "min_confidence": self.min_confidence, "priority": self.priority(),
            "search_text": self.search_text[:MAX_SEARCH_TEXT],
            "last_event_id": self.last_event_id,
        }


def main_topics(topic_counts_json: str) -> List[str]:
    """The conversation's most asked topics, most asked first."""
    counts = Counter(json.loads(topic_counts_json or "{}"))
    return [name for name, _ in counts.most_common(MAIN_TOPICS)]


def _last_indexed(connection: Connection, lock: bool = False) -> int:
    """The last event folded in; `lock` holds the row until commit, so web app workers in other
    processes (PostgreSQL) index one after another instead of twice (SQLite locks anyway)."""
    query = sa.select(index_state.c.last_event_id).where(index_state.c.name == STATE_KEY)
    value = connection.execute(query.with_for_update() if lock else query).scalar()
    return value or 0


def _save(connection: Connection, summaries: Iterable[Summary], last_id: int, had_state: bool) -> None:
    for summary in summaries:
        values = summary.row()
        if summary.stored:
            connection.execute(conversations.update()
                               .where(conversations.c.sender_id == summary.sender_id)
                               .values(values))
        else:
            connection.execute(conversations.insert().values(values))
    if had_state:
        connection.execute(index_state.update().where(index_state.c.name == STATE_KEY)
                           .values(last_event_id=last_id))
    else:
        connection.execute(index_state.insert().values(name=STATE_KEY, last_event_id=last_id))


def index_batch(engine: Engine, batch: int = BATCH) -> int:
    """Folds the next `batch` new events into the summaries; returns how many it read."""
    with engine.begin() as connection:
        last = _last_indexed(connection, lock=True)
        rows = connection.execute(
            sa.select(events.c.id, events.c.sender_id, events.c.type_name,
                      events.c.timestamp, events.c.data)
            .where(events.c.id > last).order_by(events.c.id).limit(batch)).all()
        if not rows:
            return 0
        senders = {row.sender_id for row in rows}
        summaries = {
            row.sender_id: Summary.from_row(row)
            for row in connection.execute(
                sa.select(conversations).where(conversations.c.sender_id.in_(senders)))
        }
        for row in rows:
            summary = summaries.setdefault(row.sender_id, Summary(row.sender_id))
            summary.add(row.id, row.type_name, row.timestamp, flags.event_data(row.data))
        had_state = connection.execute(sa.select(index_state.c.name).where(
            index_state.c.name == STATE_KEY)).first() is not None
        _save(connection, summaries.values(), rows[-1].id, had_state)
        return len(rows)


def refresh(engine: Engine, wait: Optional[float] = None, max_events: Optional[int] = None,
            stop: Optional[threading.Event] = None) -> Optional[int]:
    """Indexes events stored since the last run; returns how many, or None when another run
    held the lock for longer than `wait` seconds (None: as long as it takes).

    A page calls it with a short wait and a budget of events, so a big backlog (the first run
    on an old database) never holds a request; the background indexer (dashboard.py) takes
    the rest, checking `stop` between batches.
    """
    if not has_events_table(engine):
        return 0
    if not _lock.acquire(timeout=-1 if wait is None else wait):
        return None
    try:
        total = 0
        while not (stop is not None and stop.is_set()):
            if max_events is not None and total >= max_events:
                break
            read = index_batch(engine)
            total += read
            if read == 0:
                break
        return total
    finally:
        _lock.release()


def backlog(engine: Engine) -> int:
    """About how many stored events the summaries do not reflect yet (0 when up to date)."""
    if not has_events_table(engine):
        return 0
    with engine.connect() as connection:
        newest = connection.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0
        return max(0, newest - _last_indexed(connection))


def forget(connection: Connection, sender_id: str) -> None:
    """Drops a conversation's summary (its events were erased)."""
    connection.execute(conversations.delete().where(conversations.c.sender_id == sender_id))
