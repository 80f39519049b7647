"""Who looked at or changed what, and when: one row per view and per change."""
from __future__ import annotations

import time
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.moderation.schema import audit_log

SYSTEM_PREFIX = "system:"
PAGE = 200


def record(connection: Connection, actor: str, action: str, target: Optional[str] = None,
           detail: Optional[str] = None, at: Optional[float] = None) -> None:
    connection.execute(audit_log.insert().values(
        at=time.time() if at is None else at, actor=actor[:64], action=action[:64],
        target=(target or None) and target[:255], detail=(detail or None) and detail[:1024]))


def record_system(engine: Engine, tool: str, action: str, target: Optional[str] = None,
                  detail: Optional[str] = None) -> None:
    """An entry by a tool rather than a person (e.g. `system:purge`), for the privacy commands."""
    with engine.begin() as connection:
        record(connection, SYSTEM_PREFIX + tool, action, target, detail)


def latest(engine: Engine, page: int = 1) -> list:
    with engine.connect() as connection:
        return connection.execute(sa.select(audit_log).order_by(audit_log.c.id.desc())
                                  .limit(PAGE).offset((page - 1) * PAGE)).all()
