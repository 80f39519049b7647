"""The dashboard's part of the privacy commands (`python -m bot erase` / `purge`).

Rasa's events are deleted by bot/privacy/retention.py; REVIEW_DATA registers what the dashboard
keeps about the same conversations (summary, review, tags, notes, intent corrections) as one
more store there, so an erasure or a purge removes both in one transaction and nothing outlives
the conversation. The audit log keeps its rows: it names conversations by id only, never their
words, and `record_deletion` adds the entry for the deletion itself.
"""
from __future__ import annotations

import json
from typing import Dict, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.moderation.audit import SYSTEM_PREFIX, record
from bot.moderation.schema import conversations, corrections, notes, reviews, tags
from bot.privacy.retention import DataStore

PER_CONVERSATION = (reviews, tags, notes, corrections, conversations)
CHUNK = 500


def _delete(connection: Connection, sender_ids: Iterable[str]) -> int:
    ids, deleted = list(sender_ids), 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        for table in PER_CONVERSATION:
            deleted += connection.execute(
                table.delete().where(table.c.sender_id.in_(chunk))).rowcount
    return deleted


def erase_reviews(connection: Connection, sender_id: str) -> int:
    """Removes one conversation's review data; returns rows deleted."""
    return _delete(connection, [sender_id])


def purge_reviews(connection: Connection, cutoff: float) -> int:
    """Removes the review data of conversations whose last message is older than `cutoff`
    (a Unix time); returns rows deleted."""
    old = connection.execute(sa.select(conversations.c.sender_id)
                             .where(conversations.c.last_at < cutoff)).scalars().all()
    return _delete(connection, old)


REVIEW_DATA = DataStore("moderation_reviews", purge_reviews, erase_reviews)


def record_deletion(connection: Connection, action: str, target: Optional[str],
                    deleted: Dict[str, int]) -> None:
    """The audit entry of a purge or an erasure, e.g. actor `system:erase`."""
    record(connection, SYSTEM_PREFIX + action, action, target, json.dumps(deleted))
