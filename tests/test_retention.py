"""`python -m bot purge` and `python -m bot erase` on real SQLite and PostgreSQL databases."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Dict, List

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.moderation.schema import audit_log
from bot.privacy.retention import DATA_STORES, DataStore, purge
from bot.storage.durable import DurableSQLTrackerStore
from tests.conftest import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
DAY = 86400


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    return request.getfixturevalue("postgres").url


def store_conversation(db_url: str, sender: str, *ages_in_days: float) -> None:
    """One user message and one bot action per age, stored by the tracker store itself."""
    now = time.time()
    events = []
    for age in ages_in_days:
        events += [UserUttered("hello", {"name": "greet", "confidence": 1.0},
                               timestamp=now - age * DAY),
                   ActionExecuted("utter_greet", timestamp=now - age * DAY + 1)]
    tracker = DialogueStateTracker.from_events(sender, events, DOMAIN.slots)
    asyncio.run(DurableSQLTrackerStore(host=db_url, domain=DOMAIN).save(tracker))


def event_counts(db_url: str, *senders: str) -> Dict[str, int]:
    engine = sa.create_engine(db_url)
    with engine.connect() as connection:
        counts = {sender: connection.execute(
            sa.text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()
            for sender in senders}
    engine.dispose()
    return counts


def bot(db_url: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=dict(os.environ, DB_URL=db_url))
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def senders(*names: str) -> List[str]:
    return [f"{name}-{uuid.uuid4().hex[:8]}" for name in names]


def test_purge_deletes_what_is_older_than_the_retention_period(db_url):
    old, mixed, recent = senders("old", "mixed", "recent")
    store_conversation(db_url, old, 45, 31)
    store_conversation(db_url, mixed, 40, 2)
    store_conversation(db_url, recent, 1)
    result = bot(db_url, "purge", "--older-than", "30d")
    assert result["purged"]["tracker_events"] >= 6
    assert event_counts(db_url, old, mixed, recent) == {old: 0, mixed: 2, recent: 2}


def test_erase_deletes_one_persons_conversation_only(db_url):
    child, other = senders("child", "other")
    store_conversation(db_url, child, 3, 1)
    store_conversation(db_url, other, 1)
    assert bot(db_url, "erase", child) == {
        "erased": {"tracker_events": 4, "moderation_reviews": 0}, "sender_id": child}
    assert event_counts(db_url, child, other) == {child: 0, other: 2}
    # The erasure is in the dashboard's audit log, by id and counts only.
    with sa.create_engine(db_url).connect() as connection:
        entry = connection.execute(sa.select(audit_log).order_by(audit_log.c.id.desc())).first()
    assert (entry.actor, entry.action, entry.target) == ("system:erase", "erase", child)
    assert json.loads(entry.detail) == {"tracker_events": 4, "moderation_reviews": 0}


def test_purge_age_defaults_to_purge_after_days(tmp_path, monkeypatch):
    db_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    old, recent = senders("old", "recent")
    store_conversation(db_url, old, 8)
    store_conversation(db_url, recent, 6)
    monkeypatch.setenv("PURGE_AFTER_DAYS", "7")
    assert bot(db_url, "purge")["older_than_seconds"] == 7 * DAY
    assert event_counts(db_url, old, recent) == {old: 0, recent: 2}


def test_the_automatic_purge_runs_again_at_its_interval_and_stops_cleanly(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    loop = subprocess.Popen([sys.executable, "-m", "bot", "purge", "--every", "1s"], cwd=ROOT,
                            env=dict(os.environ, DB_URL=db_url), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        assert json.loads(loop.stdout.readline())["purged"] == {
            "tracker_events": 0, "moderation_reviews": 0}
        (old,) = senders("old")
        store_conversation(db_url, old, 31)  # arrives after the first pass
        deadline = time.monotonic() + 60
        while event_counts(db_url, old)[old] and time.monotonic() < deadline:
            time.sleep(0.5)
        assert event_counts(db_url, old)[old] == 0
    finally:
        loop.send_signal(signal.SIGTERM)
        assert loop.wait(30) == 0


def test_other_stores_plug_into_purge_and_erase_in_one_transaction(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    (old,) = senders("old")
    store_conversation(db_url, old, 40)

    def failing_purge(connection, cutoff):
        raise RuntimeError("the review store failed")

    broken = DataStore("reviews", failing_purge, lambda connection, sender: 0)
    with pytest.raises(RuntimeError):
        purge(30 * DAY, stores=[*DATA_STORES, broken], db=sa.create_engine(db_url))
    # All or nothing: the tracker events deleted before the failure are back.
    assert event_counts(db_url, old) == {old: 2}


def test_bad_durations_are_refused():
    done = subprocess.run([sys.executable, "-m", "bot", "purge", "--older-than", "thirty"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "not a duration" in done.stderr
