"""When each user was last looked up in the directory and what came of it, so that a user without organisation
is looked up at most once a day (by whichever instance gets there first), and administrators are told about one
who could not be placed once, not every day.

Also whether anybody but the directory has decided a user's organisation: an administrator's or the operator's
placement (recorded in the audit trail by storage.users) always wins over the directory.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import dialect_insert
from storage.leases import require_aware
from storage.models import (
    AuditEvent,
    AuditEventKind,
    AuditSubjectType,
    DirectoryLookup,
    DirectoryOutcome,
    DirectorySource,
)

__all__ = ["DirectoryLookup", "claim_lookup", "last_lookup", "placed_by_a_person", "record_lookup"]

DIRECTORY = "directory"  # the audit event's "by" when the directory placed the user


async def placed_by_a_person(session: AsyncSession, user_id: int) -> bool:
    """Whether an administrator (in chat) or the operator (command line) ever set the user's organisation,
    including to none: then the directory never places them."""
    details = await session.scalars(
        select(AuditEvent.details).where(AuditEvent.kind == AuditEventKind.ORGANISATION_CHANGED,
                                         AuditEvent.subject_type == AuditSubjectType.USER,
                                         AuditEvent.subject_id == user_id))
    return any((detail or {}).get("by") != DIRECTORY for detail in details)


async def last_lookup(session: AsyncSession, user_id: int) -> DirectoryLookup | None:
    return await session.get(DirectoryLookup, user_id, populate_existing=True)


async def claim_lookup(session: AsyncSession, user_id: int, source: DirectorySource, *, now: datetime,
                       not_since: datetime) -> bool:
    """Takes the user's lookup for this caller unless someone looked them up at `not_since` or later; the row,
    written at once (as failed until `record_lookup` says otherwise), keeps other instances from doing it too."""
    require_aware(now, "now")
    require_aware(not_since, "not_since")
    table = DirectoryLookup.__table__
    statement = dialect_insert(session, DirectoryLookup).values(
        user_id=user_id, source=DirectorySource(source), outcome=DirectoryOutcome.FAILED, found_values=[],
        candidates=[], looked_up_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.user_id],
        set_={"source": statement.excluded.source, "outcome": statement.excluded.outcome,
              "found_values": statement.excluded.found_values, "candidates": statement.excluded.candidates,
              "looked_up_at": statement.excluded.looked_up_at},
        where=table.c.looked_up_at < not_since,
    ).returning(table.c.user_id)
    return (await session.execute(statement)).first() is not None


async def record_lookup(session: AsyncSession, user_id: int, outcome: DirectoryOutcome, *,
                        found_values: Sequence[str], candidates: Sequence[str]) -> None:
    """What the claimed lookup found (`claim_lookup` first)."""
    lookup = await last_lookup(session, user_id)
    if lookup is None:
        raise ValueError(f"user {user_id}'s lookup was not claimed")
    lookup.outcome = DirectoryOutcome(outcome)
    lookup.found_values = list(found_values)
    lookup.candidates = list(candidates)
    await session.flush()
