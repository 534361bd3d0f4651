"""Leases on rows that one instance at a time works on: due reminders and notices.

A claimer sets `lease_owner` and `lease_expires_at` on the rows it takes, in a transaction it commits at once,
so every other instance sees them taken; what it then does with a row (sent, try again, give up) is recorded
only while the lease is still its own, and releases it. An instance that dies mid-work leaves a lease that runs
out, and the row is claimed again by anyone. The table needs `id`, `state`, `attempts`, `lease_owner`,
`lease_expires_at` and `updated_at` columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, Table, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import utc_now


def require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, not {value!r}")


async def claim(session: AsyncSession, table: Table, candidates: Select[tuple[int]], *, now: datetime,
                owner: str, lease: timedelta) -> list[int]:
    """Leases the rows of `table` whose ids `candidates` selects to `owner` until `now + lease`; their ids.

    `candidates` must itself exclude rows under a live lease, and be built over an alias of `table` (so that,
    inside an UPDATE of the same table on SQLite, it is an independent subquery). PostgreSQL: SELECT … FOR
    UPDATE SKIP LOCKED, then UPDATE, in the caller's transaction: rows another instance is claiming are skipped,
    not waited for, and READ COMMITTED re-checks the condition on a row that changed meanwhile. SQLite: one
    UPDATE … WHERE id IN (SELECT …) RETURNING, atomic because SQLite has one writer at a time. Either way no two
    claimers get the same row. Commit right after.
    """
    require_aware(now, "now")
    if not owner:
        raise ValueError("owner is required: it is how a claimer proves the lease is its own")
    if lease <= timedelta(0):
        raise ValueError(f"lease must be positive, not {lease!r}")
    claimed = {"lease_owner": owner, "lease_expires_at": now + lease, "updated_at": utc_now()}
    if session.get_bind().dialect.name == "postgresql":
        ids = list((await session.scalars(candidates.with_for_update(skip_locked=True))).all())
        if ids:
            await session.execute(update(table).where(table.c.id.in_(ids)).values(**claimed))
        return ids
    statement = update(table).where(table.c.id.in_(candidates)).values(**claimed).returning(table.c.id)
    return list((await session.scalars(statement)).all())


async def finish_lease(session: AsyncSession, model: Any, row_id: int, owner: str, claimable: Sequence[Any],
                       values: dict[str, Any], *, attempted: bool = True) -> bool:
    """Applies `values` to the row if `owner` still holds its lease (and it is still in a `claimable` state);
    the lease is released either way it goes. `attempted`: work was tried, and counts among the attempts.
    False (nothing changed) when the lease was lost: it ran out and another instance took the row."""
    statement = (
        update(model)
        .where(model.id == row_id, model.lease_owner == owner, model.state.in_(claimable))
        .values(
            attempts=model.attempts + (1 if attempted else 0),
            lease_owner=None,
            lease_expires_at=None,
            updated_at=utc_now(),
            **values,
        )
        .execution_options(synchronize_session="fetch")
    )
    result = await session.execute(statement)
    return result.rowcount == 1  # type: ignore[attr-defined]
