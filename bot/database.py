"""Where the assistant's conversations live: one SQLAlchemy URL shared by every part.

Rasa's tracker store, the moderation app's own tables and the privacy tools (purge, erase) all
work on the same database, so they read the same place: the DB_URL environment variable
(for example postgresql://cop:secret@db/cop), or the embedded SQLite file var/tracker.db.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_FILE = ROOT / "var" / "tracker.db"
DB_URL_ENV = "DB_URL"


def database_url(environ: Mapping[str, str] = os.environ) -> str:
    """The SQLAlchemy URL of the conversation database (DB_URL, else the embedded SQLite file)."""
    url = environ.get(DB_URL_ENV, "").strip()
    return url or f"sqlite:///{DEFAULT_SQLITE_FILE}"
