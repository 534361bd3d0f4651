"""Half-finished registrations, one per user, kept in the database so that they survive days and restarts."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import dialect_insert
from storage.application_data import ApplicationData
from storage.models import RegistrationDraft, User, utc_now

__all__ = ["RegistrationDraft", "delete_draft", "draft_data", "get_draft", "save_draft"]


async def save_draft(session: AsyncSession, user: User, data: ApplicationData, progress: dict[str, Any]) -> None:
    """Creates or replaces the user's draft (one INSERT … ON CONFLICT statement) and refreshes `updated_at`.

    `progress` is the dialog's own bookkeeping, stored as given; it must be JSON-serialisable. The statement goes
    through SQLAlchemy Core, without an ORM object back (a registration answer's one write, every turn); a draft
    this session loaded before is expired, so it is read again as saved.
    """
    if user.id is None:
        raise ValueError("The user must be stored before a draft can be saved for them")
    table = RegistrationDraft.__table__
    statement = dialect_insert(session, table).values(
        user_id=user.id, data=data.model_dump(mode="json"), progress=progress, updated_at=utc_now()
    )
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.user_id],
        set_={"data": excluded.data, "progress": excluded.progress, "updated_at": excluded.updated_at},
    )
    await session.execute(statement)
    for loaded in list(session.identity_map.values()):
        if isinstance(loaded, RegistrationDraft) and loaded.user_id == user.id:
            session.expire(loaded)


async def get_draft(session: AsyncSession, user: User) -> RegistrationDraft | None:
    return await session.scalar(select(RegistrationDraft).where(RegistrationDraft.user_id == user.id))


async def delete_draft(session: AsyncSession, user: User) -> None:
    """Removes the user's draft, if there is one (saved or cancelled registrations)."""
    await session.execute(delete(RegistrationDraft).where(RegistrationDraft.user_id == user.id))


def draft_data(draft: RegistrationDraft) -> ApplicationData:
    """The draft's answers as the shared model.

    A draft saved by an older Lotsen may hold an answer today's model no longer accepts (a longer text, a
    renamed choice): that answer is dropped, so the question is simply asked again, rather than losing the
    whole draft. Keys the model does not know are ignored.
    """
    if not isinstance(draft.data, dict):
        return ApplicationData.model_validate(draft.data)  # refused as a whole: there is nothing to keep
    values = dict(draft.data)
    while True:
        try:
            return ApplicationData.model_validate(values)
        except ValidationError as error:
            invalid = {str(detail["loc"][0]) for detail in error.errors() if detail["loc"]}
            if not invalid & values.keys():
                raise
            for name in invalid:
                values.pop(name, None)
