"""Which Lotsen user a turn is from: the one way every dialog and chat command finds out."""

from __future__ import annotations

from botbuilder.core import TurnContext
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import User
from storage.users import get_user_by_teams_id, upsert_user


async def acting_user(session: AsyncSession, turn_context: TurnContext) -> User | None:
    """The Lotsen user who wrote this turn; None for a turn from nobody, or from someone Lotsen has not recorded."""
    sender = turn_context.activity.from_property
    if sender is None or not sender.id:
        return None
    return await get_user_by_teams_id(session, sender.id)


async def acting_user_recorded(session: AsyncSession, turn_context: TurnContext) -> User:
    """The Lotsen user who wrote this turn, recorded now when Lotsen has not met them yet: for dialogs that save
    what the user writes (a registration, an annual report), which need someone to save it as."""
    user = await acting_user(session, turn_context)
    if user is not None:
        return user
    sender = turn_context.activity.from_property
    return await upsert_user(session, sender.id, aad_object_id=sender.aad_object_id, name=sender.name or "",
                             locale=turn_context.activity.locale)
