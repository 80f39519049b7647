"""What replicas share through Redis: Rasa's conversation locks and the channels' delivery ids."""
from __future__ import annotations

import base64
import uuid

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore

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
