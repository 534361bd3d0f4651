"""Reminders (what Lotsen will remind whom of, and when) and the kinds of reminder each user has paused.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)
_JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# The values of storage.models.ReminderKind / ReminderSubjectType / ReminderState when this revision was written
# (a migration keeps its own copy: the enums may grow later, with a migration of their own).
_KINDS = "'application_deadline', 'information_item', 'annual_report', 'missing_contact_person'"
_SUBJECT_TYPES = "'application', 'information_item', 'organisation'"
_STATES = "'pending', 'sent', 'done', 'snoozed', 'cancelled', 'failed'"


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject_type", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("recipient_user_id", sa.Integer(), nullable=True),
        sa.Column("recipient_conversation_id", sa.String(512), nullable=True),
        sa.Column("due_at", _TIMESTAMP, nullable=False),
        sa.Column("state", sa.String(16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("cycle", sa.String(64), server_default="", nullable=False),
        sa.Column("lease_owner", sa.String(200), nullable=True),
        sa.Column("lease_expires_at", _TIMESTAMP, nullable=True),
        sa.Column("sent_at", _TIMESTAMP, nullable=True),
        sa.Column("done_at", _TIMESTAMP, nullable=True),
        sa.Column("details", _JSON_DOCUMENT, nullable=False),
        sa.Column("created_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(f"kind IN ({_KINDS})", name=op.f("ck_reminders_kind")),
        sa.CheckConstraint(f"subject_type IN ({_SUBJECT_TYPES})", name=op.f("ck_reminders_subject_type")),
        sa.CheckConstraint(f"state IN ({_STATES})", name=op.f("ck_reminders_state")),
        sa.CheckConstraint(
            "(recipient_user_id IS NOT NULL AND recipient_conversation_id IS NULL) OR "
            "(recipient_user_id IS NULL AND recipient_conversation_id IS NOT NULL)",
            name=op.f("ck_reminders_recipient"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_reminders_attempts")),
        sa.ForeignKeyConstraint(
            ["recipient_user_id"],
            ["users.id"],
            name=op.f("fk_reminders_recipient_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_reminders_idempotency_key")),
    )
    op.create_index("ix_reminders_state_due_at", "reminders", ["state", "due_at"])
    op.create_index("ix_reminders_subject_type_subject_id", "reminders", ["subject_type", "subject_id"])
    op.create_index(op.f("ix_reminders_recipient_user_id"), "reminders", ["recipient_user_id"])

    op.create_table(
        "reminder_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("created_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(f"kind IN ({_KINDS})", name=op.f("ck_reminder_pauses_kind")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reminder_pauses_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_pauses")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_reminder_pauses_user_id_kind")),
    )


def downgrade() -> None:
    op.drop_table("reminder_pauses")
    op.drop_index(op.f("ix_reminders_recipient_user_id"), table_name="reminders")
    op.drop_index("ix_reminders_subject_type_subject_id", table_name="reminders")
    op.drop_index("ix_reminders_state_due_at", table_name="reminders")
    op.drop_table("reminders")
