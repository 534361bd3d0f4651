"""Indexes for decades of data: the application lists paged newest first (everyone's, an organisation's, a
registrant's), the compilation's applications of a year, the planner's informationsärenden still to do and
the reminders it cancels once resolved. The organisation's list index replaces the one on organisation_id alone.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (name, table, columns), as storage/models declares them.
_INDEXES = (
    ("ix_applications_created_at_id", "applications", ["created_at", "id"]),
    ("ix_applications_organisation_id_created_at_id", "applications", ["organisation_id", "created_at", "id"]),
    ("ix_applications_created_by_user_id_created_at_id", "applications", ["created_by_user_id", "created_at", "id"]),
    ("ix_applications_planned_submission_date", "applications", ["planned_submission_date"]),
    ("ix_information_items_status", "information_items", ["status"]),
    ("ix_reminders_kind_state_subject_type_subject_id", "reminders", ["kind", "state", "subject_type", "subject_id"]),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)
    op.drop_index("ix_applications_organisation_id", table_name="applications")


def downgrade() -> None:
    op.create_index("ix_applications_organisation_id", "applications", ["organisation_id"])
    for name, table, _ in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
