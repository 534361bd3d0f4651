"""Annual reports of international work: the report per organisation and year, its items and its history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)
_JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# The values of storage.models' AnnualReportStatus / AnnualReportItemKind / AnnualReportEventKind when this
# revision was written (a migration keeps its own copy: the enums may grow later, with a migration of their own).
_STATUSES = "'draft', 'submitted', 'returned', 'approved'"
_ITEM_KINDS = "'eu_project', 'network', 'partner_city', 'visit', 'conference', 'influence'"
_EVENT_KINDS = (
    "'created', 'item_added', 'item_updated', 'item_removed', 'details_changed', 'submitted', 'returned', "
    "'approved'"
)


def upgrade() -> None:
    op.create_table(
        "annual_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), server_default="draft", nullable=False),
        sa.Column("in_verksamhetsplan", sa.Boolean(), nullable=True),
        sa.Column("contact_name", sa.String(200), nullable=True),
        sa.Column("submitted_at", _TIMESTAMP, nullable=True),
        sa.Column("submitted_by_user_id", sa.Integer(), nullable=True),
        sa.Column("returned_comment", sa.Text(), nullable=True),
        sa.Column("returned_at", _TIMESTAMP, nullable=True),
        sa.Column("returned_by_user_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", _TIMESTAMP, nullable=True),
        sa.Column("created_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name=op.f("ck_annual_reports_status")),
        sa.CheckConstraint("year >= 2000 AND year <= 2200", name=op.f("ck_annual_reports_year")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_annual_reports_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_user_id"],
            ["users.id"],
            name=op.f("fk_annual_reports_submitted_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["returned_by_user_id"],
            ["users.id"],
            name=op.f("fk_annual_reports_returned_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annual_reports")),
        sa.UniqueConstraint("organisation_id", "year", name=op.f("uq_annual_reports_organisation_id_year")),
    )

    op.create_table(
        "annual_report_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("focus_areas", _JSON_DOCUMENT, nullable=False),
        sa.Column("results", sa.Text(), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(f"kind IN ({_ITEM_KINDS})", name=op.f("ck_annual_report_items_kind")),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["annual_reports.id"],
            name=op.f("fk_annual_report_items_report_id_annual_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_annual_report_items_application_id_applications"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annual_report_items")),
    )
    op.create_index(op.f("ix_annual_report_items_report_id"), "annual_report_items", ["report_id"])

    op.create_table(
        "annual_report_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("details", _JSON_DOCUMENT, nullable=False),
        sa.Column("at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(f"kind IN ({_EVENT_KINDS})", name=op.f("ck_annual_report_events_kind")),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["annual_reports.id"],
            name=op.f("fk_annual_report_events_report_id_annual_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["users.id"],
            name=op.f("fk_annual_report_events_actor_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annual_report_events")),
    )
    op.create_index(op.f("ix_annual_report_events_report_id"), "annual_report_events", ["report_id"])
    op.create_index(op.f("ix_annual_report_events_at"), "annual_report_events", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_annual_report_events_at"), table_name="annual_report_events")
    op.drop_index(op.f("ix_annual_report_events_report_id"), table_name="annual_report_events")
    op.drop_table("annual_report_events")
    op.drop_index(op.f("ix_annual_report_items_report_id"), table_name="annual_report_items")
    op.drop_table("annual_report_items")
    op.drop_table("annual_reports")
