"""Deleting review data, for the privacy commands (`python -m bot erase` / `purge`).

Rasa's events are the privacy tools' job; these remove what the dashboard keeps about the same
conversations (summary, review, tags, notes, intent corrections), so nothing outlives them.
The audit log keeps its rows: it names conversations by id only, never their words.
"""
from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.moderation.schema import conversations, corrections, notes, reviews, tags

PER_CONVERSATION = (reviews, tags, notes, corrections, conversations)


def _delete(connection: Connection, sender_ids: Iterable[str]) -> int:
    ids = list(sender_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for table in PER_CONVERSATION:
            connection.execute(table.delete().where(table.c.sender_id.in_(chunk)))
    return len(ids)


def delete_conversation(engine: Engine, sender_id: str) -> bool:
    """Removes one conversation's review data; True when there was any."""
    with engine.begin() as connection:
        known = any(connection.execute(sa.select(table.c.sender_id)
                                       .where(table.c.sender_id == sender_id).limit(1)).first()
                    for table in PER_CONVERSATION)
        _delete(connection, [sender_id])
    return known


def delete_older_than(engine: Engine, cutoff: float) -> int:
    """Removes the review data of conversations whose last message is older than `cutoff`
    (a Unix time); returns how many conversations went."""
    with engine.begin() as connection:
        old = connection.execute(sa.select(conversations.c.sender_id)
                                 .where(conversations.c.last_at < cutoff)).scalars().all()
        return _delete(connection, old)
