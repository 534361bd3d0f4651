"""A contact person (3.3) or representative (3.4) chosen in the directory: their Entra object id, by which the
Lotsen user they are is found whatever their name. Rows named before stay names (no object id).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("contact_persons", sa.Column("aad_object_id", sa.String(64), nullable=True))


def downgrade() -> None:
    # SQLite drops a column by copying the table: batch mode does that there and a plain ALTER elsewhere.
    with op.batch_alter_table("contact_persons") as batch:
        batch.drop_column("aad_object_id")
