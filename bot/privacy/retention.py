"""Retention and erasure: what `python -m bot purge` and `python -m bot erase` delete.

Every store of personal data registers here once, as a `DataStore` with two deleters that run
on a connection inside one transaction: purging everything older than a cut-off, or erasing one
person's data (the sender id their channel gives them). The tracker events are the first store;
the moderation tables and their audit log plug in the same way, so a purge or an erasure is
all-or-nothing across stores and no store is forgotten.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Mapping, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from rasa.core.tracker_store import SQLTrackerStore

from bot.database import database_url

PURGE_AFTER_DAYS_ENV = "PURGE_AFTER_DAYS"
# The widget's privacy notice promises this (bot/web/config.py: retention_days).
DEFAULT_PURGE_AFTER_DAYS = 30


@dataclass(frozen=True)
class DataStore:
    """One place personal data is kept, and how to delete from it (each returns rows deleted)."""

    name: str
    purge: Callable[[Connection, float], int]  # cut-off, seconds since the epoch
    erase: Callable[[Connection, str], int]    # sender id


EVENTS = SQLTrackerStore.SQLEvent.__table__


def purge_tracker_events(connection: Connection, cutoff: float) -> int:
    return connection.execute(EVENTS.delete().where(EVENTS.c.timestamp < cutoff)).rowcount


def erase_tracker_events(connection: Connection, sender_id: str) -> int:
    return connection.execute(EVENTS.delete().where(EVENTS.c.sender_id == sender_id)).rowcount


DATA_STORES: List[DataStore] = [
    DataStore("tracker_events", purge_tracker_events, erase_tracker_events),
]


def purge_after_days(environ: Mapping[str, str] = os.environ) -> float:
    value = environ.get(PURGE_AFTER_DAYS_ENV, "").strip()
    days = float(value) if value else DEFAULT_PURGE_AFTER_DAYS
    if days <= 0:
        raise ValueError(f"{PURGE_AFTER_DAYS_ENV} must be a positive number of days")
    return days


def engine() -> Engine:
    return sa.create_engine(database_url())


# Writes the audit entry of a deletion (action, target, rows deleted per store) in its
# transaction, so a deletion and its record stand or fall together.
AuditRecorder = Callable[[Connection, str, Optional[str], Dict[str, int]], None]


def _run(deleter: Callable[[DataStore, Connection], int], stores: Sequence[DataStore],
         db: Optional[Engine], audit: Optional[AuditRecorder], action: str,
         target: Optional[str]) -> Dict[str, int]:
    db = db or engine()
    with db.begin() as connection:
        # Before Rasa's first start the table is missing; Rasa creates the same one.
        EVENTS.create(connection, checkfirst=True)
        deleted = {store.name: deleter(store, connection) for store in stores}
        if audit is not None:
            audit(connection, action, target, deleted)
        return deleted


def purge(older_than_seconds: float, stores: Sequence[DataStore] = DATA_STORES,
          db: Optional[Engine] = None, now: Callable[[], float] = time.time,
          audit: Optional[AuditRecorder] = None) -> Dict[str, int]:
    """Deletes everything older than `older_than_seconds`; returns rows deleted per store."""
    cutoff = now() - older_than_seconds
    return _run(lambda store, connection: store.purge(connection, cutoff), stores, db, audit,
                "purge", f"older than {older_than_seconds:.0f} s")


def erase(sender_id: str, stores: Sequence[DataStore] = DATA_STORES,
          db: Optional[Engine] = None, audit: Optional[AuditRecorder] = None) -> Dict[str, int]:
    """Deletes one person's data from every store; returns rows deleted per store."""
    return _run(lambda store, connection: store.erase(connection, sender_id), stores, db, audit,
                "erase", sender_id)
