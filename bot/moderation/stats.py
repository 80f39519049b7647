"""Numbers for the stats page, from the conversation summaries (never the raw events)."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from typing import List, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.moderation.schema import conversations

DAYS = 30
TOP_TOPICS = 10


@dataclass
class Stats:
    per_day: List[Tuple[str, int]]
    per_channel: List[Tuple[str, int]]
    top_topics: List[Tuple[str, int]]
    conversations: int
    turns: int
    fallback_turns: int
    crisis_conversations: int

    @property
    def fallback_rate(self) -> float:
        return self.fallback_turns / self.turns if self.turns else 0.0


def compute(engine: Engine, today: dt.date) -> Stats:
    """Conversations per day (last 30 days, UTC), per channel, top topics, fallback rate and
    how many conversations had a crisis."""
    c = conversations.c
    with engine.connect() as connection:
        rows = connection.execute(sa.select(c.started_at, c.channel, c.turns, c.topic_counts,
                                            c.fallback_turns, c.crisis_kinds)).all()
    first_day = today - dt.timedelta(days=DAYS - 1)
    days: Counter = Counter()
    channels: Counter = Counter()
    topics: Counter = Counter()
    for row in rows:
        if row.started_at is not None:
            day = dt.datetime.fromtimestamp(row.started_at, dt.timezone.utc).date()
            if first_day <= day <= today:
                days[day.isoformat()] += 1
        channels[row.channel or "unknown"] += 1
        topics.update(json.loads(row.topic_counts or "{}"))
    per_day = [((first_day + dt.timedelta(days=n)).isoformat(),
                days[(first_day + dt.timedelta(days=n)).isoformat()]) for n in range(DAYS)]
    return Stats(
        per_day=per_day, per_channel=channels.most_common(),
        top_topics=topics.most_common(TOP_TOPICS), conversations=len(rows),
        turns=sum(row.turns for row in rows),
        fallback_turns=sum(row.fallback_turns for row in rows),
        crisis_conversations=sum(1 for row in rows if row.crisis_kinds.strip()),
    )
