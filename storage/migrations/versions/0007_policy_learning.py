"""Learning from use of the policy answers: 👍/👎 on answers, questions taught by KS coordinators, and the
clarifying choices offered when Lotsen was unsure.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)
_JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# storage.models.NORMALISED_QUESTION_MAX_LENGTH when this revision was written.
_NORMALISED_LENGTH = 500


def upgrade() -> None:
    op.create_table(
        "answer_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_ref", sa.String(64), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("topic", sa.String(64), nullable=True),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_feedback")),
        sa.UniqueConstraint("answer_ref", name=op.f("uq_answer_feedback_answer_ref")),
    )
    op.create_index(op.f("ix_answer_feedback_created_at"), "answer_feedback", ["created_at"])

    op.create_table(
        "taught_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("normalised", sa.String(_NORMALISED_LENGTH), nullable=False),
        sa.Column("topic", sa.String(64), nullable=True),
        sa.Column("taught_by_user_id", sa.Integer(), nullable=True),
        sa.Column("taught_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["taught_by_user_id"],
            ["users.id"],
            name=op.f("fk_taught_questions_taught_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taught_questions")),
    )
    op.create_index(op.f("ix_taught_questions_normalised"), "taught_questions", ["normalised"])
    op.create_index(op.f("ix_taught_questions_taught_at"), "taught_questions", ["taught_at"])

    op.create_table(
        "clarifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("offered", _JSON_DOCUMENT, nullable=False),
        sa.Column("chosen", sa.String(64), nullable=True),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("asked_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("chosen_at", _TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clarifications")),
        sa.UniqueConstraint("ref", name=op.f("uq_clarifications_ref")),
    )
    op.create_index(op.f("ix_clarifications_asked_at"), "clarifications", ["asked_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_clarifications_asked_at"), table_name="clarifications")
    op.drop_table("clarifications")
    op.drop_index(op.f("ix_taught_questions_taught_at"), table_name="taught_questions")
    op.drop_index(op.f("ix_taught_questions_normalised"), table_name="taught_questions")
    op.drop_table("taught_questions")
    op.drop_index(op.f("ix_answer_feedback_created_at"), table_name="answer_feedback")
    op.drop_table("answer_feedback")
