"""EU applications, their informationsärenden and event history, and registration drafts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)
_JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _money_check(prefix: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(
        f"({prefix}_minor IS NULL AND {prefix}_currency IS NULL) OR "
        f"({prefix}_minor IS NOT NULL AND {prefix}_currency IS NOT NULL "
        f"AND {prefix}_minor >= 0 AND {prefix}_currency IN ('SEK', 'EUR'))",
        name=op.f(f"ck_applications_{prefix}"),
    )


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("submission_key", sa.String(200), nullable=False),
        sa.Column("project_name", sa.String(200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("programme", sa.String(100), nullable=True),
        sa.Column("programme_other", sa.String(200), nullable=True),
        sa.Column("call_identifier", sa.String(200), nullable=True),
        sa.Column("malmo_role", sa.String(16), nullable=True),
        sa.Column("total_budget_minor", sa.BigInteger(), nullable=True),
        sa.Column("total_budget_currency", sa.String(3), nullable=True),
        sa.Column("malmo_share_minor", sa.BigInteger(), nullable=True),
        sa.Column("malmo_share_currency", sa.String(3), nullable=True),
        sa.Column("planned_submission_date", sa.Date(), nullable=True),
        sa.Column("call_deadline", sa.Date(), nullable=True),
        sa.Column("expected_decision_date", sa.Date(), nullable=True),
        sa.Column("project_start", sa.Date(), nullable=True),
        sa.Column("project_end", sa.Date(), nullable=True),
        sa.Column("contact_name", sa.String(200), nullable=True),
        sa.Column("contact_teams_user_id", sa.String(512), nullable=True),
        sa.Column("aligned_with_policy", sa.Boolean(), nullable=True),
        sa.Column("decision_anchored", sa.Boolean(), nullable=True),
        sa.Column("decision_reference", sa.String(100), nullable=True),
        sa.Column("status", sa.String(16), server_default="draft", nullable=False),
        sa.Column("eur_sek_rate", sa.Double(), nullable=True),
        sa.Column("information_item_required", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("ks_administration_informed_at", _TIMESTAMP, nullable=True),
        sa.Column("created_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'granted', 'rejected', 'ongoing', 'closed')",
            name=op.f("ck_applications_status"),
        ),
        sa.CheckConstraint("malmo_role IN ('owner', 'partner')", name=op.f("ck_applications_malmo_role")),
        _money_check("total_budget"),
        _money_check("malmo_share"),
        sa.CheckConstraint("eur_sek_rate IS NULL OR eur_sek_rate > 0", name=op.f("ck_applications_eur_sek_rate")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_applications_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_applications_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_applications_submission_key")),
    )
    op.create_index(op.f("ix_applications_organisation_id"), "applications", ["organisation_id"])
    op.create_index(op.f("ix_applications_call_deadline"), "applications", ["call_deadline"])

    op.create_table(
        "information_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), server_default="todo", nullable=False),
        sa.Column("draft_text", sa.Text(), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("created_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("status IN ('todo', 'sent')", name=op.f("ck_information_items_status")),
        sa.CheckConstraint(
            "(status = 'todo' AND sent_on IS NULL) OR (status = 'sent' AND sent_on IS NOT NULL)",
            name=op.f("ck_information_items_sent_on"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_information_items_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_information_items")),
        sa.UniqueConstraint("application_id", name=op.f("uq_information_items_application_id")),
    )

    op.create_table(
        "application_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("details", _JSON_DOCUMENT, nullable=False),
        sa.Column("at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('created', 'status_changed', 'information_item_sent', 'ks_administration_informed', "
            "'ks_administration_not_reached')",
            name=op.f("ck_application_events_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_events_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["users.id"],
            name=op.f("fk_application_events_actor_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_events")),
    )
    op.create_index(op.f("ix_application_events_application_id"), "application_events", ["application_id"])
    op.create_index(op.f("ix_application_events_at"), "application_events", ["at"])

    op.create_table(
        "registration_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("data", _JSON_DOCUMENT, nullable=False),
        sa.Column("progress", _JSON_DOCUMENT, nullable=False),
        sa.Column("updated_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_registration_drafts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_drafts")),
        sa.UniqueConstraint("user_id", name=op.f("uq_registration_drafts_user_id")),
    )


def downgrade() -> None:
    op.drop_table("registration_drafts")
    op.drop_index(op.f("ix_application_events_at"), table_name="application_events")
    op.drop_index(op.f("ix_application_events_application_id"), table_name="application_events")
    op.drop_table("application_events")
    op.drop_table("information_items")
    op.drop_index(op.f("ix_applications_call_deadline"), table_name="applications")
    op.drop_index(op.f("ix_applications_organisation_id"), table_name="applications")
    op.drop_table("applications")
