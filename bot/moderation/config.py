"""Settings of the dashboard: where the conversations are, the session secret and the limits."""
from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, FrozenSet, Mapping

from bot.database import ROOT, database_url
from bot.secret_files import env_or_file_secret

SECRET_ENV = "MODERATION_SECRET"
SECRET_FILE = ROOT / "var" / "moderation-secret"
TRUSTED_PROXIES_ENV = "MODERATION_TRUSTED_PROXIES"


def session_secret(environ: Mapping[str, str] = os.environ, path: Path = SECRET_FILE) -> str:
    """The key that signs session cookies and CSRF tokens: MODERATION_SECRET, else
    var/moderation-secret, so sessions survive a restart and the key never sits in the
    repository."""
    return env_or_file_secret(SECRET_ENV, path, lambda: secrets.token_urlsafe(32), environ)


def trusted_proxies(environ: Mapping[str, str] = os.environ) -> FrozenSet[str]:
    """Addresses of TLS-terminating proxies whose X-Forwarded-Proto we believe."""
    return frozenset(ip.strip() for ip in environ.get(TRUSTED_PROXIES_ENV, "").split(",")
                     if ip.strip())


@dataclass(frozen=True)
class ModerationConfig:
    """The dashboard's settings; tests pass their own database URL and clock."""

    db_url: str = field(default_factory=database_url)
    secret: str = field(default_factory=session_secret)
    trusted_proxies: FrozenSet[str] = field(default_factory=trusted_proxies)
    session_seconds: float = 8 * 3600
    max_failed_logins: int = 5
    lockout_seconds: float = 15 * 60
    page_size: int = 50
    clock: Callable[[], float] = time.time
