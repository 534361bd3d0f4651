"""Placing users from the directory (Microsoft Graph): administrators' mappings from a directory value to an
organisation, each user's last lookup, and the notice that tells administrators a user could not be placed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)
_JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# The values of storage.models.DirectorySource / DirectoryOutcome / NoticeKind when this revision was written.
_SOURCES = "'department', 'companyName', 'officeLocation', 'group'"
_OUTCOMES = "'placed', 'ambiguous', 'no_match', 'failed'"
_NOTICE_KINDS_BEFORE = "'ks_application', 'ks_annual_report', 'review_outcome', 'undelivered'"
_NOTICE_KINDS = _NOTICE_KINDS_BEFORE + ", 'directory_unplaced'"


def upgrade() -> None:
    op.create_table(
        "directory_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("value", sa.String(256), nullable=False),
        sa.Column("normalised_value", sa.String(256), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(f"source IN ({_SOURCES})", name=op.f("ck_directory_mappings_source")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name=op.f("fk_directory_mappings_organisation_id_organisations"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["users.id"], name=op.f("fk_directory_mappings_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_mappings")),
        sa.UniqueConstraint("source", "normalised_value", name=op.f("uq_directory_mappings_source_normalised_value")),
    )
    op.create_index(op.f("ix_directory_mappings_organisation_id"), "directory_mappings", ["organisation_id"])

    op.create_table(
        "directory_lookups",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("found_values", _JSON_DOCUMENT, nullable=False),
        sa.Column("candidates", _JSON_DOCUMENT, nullable=False),
        sa.Column("looked_up_at", _TIMESTAMP, nullable=False),
        sa.CheckConstraint(f"source IN ({_SOURCES})", name=op.f("ck_directory_lookups_source")),
        sa.CheckConstraint(f"outcome IN ({_OUTCOMES})", name=op.f("ck_directory_lookups_outcome")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_directory_lookups_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_directory_lookups")),
    )

    # Batch mode: SQLite cannot change a CHECK constraint in place, so alembic copies the table there.
    with op.batch_alter_table("notices") as batch:
        batch.drop_constraint(op.f("ck_notices_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notices_kind"), f"kind IN ({_NOTICE_KINDS})")


def downgrade() -> None:
    op.execute("DELETE FROM notices WHERE kind = 'directory_unplaced'")
    with op.batch_alter_table("notices") as batch:
        batch.drop_constraint(op.f("ck_notices_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notices_kind"), f"kind IN ({_NOTICE_KINDS_BEFORE})")
    op.drop_table("directory_lookups")
    op.drop_index(op.f("ix_directory_mappings_organisation_id"), table_name="directory_mappings")
    op.drop_table("directory_mappings")
