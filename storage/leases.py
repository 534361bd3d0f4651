"""The lease queue: rows that one instance at a time works on (due reminders and notices), claimed, finished
and released here alone.

A claimer sets `lease_owner` and `lease_expires_at` on the rows it takes, in a transaction it commits at once,
so every other instance sees them taken; what it then does with a row (sent, try again, give up) is recorded
only while the lease is still its own, and releases it. An instance that dies mid-work leaves a lease that runs
out, and the row is claimed again by anyone. The table has `storage.models.LeaseColumns` and
`OneRecipient`, and `id`, `state`, `due_at` and `updated_at` columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, FromClause, Select, Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import LeaseColumns, utc_now

__all__ = [
    "RELEASED",
    "claim",
    "claim_due",
    "finish_lease",
    "lease_is_free",
    "release",
    "require_aware",
    "shortened",
]

Leased = TypeVar("Leased", bound=LeaseColumns)
# The values that give a row's lease back, for an UPDATE that ends a row's work outside `finish_lease`.
RELEASED: dict[str, Any] = {"lease_owner": None, "lease_expires_at": None}


def require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, not {value!r}")


def lease_is_free(lease_expires_at: Any, now: datetime) -> ColumnElement[bool]:
    """Nobody holds the row at `now`: it was never claimed, was released, or its lease has run out."""
    return lease_expires_at.is_(None) | (lease_expires_at <= now)  # type: ignore[no-any-return]


def release(row: LeaseColumns) -> None:
    """Gives the lease of a loaded row back (the user acted on it: it is no one's work any more)."""
    row.lease_owner = None
    row.lease_expires_at = None


def shortened(error: str, max_length: int) -> str:
    """An error as it is kept with the row: its start says what went wrong (a connector's can be a whole page)."""
    return error if len(error) <= max_length else error[: max_length - 1] + "…"


def _due_candidates(table: Table, claimable: Sequence[Any], *, now: datetime, limit: int,
                    also: Callable[[FromClause], ColumnElement[bool]] | None) -> Select[tuple[int]]:
    """Ids of due rows in a `claimable` state nobody holds, soonest first; `also` adds a condition of the
    caller's over the same alias.

    Built over an alias so that, used inside an UPDATE of the same table (SQLite), it is an independent
    subquery rather than one correlated with the row being updated.
    """
    candidate = table.alias("candidate")
    conditions = [
        candidate.c.state.in_(list(claimable)),
        candidate.c.due_at <= now,
        lease_is_free(candidate.c.lease_expires_at, now),
    ]
    if also is not None:
        conditions.append(also(candidate))
    return select(candidate.c.id).where(*conditions).order_by(candidate.c.due_at, candidate.c.id).limit(limit)


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


async def claim_due(session: AsyncSession, model: type[Leased], claimable: Sequence[Any], *, now: datetime,
                    owner: str, lease: timedelta, limit: int,
                    also: Callable[[FromClause], ColumnElement[bool]] | None = None) -> list[Leased]:
    """Leases up to `limit` rows of `model` that are due at `now`, in a `claimable` state and held by nobody
    (and meet `also`, over the candidate alias) to `owner` until `now + lease` (`claim`: no two claimers get the
    same one); commit right after. They come back soonest first, `recipient_user` loaded."""
    if limit <= 0:
        return []
    table: Table = model.__table__  # type: ignore[attr-defined]
    candidates = _due_candidates(table, claimable, now=now, limit=limit, also=also)
    ids = await claim(session, table, candidates, now=now, owner=owner, lease=lease)
    if not ids:
        return []
    columns: Any = model  # the mapped class: its columns are attributes
    statement = (
        select(model)
        .where(columns.id.in_(ids))
        .options(selectinload(columns.recipient_user))
        .order_by(columns.due_at, columns.id)
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(statement)).all())


async def finish_lease(session: AsyncSession, model: Any, row_id: int, owner: str, claimable: Sequence[Any],
                       values: dict[str, Any], *, attempted: bool = True) -> bool:
    """Applies `values` to the row if `owner` still holds its lease (and it is still in a `claimable` state);
    the lease is released either way it goes. `attempted`: work was tried, and counts among the attempts.
    False (nothing changed) when the lease was lost: it ran out and another instance took the row."""
    statement = (
        update(model)
        .where(model.id == row_id, model.lease_owner == owner, model.state.in_(claimable))
        .values(attempts=model.attempts + (1 if attempted else 0), updated_at=utc_now(), **RELEASED, **values)
        .execution_options(synchronize_session="fetch")
    )
    result = await session.execute(statement)
    return result.rowcount == 1  # type: ignore[attr-defined]
