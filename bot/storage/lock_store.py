"""The conversation lock store, chosen by REDIS_URL.

Rasa serialises the turns of one conversation with a lock. One Rasa process can keep its locks in
memory (the default, what `make run` uses); two or more processes serving the same conversations
must share them, in Redis, or two replicas would answer the same conversation at once and store
interleaved events. endpoints.yml names this class (`type: bot.storage.lock_store.
EnvironmentLockStore`) so the same file serves both set-ups: Rasa's YAML has no "default when
unset" for `${VAR}`.
"""
from __future__ import annotations

import os
from typing import Any, Mapping
from urllib.parse import urlsplit

from rasa.constants import ENV_SANIC_WORKERS
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

REDIS_URL_ENV = "REDIS_URL"
# Rasa's default waits 10 s on an unresponsive Redis; a child should learn sooner to try again.
SOCKET_TIMEOUT_SECONDS = 5.0


def redis_url(environ: Mapping[str, str] = os.environ) -> str:
    return environ.get(REDIS_URL_ENV, "").strip()


def redis_lock_store(url: str) -> RedisLockStore:
    """Rasa's Redis lock store from a URL: redis[s]://[[user]:password@]host[:port][/db]."""
    parts = urlsplit(url)
    database = parts.path.lstrip("/")
    return RedisLockStore(
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
        return InMemoryLockStore()
