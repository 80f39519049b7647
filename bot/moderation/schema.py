"""The dashboard's own tables, next to Rasa's `events` table in the conversation database.

Every name starts with `moderation_` so the dashboard never collides with Rasa's tables or
another tool's. The Alembic migrations in `migrations/` create exactly these tables; this module
is what the code queries through (SQLAlchemy Core, portable between SQLite and PostgreSQL).
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

moderators = sa.Table(
    "moderation_moderators", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("failed_logins", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.Float),
    sa.Column("created_at", sa.Float, nullable=False),
)

sessions = sa.Table(
    "moderation_sessions", metadata,
    # SHA-256 of the random session id in the cookie: a leaked table cannot be replayed.
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("moderator_id", sa.Integer, sa.ForeignKey("moderation_moderators.id"),
              nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)

# One row per conversation (Rasa sender_id), kept up to date from new events by event id so the
# inbox never scans the events table.
conversations = sa.Table(
    "moderation_conversations", metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("channel", sa.String(64)),
    sa.Column("audience", sa.String(16)),
    sa.Column("started_at", sa.Float, index=True),
    sa.Column("last_at", sa.Float),
    sa.Column("turns", sa.Integer, nullable=False, default=0),
    sa.Column("topic_counts", sa.Text, nullable=False, default="{}"),
    # Space-delimited, with a space at both ends, so a topic or kind filter is a LIKE '% x %'.
    sa.Column("topics", sa.String(512), nullable=False, default=" "),
    sa.Column("crisis_kinds", sa.String(128), nullable=False, default=" "),
    sa.Column("first_crisis_at", sa.Float),
    sa.Column("fallback_turns", sa.Integer, nullable=False, default=0),
    sa.Column("low_confidence_turns", sa.Integer, nullable=False, default=0),
    sa.Column("human_requests", sa.Integer, nullable=False, default=0),
    sa.Column("negative_feedback", sa.Integer, nullable=False, default=0),
    sa.Column("positive_feedback", sa.Integer, nullable=False, default=0),
    sa.Column("min_confidence", sa.Float),
    # 0 crisis, 1 another flag, 2 nothing flagged: the inbox's first sort key.
    sa.Column("priority", sa.Integer, nullable=False, default=2, index=True),
    # What people wrote, personal data masked, lower case: what the inbox search reads.
    sa.Column("search_text", sa.Text, nullable=False, default=""),
    sa.Column("last_event_id", sa.Integer, nullable=False, default=0),
)

index_state = sa.Table(
    "moderation_index_state", metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("last_event_id", sa.Integer, nullable=False),
)

reviews = sa.Table(
    "moderation_reviews", metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False, default="new"),
    sa.Column("assignee_id", sa.Integer, sa.ForeignKey("moderation_moderators.id")),
    sa.Column("escalated_at", sa.Float),
    sa.Column("escalated_by", sa.String(64)),
    sa.Column("updated_at", sa.Float, nullable=False),
)

tags = sa.Table(
    "moderation_tags", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.UniqueConstraint("sender_id", "name", name="uq_moderation_tags_sender_name"),
)

notes = sa.Table(
    "moderation_notes", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

corrections = sa.Table(
    "moderation_corrections", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("event_id", sa.Integer, nullable=False, unique=True),
    # The message as exported: personal data already masked, never the raw text.
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("predicted_intent", sa.String(255)),
    sa.Column("intent", sa.String(255), nullable=False),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

saved_filters = sa.Table(
    "moderation_saved_filters", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("moderator_id", sa.Integer, sa.ForeignKey("moderation_moderators.id"),
              nullable=False),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("query", sa.String(1024), nullable=False),
)

audit_log = sa.Table(
    "moderation_audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target", sa.String(255)),
    sa.Column("detail", sa.String(1024)),
)
