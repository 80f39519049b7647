"""What replicas share through Redis: Rasa's conversation locks and the channels' delivery ids."""
from __future__ import annotations

import asyncio
import base64
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import List

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

from bot.channels.recent import RecentIds, RedisRecentIds, recent_ids
from bot.storage.lock_store import EnvironmentLockStore


def test_without_redis_url_locks_and_delivery_ids_stay_in_memory(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert isinstance(EnvironmentLockStore(endpoint_config=None), InMemoryLockStore)
    assert isinstance(recent_ids(), RecentIds)


def test_several_rasa_workers_without_redis_url_are_refused(monkeypatch):
    """Workers with in-memory locks would answer one conversation at once and interleave it."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("SANIC_WORKERS", "2")
    with pytest.raises(ValueError, match="REDIS_URL"):
        EnvironmentLockStore(endpoint_config=None)


def test_two_processes_with_redis_url_queue_on_the_same_conversation_lock(redis_server, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    first, second = (EnvironmentLockStore(endpoint_config=None) for _ in range(2))
    assert isinstance(first, RedisLockStore)
    conversation = uuid.uuid4().hex
    assert first.issue_ticket(conversation) == 0
    assert second.issue_ticket(conversation) == 1  # waits behind the first replica's turn
    assert second.get_lock(conversation).is_locked(1)


def test_replicas_taking_tickets_at_the_same_moment_never_share_one(redis_server, monkeypatch):
    """Two replicas receiving messages of one conversation at once (each with its own Redis
    connection): each message gets its own place in the queue. With Rasa's own store both could
    read "no lock" and take ticket 0, then run their turns together and lose one's events."""
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    replicas = [EnvironmentLockStore(endpoint_config=None) for _ in range(2)]
    conversations = [uuid.uuid4().hex for _ in range(200)]
    start = threading.Barrier(len(replicas))

    def take_tickets(store: RedisLockStore) -> List[int]:
        start.wait()
        return [store.issue_ticket(conversation) for conversation in conversations]

    with ThreadPoolExecutor(len(replicas)) as pool:
        tickets = list(pool.map(take_tickets, replicas))
    shared = [conversation for conversation, first, second
              in zip(conversations, *tickets) if first == second]
    assert not shared, f"{len(shared)} of {len(conversations)} conversations gave one ticket twice"
    assert all(sorted(pair) == [0, 1] for pair in zip(*tickets))


def test_a_finished_turn_hands_the_lock_to_the_next_in_the_queue(redis_server, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    first, second = (EnvironmentLockStore(endpoint_config=None) for _ in range(2))
    conversation = uuid.uuid4().hex
    ticket = first.issue_ticket(conversation)
    waiting = second.issue_ticket(conversation)
    first.cleanup(conversation, ticket)
    lock = second.get_lock(conversation)
    assert lock is not None and not lock.is_locked(waiting)


def test_a_delivery_retried_to_another_replica_is_answered_once(redis_server, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    replica_a, replica_b = recent_ids(), recent_ids()
    assert isinstance(replica_a, RedisRecentIds)
    delivery = f"wamid.{uuid.uuid4().hex}"
    assert replica_a.first_time(delivery)
    assert not replica_b.first_time(delivery)
    assert not replica_a.first_time(delivery)
    assert replica_b.first_time(f"wamid.{uuid.uuid4().hex}")


def test_redis_keeps_no_message_id_that_holds_a_phone_number(redis_server, monkeypatch):
    """A WhatsApp message id is base64 around the sender's number ("wamid.HBgM" + the number
    + Meta's own id): what replicas share must not be a day-long list of numbers."""
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    number = "254712345678"
    delivery = "wamid." + base64.b64encode(b"\x1c\x18\x0c" + number.encode() + b"\x15\x02\x00\x12"
                                           + uuid.uuid4().hex.upper().encode()).decode()
    assert recent_ids().first_time(delivery) and not recent_ids().first_time(delivery)
    client = redis.Redis.from_url(redis_server.url)
    keys = [key.decode() for key in client.scan_iter("cop:delivery:*")]
    assert keys and not [key for key in keys if delivery[6:] in key or "wamid" in key]


# Short lifetimes so a turn can outlive its lock in a second; production's is 60 s.
LOCK_LIFETIME_SECONDS = 1.0
POLL_SECONDS = 0.05


def lock_stores(kind: str, redis_server, monkeypatch) -> List[LockStore]:
    """Where the two turns of one conversation take their locks: one process's memory, or two
    replicas' own connections to Redis."""
    if kind == "memory":
        monkeypatch.delenv("REDIS_URL", raising=False)
        store = EnvironmentLockStore(endpoint_config=None)
        return [store, store]
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    return [EnvironmentLockStore(endpoint_config=None) for _ in range(2)]


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_a_turn_longer_than_the_lock_lifetime_keeps_its_conversation_to_itself(
        kind, redis_server, monkeypatch):
    """A turn waiting on a slow action server can outlast TICKET_LOCK_LIFETIME. Rasa's stores
    then let the conversation's next message run beside it, and the later save counts the
    other turn's events as its own: one turn's events are never stored. The lock of a turn
    still running must last as long as the turn."""
    stores = lock_stores(kind, redis_server, monkeypatch)
    conversation = uuid.uuid4().hex
    happened: List[str] = []

    async def turn(store: LockStore, name: str, seconds: float) -> None:
        async with store.lock(conversation, LOCK_LIFETIME_SECONDS, POLL_SECONDS):
            happened.append(f"{name} starts")
            await asyncio.sleep(seconds)
            happened.append(f"{name} ends")

    async def two_turns() -> None:
        slow = asyncio.create_task(turn(stores[0], "slow", 3 * LOCK_LIFETIME_SECONDS))
        await asyncio.sleep(POLL_SECONDS * 2)
        await asyncio.gather(slow, turn(stores[1], "next", 0))

    asyncio.run(two_turns())
    assert happened == ["slow starts", "slow ends", "next starts", "next ends"]


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_a_lock_left_by_a_killed_server_frees_its_conversation_after_the_lifetime(
        kind, redis_server, monkeypatch):
    """A Rasa process killed mid-turn never releases its ticket; the conversation must go on
    once the lifetime has passed, not wait for ever."""
    killed, alive = lock_stores(kind, redis_server, monkeypatch)
    conversation = uuid.uuid4().hex
    killed.issue_ticket(conversation, LOCK_LIFETIME_SECONDS)

    async def next_turn() -> float:
        started = time.monotonic()
        async with alive.lock(conversation, LOCK_LIFETIME_SECONDS, POLL_SECONDS):
            return time.monotonic() - started

    waited = asyncio.run(asyncio.wait_for(next_turn(), timeout=10 * LOCK_LIFETIME_SECONDS))
    assert waited >= LOCK_LIFETIME_SECONDS * 0.9
