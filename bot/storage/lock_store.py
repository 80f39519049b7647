"""The conversation lock store, chosen by REDIS_URL.

Rasa serialises the turns of one conversation with a lock. One Rasa process can keep its locks in
memory (the default, what `make run` uses); two or more processes serving the same conversations
must share them, in Redis, or two replicas would answer the same conversation at once and store
interleaved events. endpoints.yml names this class (`type: bot.storage.lock_store.
EnvironmentLockStore`) so the same file serves both set-ups: Rasa's YAML has no "default when
unset" for `${VAR}`.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from typing import Any, AsyncIterator, Mapping
from urllib.parse import urlsplit

from rasa.constants import ENV_SANIC_WORKERS
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore, RedisLockStore

logger = logging.getLogger(__name__)

REDIS_URL_ENV = "REDIS_URL"
# Rasa's default waits 10 s on an unresponsive Redis; a child should learn sooner to try again.
SOCKET_TIMEOUT_SECONDS = 5.0
# A lock change is a read and a write of one small key: milliseconds. The mutex expires on its
# own if a replica dies holding it.
MUTEX_SECONDS = 5.0
MUTEX_POLL_SECONDS = 0.005


def redis_url(environ: Mapping[str, str] = os.environ) -> str:
    return environ.get(REDIS_URL_ENV, "").strip()


# How often a turn renews its ticket, as a share of the lifetime: two renewals may fail (a
# blocked event loop, a Redis blip) before the ticket lapses.
RENEWALS_PER_LIFETIME = 3


class TurnLongLocks(LockStore):
    """A conversation's lock held for as long as its turn runs, however long that is.

    Rasa's ticket expires TICKET_LOCK_LIFETIME (60 s) after it is issued, even while its turn
    still runs: waiting on a slow action server (Rasa allows it 5 minutes) or a database being
    restarted (DB_RETRY_SECONDS) outlasts it. The conversation's next message then runs beside
    the first, and the later save counts the other turn's events as its own: one turn's events
    are never stored. Here each waiting or running turn renews its ticket several times a
    lifetime, so the lifetime only bounds how long a ticket outlives a killed server.
    """

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncIterator[TicketLock]:
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        renewals = asyncio.create_task(self._renew(conversation_id, ticket, lock_lifetime))
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            renewals.cancel()
            self.cleanup(conversation_id, ticket)

    async def _renew(self, conversation_id: str, ticket_number: int, lifetime: float) -> None:
        while True:
            await asyncio.sleep(lifetime / RENEWALS_PER_LIFETIME)
            try:
                self.renew_ticket(conversation_id, ticket_number, lifetime)
            except Exception as error:  # noqa: BLE001 - the next renewal may succeed
                logger.warning("could not renew a conversation lock: %s", type(error).__name__)

    def renew_ticket(self, conversation_id: str, ticket_number: int, lifetime: float) -> None:
        """Move one ticket's expiry to `lifetime` from now, if it is still in the queue."""
        lock = self.get_lock(conversation_id)
        if lock is None:
            return
        for ticket in lock.tickets:
            if ticket.number == ticket_number:
                ticket.expires = time.time() + lifetime
                self.save_lock(lock)
                return


class TurnLongInMemoryLockStore(TurnLongLocks, InMemoryLockStore):
    """One process's locks, each lasting as long as its turn."""


class AtomicRedisLockStore(TurnLongLocks, RedisLockStore):
    """Rasa's Redis lock store, each change of a conversation's lock made under a Redis mutex.

    Rasa's own reads a conversation's ticket lock, changes it and writes it back (issue a
    ticket, drop expired ones, finish and delete). Between two replicas nothing makes that
    atomic: two messages of one conversation arriving at once, one at each replica, could both
    read "no lock", both take ticket 0 and run their turns together; the later save then
    counts the other's events as its own and one turn's events are never stored. Under a
    short per-conversation mutex (Redis SET NX with expiry, redis-py's `Lock`) the second
    replica reads the first one's ticket and queues behind it.
    """

    def _mutex(self, conversation_id: str) -> Any:
        return self.red.lock(f"{self.key_prefix}{conversation_id}:mutex",
                             timeout=MUTEX_SECONDS, sleep=MUTEX_POLL_SECONDS,
                             blocking_timeout=MUTEX_SECONDS)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def renew_ticket(self, conversation_id: str, ticket_number: int, lifetime: float) -> None:
        with self._mutex(conversation_id):
            super().renew_ticket(conversation_id, ticket_number, lifetime)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finishing and deleting are one step: otherwise a ticket issued in between is
        deleted with the lock, and its turn fails to find it."""
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)


def redis_lock_store(url: str) -> RedisLockStore:
    """Rasa's Redis lock store from a URL: redis[s]://[[user]:password@]host[:port][/db]."""
    parts = urlsplit(url)
    database = parts.path.lstrip("/")
    return AtomicRedisLockStore(
        host=parts.hostname or "localhost", port=parts.port or 6379,
        db=int(database) if database else 1, username=parts.username or None,
        password=parts.password or None, use_ssl=parts.scheme == "rediss",
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
    )


def sanic_workers(environ: Mapping[str, str] = os.environ) -> int:
    """The Rasa server's worker processes, as Rasa reads them (SANIC_WORKERS, default 1)."""
    try:
        return int(environ.get(ENV_SANIC_WORKERS, "1"))
    except ValueError:
        return 1


class EnvironmentLockStore:
    """A factory Rasa calls like a lock store class: Redis's when REDIS_URL is set, else memory.

    Rasa allows SANIC_WORKERS > 1 for any custom lock store type, so this one must refuse to
    hand several workers in-memory locks: each would lock only its own copy.
    """

    def __new__(cls, endpoint_config: Any = None) -> LockStore:  # type: ignore[misc]
        url = redis_url()
        if url:
            return redis_lock_store(url)
        if sanic_workers() > 1:
            raise ValueError(f"{ENV_SANIC_WORKERS}={sanic_workers()} needs {REDIS_URL_ENV}: "
                             "workers must share their conversation locks in Redis")
        return TurnLongInMemoryLockStore()
