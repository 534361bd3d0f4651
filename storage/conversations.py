"""Conversation references: where Lotsen can write to someone later (reminders, proactive messages)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import dialect_insert
from storage.models import ConversationReferenceRecord, ConversationType, utc_now

__all__ = [
    "ConversationReferenceRecord",
    "ConversationType",
    "conversation_references",
    "get_conversation_reference",
    "base_conversation_id",
    "get_personal_reference_for_user",
    "is_terminal",
    "personal_references_for_users",
    "save_conversation_reference",
]

# The terminal chat's conversations (bot/terminal_chat.py) have this scheme: nobody listens there later.
TERMINAL_SCHEME = "terminal:"


def is_terminal(service_url: str | None) -> bool:
    """Whether the conversation is the terminal chat's, where nothing can be posted later."""
    return (service_url or "").startswith(TERMINAL_SCHEME)


def base_conversation_id(conversation_id: str) -> str:
    """A channel's own id: Teams adds ";messageid=…" to the conversation id of a reply thread, and a message
    sent to that longer id would land in the thread instead of as a new post in the channel."""
    return conversation_id.split(";messageid=", 1)[0]


async def save_conversation_reference(
    session: AsyncSession,
    *,
    conversation_id: str,
    conversation_type: str,
    tenant_id: str | None,
    service_url: str,
    channel_id: str,
    reference: dict[str, Any],
    user_id: int | None = None,
) -> ConversationReferenceRecord:
    """Creates or refreshes the reference for `conversation_id` (one INSERT … ON CONFLICT statement).

    `reference` is the serialized botbuilder ConversationReference. A `user_id` of None keeps the user
    already recorded for the conversation.
    """
    if not conversation_id:
        raise ValueError("conversation_id is required")
    table = ConversationReferenceRecord.__table__
    now = utc_now()
    statement = dialect_insert(session, ConversationReferenceRecord).values(
        conversation_id=conversation_id,
        conversation_type=str(conversation_type),
        tenant_id=tenant_id,
        service_url=service_url,
        channel_id=channel_id,
        user_id=user_id,
        reference=reference,
        updated_at=now,
    )
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.conversation_id],
        set_={
            "conversation_type": excluded.conversation_type,
            "tenant_id": func.coalesce(excluded.tenant_id, table.c.tenant_id),
            "service_url": excluded.service_url,
            "channel_id": excluded.channel_id,
            "user_id": func.coalesce(excluded.user_id, table.c.user_id),
            "reference": excluded.reference,
            "updated_at": excluded.updated_at,
        },
    ).returning(ConversationReferenceRecord)
    result = await session.execute(statement, execution_options={"populate_existing": True})
    return result.scalar_one()


async def get_conversation_reference(
    session: AsyncSession, conversation_id: str
) -> ConversationReferenceRecord | None:
    return await session.scalar(
        select(ConversationReferenceRecord).where(ConversationReferenceRecord.conversation_id == conversation_id)
    )


async def conversation_references(
    session: AsyncSession, conversation_ids: Iterable[str]
) -> dict[str, ConversationReferenceRecord]:
    """`get_conversation_reference` for many conversations in one query (a batch of reminders)."""
    wanted = sorted(set(conversation_ids))
    if not wanted:
        return {}
    records = await session.scalars(
        select(ConversationReferenceRecord).where(ConversationReferenceRecord.conversation_id.in_(wanted)))
    return {record.conversation_id: record for record in records}


async def personal_references_for_users(
    session: AsyncSession, user_ids: Iterable[int]
) -> dict[int, ConversationReferenceRecord]:
    """`get_personal_reference_for_user` for many users in one query (a batch of reminders)."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    records = await session.scalars(
        select(ConversationReferenceRecord)
        .where(
            ConversationReferenceRecord.user_id.in_(wanted),
            ConversationReferenceRecord.conversation_type == ConversationType.PERSONAL.value,
        )
        # Oldest first, so that each user's most recently used chat is the one kept.
        .order_by(ConversationReferenceRecord.updated_at, ConversationReferenceRecord.id)
    )
    return {record.user_id: record for record in records if record.user_id is not None}


async def get_personal_reference_for_user(
    session: AsyncSession, user_id: int
) -> ConversationReferenceRecord | None:
    """The user's 1:1 chat with Lotsen (the most recently used one, should Teams have given several)."""
    return await session.scalar(
        select(ConversationReferenceRecord)
        .where(
            ConversationReferenceRecord.user_id == user_id,
            ConversationReferenceRecord.conversation_type == ConversationType.PERSONAL.value,
        )
        .order_by(ConversationReferenceRecord.updated_at.desc(), ConversationReferenceRecord.id.desc())
        .limit(1)
    )
