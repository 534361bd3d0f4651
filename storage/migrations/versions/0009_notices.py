"""The notice outbox: what Lotsen must tell KS förvaltning or a submitter, recorded with the change it is about
and delivered (and retried) after the commit.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)
_JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# The values of storage.models.NoticeKind / NoticeState when this revision was written.
_KINDS = "'ks_application', 'ks_annual_report', 'review_outcome', 'undelivered'"
_STATES = "'pending', 'sent', 'failed'"


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject_type", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("recipient_user_id", sa.Integer(), nullable=True),
        sa.Column("recipient_conversation_id", sa.String(512), nullable=True),
        sa.Column("card", _JSON_DOCUMENT, nullable=True),
        sa.Column("details", _JSON_DOCUMENT, nullable=False),
        sa.Column("state", sa.String(16), server_default="pending", nullable=False),
        sa.Column("due_at", _TIMESTAMP, nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("lease_owner", sa.String(200), nullable=True),
        sa.Column("lease_expires_at", _TIMESTAMP, nullable=True),
        sa.Column("sent_at", _TIMESTAMP, nullable=True),
        sa.Column("created_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(f"kind IN ({_KINDS})", name=op.f("ck_notices_kind")),
        sa.CheckConstraint(f"state IN ({_STATES})", name=op.f("ck_notices_state")),
        sa.CheckConstraint(
            "(recipient_user_id IS NOT NULL AND recipient_conversation_id IS NULL) OR "
            "(recipient_user_id IS NULL AND recipient_conversation_id IS NOT NULL)",
            name=op.f("ck_notices_recipient"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_notices_attempts")),
        sa.ForeignKeyConstraint(
            ["recipient_user_id"], ["users.id"], name=op.f("fk_notices_recipient_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index("ix_notices_state_due_at", "notices", ["state", "due_at"])
    op.create_index("ix_notices_subject_type_subject_id", "notices", ["subject_type", "subject_id"])
    op.create_index(op.f("ix_notices_recipient_user_id"), "notices", ["recipient_user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_notices_recipient_user_id"), table_name="notices")
    op.drop_index("ix_notices_subject_type_subject_id", table_name="notices")
    op.drop_index("ix_notices_state_due_at", table_name="notices")
    op.drop_table("notices")
