"""One conversation: its transcript (masked) and its review: assignee, status, tags, notes,
escalation. Every change is written to the audit log in the same transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.moderation import audit, flags
from bot.moderation.accounts import Moderator
from bot.moderation.db import events, has_events_table
from bot.moderation.schema import conversations, corrections, moderators, notes, reviews, tags
from bot.privacy.redaction import redact_entities, redact_text

STATUSES = ("new", "in_review", "reviewed", "escalated")
MAX_TAG = 64
MAX_NOTE = 4000


class ReviewError(ValueError):
    """A change that cannot be made (the message says why)."""


@dataclass
class Turn:
    """One line of the transcript as the moderator sees it."""

    event_id: int
    kind: str  # user, bot, action, flag
    at: Optional[float]
    text: str = ""
    intent: Optional[str] = None
    confidence: Optional[float] = None
    entities: List[Dict[str, Any]] = field(default_factory=list)
    flags: List[str] = field(default_factory=list)
    buttons: List[str] = field(default_factory=list)
    corrected: Optional[str] = None
    # Typed by the person (not a button press): only such a message can be a training example.
    typed: bool = False


def _bot_turn(event_id: int, at: Optional[float], data: Dict[str, Any]) -> Turn:
    extra = data.get("data") if isinstance(data.get("data"), dict) else {}
    text = str(data.get("text") or "")
    custom = extra.get("custom")
    if isinstance(custom, dict) and custom.get("type"):
        text = (text + f"\n[{custom['type']}: {custom.get('reason') or ''}]").strip()
    titles = [str(b.get("title")) for b in extra.get("buttons") or [] if isinstance(b, dict)]
    return Turn(event_id, "bot", at, redact_text(text), buttons=titles)


def _user_turn(event_id: int, at: Optional[float], data: Dict[str, Any]) -> Turn:
    intent = flags.intent_of(data)
    entities = (data.get("parse_data") or {}).get("entities") or []
    entities = redact_entities([e for e in entities if isinstance(e, dict)])
    text = str(data.get("text") or "")
    return Turn(event_id, "user", at, redact_text(text),
                intent=intent.get("name"), confidence=intent.get("confidence"),
                entities=[{"entity": e.get("entity"), "value": e.get("value")} for e in entities],
                flags=flags.user_turn_flags(data), typed=flags.is_typed(text))


def transcript(engine: Engine, sender_id: str) -> List[Turn]:
    """The conversation's messages, actions and safety flags in order, personal data masked."""
    if not has_events_table(engine):
        return []
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(events.c.id, events.c.type_name, events.c.timestamp, events.c.data)
            .where(events.c.sender_id == sender_id).order_by(events.c.id)).all()
        fixed = dict(connection.execute(sa.select(corrections.c.event_id, corrections.c.intent)
                                        .where(corrections.c.sender_id == sender_id)).all())
    turns: List[Turn] = []
    for row in rows:
        data = flags.event_data(row.data)
        if row.type_name == "user":
            turn = _user_turn(row.id, row.timestamp, data)
            turn.corrected = fixed.get(row.id)
            turns.append(turn)
        elif row.type_name == "bot":
            turns.append(_bot_turn(row.id, row.timestamp, data))
        elif row.type_name == "action" and data.get("name") not in (None, "action_listen"):
            turns.append(Turn(row.id, "action", row.timestamp, str(data["name"])))
        elif row.type_name == "slot" and data.get("name") == flags.SAFETY_SLOT and data.get("value"):
            turns.append(Turn(row.id, "flag", row.timestamp, f"safety flag: {data['value']}"))
    return turns


def summary(engine: Engine, sender_id: str) -> Optional[Any]:
    with engine.connect() as connection:
        return connection.execute(sa.select(conversations)
                                  .where(conversations.c.sender_id == sender_id)).first()


def state(engine: Engine, sender_id: str) -> Dict[str, Any]:
    """The review's status, assignee, escalation, tags and notes."""
    with engine.connect() as connection:
        review = connection.execute(
            sa.select(reviews, moderators.c.name.label("assignee"))
            .select_from(reviews.outerjoin(moderators, moderators.c.id == reviews.c.assignee_id))
            .where(reviews.c.sender_id == sender_id)).first()
        tag_names = connection.execute(sa.select(tags.c.name).where(tags.c.sender_id == sender_id)
                                       .order_by(tags.c.name)).scalars().all()
        note_rows = connection.execute(sa.select(notes).where(notes.c.sender_id == sender_id)
                                       .order_by(notes.c.id)).all()
    return {"status": review.status if review else "new",
            "assignee": review.assignee if review else None,
            "escalated_at": review.escalated_at if review else None,
            "escalated_by": review.escalated_by if review else None,
            "tags": tag_names, "notes": note_rows}


def _upsert_review(connection: Connection, sender_id: str, now: float, **values: Any) -> None:
    exists = connection.execute(sa.select(reviews.c.sender_id)
                                .where(reviews.c.sender_id == sender_id)).first()
    if exists:
        connection.execute(reviews.update().where(reviews.c.sender_id == sender_id)
                           .values(updated_at=now, **values))
    else:
        connection.execute(reviews.insert().values(
            sender_id=sender_id, updated_at=now, **{"status": "new", **values}))


def assign_to(engine: Engine, who: Moderator, sender_id: str, now: float) -> None:
    with engine.begin() as connection:
        _upsert_review(connection, sender_id, now, assignee_id=who.id)
        audit.record(connection, who.name, "assign", sender_id, f"to {who.name}", now)


def set_status(engine: Engine, who: Moderator, sender_id: str, status: str, now: float) -> None:
    if status not in STATUSES:
        raise ReviewError(f"the status is one of {', '.join(STATUSES)}")
    with engine.begin() as connection:
        if status == "escalated":
            # Escalation names who handed it to the safeguarding lead, and when.
            _upsert_review(connection, sender_id, now, status=status, escalated_at=now,
                           escalated_by=who.name)
        else:
            _upsert_review(connection, sender_id, now, status=status)
        audit.record(connection, who.name, "status", sender_id, status, now)


def add_tag(engine: Engine, who: Moderator, sender_id: str, name: str, now: float) -> None:
    name = " ".join(name.split()).lower()
    if not 1 <= len(name) <= MAX_TAG:
        raise ReviewError(f"a tag is 1-{MAX_TAG} characters")
    with engine.begin() as connection:
        if connection.execute(sa.select(tags.c.id).where(tags.c.sender_id == sender_id,
                                                          tags.c.name == name)).first():
            return
        connection.execute(tags.insert().values(sender_id=sender_id, name=name,
                                                created_by=who.name, created_at=now))
        audit.record(connection, who.name, "tag", sender_id, name, now)


def remove_tag(engine: Engine, who: Moderator, sender_id: str, name: str, now: float) -> None:
    with engine.begin() as connection:
        connection.execute(tags.delete().where(tags.c.sender_id == sender_id, tags.c.name == name))
        audit.record(connection, who.name, "untag", sender_id, name[:MAX_TAG], now)


def add_note(engine: Engine, who: Moderator, sender_id: str, text: str, now: float) -> None:
    text = text.strip()
    if not 1 <= len(text) <= MAX_NOTE:
        raise ReviewError(f"a note is 1-{MAX_NOTE} characters")
    with engine.begin() as connection:
        connection.execute(notes.insert().values(sender_id=sender_id, author=who.name, text=text,
                                                 created_at=now))
        # The audit log says a note was written, not what it says.
        audit.record(connection, who.name, "note", sender_id, None, now)
