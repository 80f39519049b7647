"""The inbox: filters read from the query string, and the page of conversations they select.

Every filter value is checked against a fixed list or parsed as a number or date, and reaches
SQL only as a bound parameter, so nothing typed into a filter can change the query.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.moderation import flags
from bot.moderation.indexer import main_topics
from bot.moderation.review import STATUSES
from bot.moderation.schema import conversations, moderators, reviews

FILTER_FIELDS = ("flag", "channel", "topic", "confidence", "status", "since", "until", "q")
MAX_SEARCH = 200
c = conversations.c

FLAG_CONDITIONS = {
    "crisis": c.priority == 0,
    **{kind: c.crisis_kinds.like(f"% {kind} %") for kind in flags.CRISIS_KINDS},
    "fallback": c.fallback_turns > 0,
    "low_confidence": c.low_confidence_turns > 0,
    "human": c.human_requests > 0,
    "negative_feedback": c.negative_feedback > 0,
}


def _choice(value: Optional[str], allowed) -> str:
    return value if value in allowed else ""


def _date(value: Optional[str]) -> str:
    try:
        return dt.date.fromisoformat(value or "").isoformat()
    except ValueError:
        return ""


def _confidence(value: Optional[str]) -> str:
    try:
        number = float(value or "")
    except ValueError:
        return ""
    return f"{number:g}" if 0 <= number <= 1 else ""


@dataclass(frozen=True)
class Filters:
    """The inbox's filters, each already validated (invalid values are dropped, not trusted)."""

    flag: str = ""
    channel: str = ""
    topic: str = ""
    confidence: str = ""
    status: str = ""
    since: str = ""
    until: str = ""
    q: str = ""

    @classmethod
    def parse(cls, args: Mapping[str, str], channels: List[str], topics: List[str]) -> "Filters":
        return cls(
            flag=_choice(args.get("flag"), FLAG_CONDITIONS),
            channel=_choice(args.get("channel"), channels),
            topic=_choice(args.get("topic"), topics),
            confidence=_confidence(args.get("confidence")),
            status=_choice(args.get("status"), STATUSES),
            since=_date(args.get("since")),
            until=_date(args.get("until")),
            q=" ".join(str(args.get("q") or "").split())[:MAX_SEARCH],
        )

    def query_string(self, **changes: Any) -> str:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value})

    def conditions(self) -> List[Any]:
        where: List[Any] = []
        if self.flag:
            where.append(FLAG_CONDITIONS[self.flag])
        if self.channel:
            where.append(c.channel == self.channel)
        if self.topic:
            where.append(c.topics.like(f"% {self.topic} %"))
        if self.confidence:
            where.append(c.min_confidence <= float(self.confidence))
        if self.status == "new":
            where.append(sa.or_(reviews.c.status.is_(None), reviews.c.status == "new"))
        elif self.status:
            where.append(reviews.c.status == self.status)
        if self.since:
            where.append(c.started_at >= _timestamp(self.since))
        if self.until:
            where.append(c.started_at < _timestamp(self.until) + 86400)
        for word in self.q.lower().split():
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append(c.search_text.like(f"%{escaped}%", escape="\\"))
        return where


def _timestamp(day: str) -> float:
    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc).timestamp()


@dataclass
class InboxRow:
    sender_id: str
    channel: Optional[str]
    audience: Optional[str]
    started_at: Optional[float]
    turns: int
    topics: List[str]
    flags: List[Tuple[str, int]]
    status: str
    assignee: Optional[str]


def row_flags(row: Any) -> List[Tuple[str, int]]:
    """(flag, count) pairs to show as badges, crisis kinds first."""
    shown = [(kind, 1) for kind in row.crisis_kinds.split()]
    for name, count in (("fallback", row.fallback_turns), ("low_confidence", row.low_confidence_turns),
                        ("human", row.human_requests), ("negative_feedback", row.negative_feedback)):
        if count:
            shown.append((name, count))
    return shown


def page(engine: Engine, filters: Filters, number: int, size: int) -> Tuple[List[InboxRow], int]:
    """One page of the inbox (crisis first, then other flags, then the rest; newest first
    within each) and how many conversations match in all."""
    joined = conversations.outerjoin(reviews, reviews.c.sender_id == c.sender_id) \
        .outerjoin(moderators, moderators.c.id == reviews.c.assignee_id)
    where = filters.conditions()
    query = (sa.select(conversations, reviews.c.status, moderators.c.name.label("assignee"))
             .select_from(joined).where(*where)
             .order_by(c.priority, c.last_at.desc(), c.sender_id)
             .limit(size).offset((number - 1) * size))
    count = sa.select(sa.func.count()).select_from(joined).where(*where)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
        total = connection.execute(count).scalar() or 0
    return [
        InboxRow(row.sender_id, row.channel, row.audience, row.started_at, row.turns,
                 main_topics(row.topic_counts), row_flags(row), row.status or "new", row.assignee)
        for row in rows
    ], total


def channels(engine: Engine) -> List[str]:
    with engine.connect() as connection:
        return sorted(value for value in connection.execute(
            sa.select(c.channel).where(c.channel.isnot(None)).distinct()).scalars())


def filter_options(engine: Engine, intents: List[str]) -> Dict[str, List[str]]:
    return {"channels": channels(engine),
            "topics": [name for name in intents if name.startswith(flags.TOPIC_PREFIX)]}
