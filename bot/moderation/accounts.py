"""Moderator accounts: Argon2 password hashes, roles, lock-out after repeated failures."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine

from bot.moderation.config import ModerationConfig
from bot.moderation.schema import moderators

ROLES = ("moderator", "admin")
MIN_PASSWORD = 12
HASHER = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash("not a real password")


class AccountError(ValueError):
    """A request about an account that cannot be done (the message says why)."""


@dataclass(frozen=True)
class Moderator:
    id: int
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def valid_name(name: str) -> str:
    name = name.strip()
    if not (1 <= len(name) <= 64) or not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise AccountError("a name is 1-64 letters, digits, '.', '-' or '_'")
    return name


def create(engine: Engine, name: str, role: str, password: str, now: float) -> Moderator:
    """Adds an account; the password is stored only as an Argon2 hash."""
    name = valid_name(name)
    if role not in ROLES:
        raise AccountError(f"the role is one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    with engine.begin() as connection:
        if connection.execute(sa.select(moderators.c.id).where(moderators.c.name == name)).first():
            raise AccountError(f"an account named {name} exists already")
        new_id = connection.execute(moderators.insert().values(
            name=name, role=role, password_hash=HASHER.hash(password), active=True,
            failed_logins=0, created_at=now)).inserted_primary_key[0]
    return Moderator(new_id, name, role)


def by_id(engine: Engine, moderator_id: int) -> Optional[Moderator]:
    with engine.connect() as connection:
        row = connection.execute(sa.select(moderators).where(
            moderators.c.id == moderator_id, moderators.c.active.is_(True))).first()
    return Moderator(row.id, row.name, row.role) if row else None


class LockedOut(Exception):
    """Too many wrong passwords: the account waits until `until`."""

    def __init__(self, until: float) -> None:
        super().__init__("locked")
        self.until = until


def authenticate(engine: Engine, config: ModerationConfig, name: str, password: str) -> Optional[Moderator]:
    """The moderator when name and password match; counts failures and locks the account."""
    now = config.clock()
    with engine.begin() as connection:
        row = connection.execute(sa.select(moderators).where(moderators.c.name == name)).first()
        if row is None or not row.active:
            _verify(_DUMMY_HASH, password)
            return None
        if row.locked_until and row.locked_until > now:
            raise LockedOut(row.locked_until)
        if _verify(row.password_hash, password):
            connection.execute(moderators.update().where(moderators.c.id == row.id)
                               .values(failed_logins=0, locked_until=None))
            return Moderator(row.id, row.name, row.role)
        failures = row.failed_logins + 1
        locked_until = now + config.lockout_seconds if failures >= config.max_failed_logins else None
        connection.execute(moderators.update().where(moderators.c.id == row.id).values(
            failed_logins=0 if locked_until else failures, locked_until=locked_until))
    if locked_until:
        raise LockedOut(locked_until)
    return None


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def listing(engine: Engine) -> list:
    with engine.connect() as connection:
        return connection.execute(sa.select(moderators).order_by(moderators.c.name)).all()


def update(engine: Engine, moderator_id: int, **values: object) -> bool:
    """Changes an account (role, active, lock); False when there is no such account."""
    if "role" in values and values["role"] not in ROLES:
        raise AccountError(f"the role is one of {', '.join(ROLES)}")
    with engine.begin() as connection:
        result = connection.execute(moderators.update().where(moderators.c.id == moderator_id)
                                    .values(**values))
    return result.rowcount == 1
