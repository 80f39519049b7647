"""Rasa's SQL tracker store, made safe to lose its database for a moment.

Rasa wraps every tracker store in a `FailSafeTrackerStore` that, on any error, reads an empty
tracker (the conversation silently starts over) and saves to process memory (the turn is lost
when the database comes back). A PostgreSQL restart or fail-over would therefore drop children's
messages while the REST channel still answered them. This store instead:

- reads its URL from `database_url()` (DB_URL, else var/tracker.db), the one place every part of
  the assistant (tracker store, purge, erase, moderation) agrees on;
- pings pooled connections before use, so connections left dead by a database restart are
  replaced instead of failing one request each;
- retries a read or a write for up to `DB_RETRY_SECONDS` (default 30) while the database is
  unreachable, sleeping without blocking the event loop;
- when it still fails, marks the turn in `storage_failed`, so our channels (`stored_turn` in
  bot/channels/fallback.py) answer "try again" (REST 503, the widget "Not sent") instead of
  acknowledging a message that was not stored.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import time
from typing import Any, Awaitable, Callable, Optional, TypeVar

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

from bot.database import database_url

logger = logging.getLogger(__name__)

RETRY_ENV = "DB_RETRY_SECONDS"
DEFAULT_RETRY_SECONDS = 30.0
RETRY_PAUSE_SECONDS = 0.5

# Set when this turn's conversation could not be read or stored (see the module docstring).
storage_failed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "storage_failed", default=False)

T = TypeVar("T")


class DurableSQLTrackerStore(SQLTrackerStore):
    """The SQL tracker store on `database_url()`, retrying while the database is unreachable."""

    def __init__(self, host: Optional[str] = None, **kwargs: Any) -> None:
        # `host` is the endpoint's `url:`; without one the shared database URL is used.
        url = host or database_url()
        super().__init__(host=url, **kwargs)
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.retry_seconds = float(os.environ.get(RETRY_ENV, DEFAULT_RETRY_SECONDS))

    async def _with_retry(self, what: str, operation: Callable[[], Awaitable[T]]) -> T:
        deadline = time.monotonic() + self.retry_seconds
        while True:
            try:
                return await operation()
            except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError) as error:
                if time.monotonic() >= deadline:
                    storage_failed.set(True)
                    logger.error("tracker store: %s failed, database unreachable (%s)",
                                 what, type(error).__name__)
                    raise
                logger.warning("tracker store: %s waiting for the database (%s)",
                               what, type(error).__name__)
                await asyncio.sleep(RETRY_PAUSE_SECONDS)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._with_retry("read", lambda: super(
            DurableSQLTrackerStore, self).retrieve(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        return await self._with_retry("read", lambda: super(
            DurableSQLTrackerStore, self).retrieve_full_tracker(conversation_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        if storage_failed.get():
            # This turn's read failed, so Rasa's fail-safe wrapper handed the turn an empty
            # tracker: writing it would append a conversation rebuilt from nothing.
            raise RuntimeError("tracker store: not saving a tracker whose read failed")
        await self._with_retry("write", lambda: super(DurableSQLTrackerStore, self).save(tracker))
