"""Contact persons (3.3) and bolag representatives (3.4), the history of role and contact changes, and the
amount an application was granted.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)
_JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# storage.models' AuditEventKind / AuditSubjectType when this revision was written.
_AUDIT_KINDS = "'contact_person_set', 'contact_person_removed', 'role_changed', 'organisation_changed'"
_AUDIT_SUBJECTS = "'contact_person', 'user'"
_GRANTED_CHECK = (
    "(granted_amount_minor IS NULL AND granted_amount_currency IS NULL) OR "
    "(granted_amount_minor IS NOT NULL AND granted_amount_currency IS NOT NULL "
    "AND granted_amount_minor >= 0 AND granted_amount_currency IN ('SEK', 'EUR'))"
)


def upgrade() -> None:
    # Batch mode: SQLite cannot add a CHECK constraint to an existing table, so alembic copies the table there.
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("granted_amount_minor", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("granted_amount_currency", sa.String(3), nullable=True))
        batch.create_check_constraint("granted_amount", _GRANTED_CHECK)

    op.create_table(
        "contact_persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("set_by_user_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_contact_persons_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_contact_persons_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["set_by_user_id"], ["users.id"], name=op.f("fk_contact_persons_set_by_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_persons")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_contact_persons_organisation_id")),
    )
    op.create_index(op.f("ix_contact_persons_user_id"), "contact_persons", ["user_id"])

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject_type", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("details", _JSON_DOCUMENT, nullable=False),
        sa.Column("at", _TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(f"kind IN ({_AUDIT_KINDS})", name=op.f("ck_audit_events_kind")),
        sa.CheckConstraint(f"subject_type IN ({_AUDIT_SUBJECTS})", name=op.f("ck_audit_events_subject_type")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_audit_events_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_audit_events_actor_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_organisation_id"), "audit_events", ["organisation_id"])
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_events_at"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_organisation_id"), table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index(op.f("ix_contact_persons_user_id"), table_name="contact_persons")
    op.drop_table("contact_persons")
    with op.batch_alter_table("applications") as batch:
        batch.drop_constraint("granted_amount", type_="check")
        batch.drop_column("granted_amount_currency")
        batch.drop_column("granted_amount_minor")
