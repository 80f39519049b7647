"""Remembers recently handled delivery ids so a platform's retry is answered once.

WhatsApp re-sends a webhook when our 200 is slow or lost, and Telegram re-sends an update until
it is acknowledged; answering each copy would repeat the bot's replies (and its helpline
referral) to a parent. The memory is bounded (oldest ids go first) and ids expire, because
platforms only retry for a limited time.

In-memory is enough for how the assistant runs: `rasa run` serves with one Sanic worker (Rasa
refuses more workers with its in-memory lock store). With several workers or replicas each would
keep its own memory and a retry landing on another process would be answered again; that set-up
needs a shared store (e.g. Redis, which it also needs for Rasa's lock store).
"""
from __future__ import annotations

import time
from collections import OrderedDict
from typing import Callable


class RecentIds:
    """A bounded, expiring set of ids with one atomic operation: `first_time(id)`."""

    def __init__(
        self, capacity: int = 10_000, ttl_seconds: float = 24 * 3600,
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
