"""Remembers recently handled delivery ids so a platform's retry is answered once.

WhatsApp re-sends a webhook when our 200 is slow or lost, and Telegram re-sends an update until
it is acknowledged; answering each copy would repeat the bot's replies (and its helpline
referral) to a parent. The memory is bounded (oldest ids go first) and ids expire, because
platforms only retry for a limited time.

One Rasa process keeps the ids in memory. Several replicas behind a load balancer must share
them, or a retry landing on another replica is answered again: with REDIS_URL set (the same Redis
as Rasa's lock store) `recent_ids()` keeps them in Redis, where one `SET NX EX` is the atomic
check-and-remember.
"""
from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from typing import Callable, Union

import redis

from bot.storage.lock_store import SOCKET_TIMEOUT_SECONDS, redis_url

DEFAULT_TTL_SECONDS = 24 * 3600


class RecentIds:
    """A bounded, expiring set of ids with one atomic operation: `first_time(id)`."""

    def __init__(
        self, capacity: int = 10_000, ttl_seconds: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = capacity
        self.ttl_seconds = ttl_seconds
        self.clock = clock
        self._seen: "OrderedDict[str, float]" = OrderedDict()

    def first_time(self, delivery_id: str) -> bool:
        """True the first time an id is seen (and remembers it); False for a repeat.

        No await happens between the check and the store, so two copies arriving together on
        the event loop cannot both pass.
        """
        now = self.clock()
        while self._seen and next(iter(self._seen.values())) <= now - self.ttl_seconds:
            self._seen.popitem(last=False)
        if delivery_id in self._seen:
            return False
        self._seen[delivery_id] = now
        while len(self._seen) > self.capacity:
            self._seen.popitem(last=False)
        return True


class RedisRecentIds:
    """The same set shared by every replica, in Redis; each id expires after `ttl_seconds`."""

    def __init__(self, client: "redis.Redis", prefix: str = "cop:delivery:",
                 ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        self.client = client
        self.prefix = prefix
        self.ttl_seconds = ttl_seconds

    def first_time(self, delivery_id: str) -> bool:
        """True for the first replica that sees the id. A Redis outage raises (the platform's
        retry comes later), rather than answering a parent twice.

        Redis keeps a hash of the id, not the id: a WhatsApp message id is base64 that holds the
        sender's phone number."""
        key = self.prefix + hashlib.sha256(delivery_id.encode()).hexdigest()
        return bool(self.client.set(key, 1, nx=True, ex=self.ttl_seconds))


def recent_ids() -> Union[RecentIds, RedisRecentIds]:
    """Redis's shared memory when REDIS_URL is set, else this process's."""
    url = redis_url()
    if not url:
        return RecentIds()
    return RedisRecentIds(redis.Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT_SECONDS))
