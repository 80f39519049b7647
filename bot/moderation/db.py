"""The connection to the conversation database and the dashboard's migrations.

Rasa's `events` table is only ever read here; the dashboard's own tables are created and
upgraded by Alembic (migrations/) when the web app or a CLI command opens the database.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Rasa's tracker store table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent), read-only.
events = sa.Table(
    "events", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("type_name", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


def migrate(engine: Engine) -> None:
    """Brings the dashboard's tables to the newest revision (does nothing when they are)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(url: str) -> Engine:
    """An engine on the conversation database with the dashboard's tables migrated."""
    engine = sa.create_engine(url, future=True, pool_pre_ping=True)
    migrate(engine)
    return engine


def has_events_table(engine: Engine) -> bool:
    """Rasa creates `events` when its tracker store first starts; before that nothing is stored."""
    return sa.inspect(engine).has_table("events")
