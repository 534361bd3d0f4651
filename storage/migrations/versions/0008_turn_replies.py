"""Crash-consistent turns: the last replies of each conversation until delivered, and the activities already
handled (a redelivered activity has one effect).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "turn_replies",
        sa.Column("conversation_key", sa.String(64), nullable=False),
        sa.Column("activity_key", sa.String(64), nullable=False),
        sa.Column("replies", sa.Text(), nullable=False),
        sa.Column("awaiting_answer", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("delivered_at", _TIMESTAMP, nullable=True),
        sa.Column("updated_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_key", name=op.f("pk_turn_replies")),
    )
    op.create_table(
        "processed_activities",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("processed_at", _TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_processed_activities")),
    )
    op.create_index(op.f("ix_processed_activities_processed_at"), "processed_activities", ["processed_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_processed_activities_processed_at"), table_name="processed_activities")
    op.drop_table("processed_activities")
    op.drop_table("turn_replies")
