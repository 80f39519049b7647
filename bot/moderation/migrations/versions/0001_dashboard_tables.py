"""The dashboard's first tables: moderators, sessions, the conversation index, reviews, tags,
notes, intent corrections, saved filters and the audit log.

Revision ID: 0001
Revises:
"""
from alembic import op

from bot.moderation.schema import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The first revision creates schema.py's tables as they are; any later change to schema.py
    # comes with its own revision using op.add_column / op.create_table, never an edit here.
    metadata.create_all(bind=op.get_bind())


def downgrade() -> None:
    metadata.drop_all(bind=op.get_bind())
