"""The mappings administrators add from a directory value (a department, a company name, an office, a group) to
the nämnd or bolag its users work for. Stored in the database, not in a file: several instances of Lotsen run at
once, and an administrator adds one in chat. The shipped defaults stay in storage/data/directory-mapping.yaml;
directory/mapping.py puts both together.

Values are compared without case and extra spaces ("  miljöförvaltningen " is "Miljöförvaltningen"); one mapping
per source and value, so mapping a value again moves it to the new organisation.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage._sql import dialect_insert
from storage.models import DirectoryMapping, DirectorySource, Organisation, User, utc_now

__all__ = ["DirectoryMapping", "list_mappings", "normalise_value", "remove_mapping", "set_mapping"]

VALUE_MAX_LENGTH = 256


def normalise_value(value: str) -> str:
    """How directory values are compared: case and runs of spaces aside, nothing else (å stays å)."""
    return " ".join(value.split()).casefold()


async def set_mapping(session: AsyncSession, source: DirectorySource, value: str, organisation: Organisation,
                      actor: User | None) -> DirectoryMapping:
    """Maps `value` of `source` to `organisation` (replacing an earlier mapping of the same value); `actor` None
    is the operator's command line. One INSERT … ON CONFLICT: two administrators at once cannot collide."""
    shown = " ".join(value.split())
    if not shown:
        raise ValueError("a directory value is required")
    if len(shown) > VALUE_MAX_LENGTH:
        raise ValueError(f"a directory value is at most {VALUE_MAX_LENGTH} characters")
    if organisation.id is None:
        raise ValueError("The organisation must be stored before a value can be mapped to it")
    table = DirectoryMapping.__table__
    statement = dialect_insert(session, DirectoryMapping).values(
        source=DirectorySource(source), value=shown, normalised_value=normalise_value(shown),
        organisation_id=organisation.id, created_by_user_id=actor.id if actor is not None else None,
        created_at=utc_now(),
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.source, table.c.normalised_value],
        set_={"value": statement.excluded.value, "organisation_id": statement.excluded.organisation_id,
              "created_by_user_id": statement.excluded.created_by_user_id,
              "created_at": statement.excluded.created_at},
    ).returning(DirectoryMapping)
    result = await session.execute(statement, execution_options={"populate_existing": True})
    return result.scalar_one()


async def remove_mapping(session: AsyncSession, source: DirectorySource, value: str) -> bool:
    """Removes the administrators' mapping of `value`; False when there was none (the shipped file's stay)."""
    result = await session.execute(
        delete(DirectoryMapping).where(DirectoryMapping.source == DirectorySource(source),
                                       DirectoryMapping.normalised_value == normalise_value(value)))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def list_mappings(session: AsyncSession, source: DirectorySource | None = None) -> list[DirectoryMapping]:
    """Every mapping administrators added (of one source when given), with its organisation, by value."""
    statement = select(DirectoryMapping).options(selectinload(DirectoryMapping.organisation))
    if source is not None:
        statement = statement.where(DirectoryMapping.source == DirectorySource(source))
    mappings = (await session.scalars(statement)).all()
    return sorted(mappings, key=lambda mapping: (mapping.source.value, mapping.normalised_value))
