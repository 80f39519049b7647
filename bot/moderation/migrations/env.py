"""Alembic environment for the dashboard's tables: always run from code (bot/moderation/db.py)
on a connection it is handed, with its own version table beside Rasa's and others' tables."""
from alembic import context

VERSION_TABLE = "moderation_alembic_version"

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
