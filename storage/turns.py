"""The bookkeeping that makes a turn crash-consistent: activities already handled, and the last replies of a
conversation until they are known to have been delivered (see bot/turns.py for how a turn uses them)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import dialect_insert
from storage.models import ProcessedActivity, TurnReplies, utc_now


def _digest(*parts: str) -> str:
    joined = "\n".join(parts)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


def conversation_key(channel_id: str, conversation_id: str) -> str:
    return _digest(channel_id, conversation_id)


def activity_key(conversation: str, activity_id: str) -> str:
    return _digest(conversation, activity_id)


@dataclass(frozen=True)
class LastReplies:
    activity_key: str
    replies: list[dict[str, Any]]
    awaiting_answer: bool
    delivered: bool


async def claim_activity(session: AsyncSession, key: str) -> bool:
    """Records the activity as handled; False when it already was (a redelivery)."""
    statement = dialect_insert(session, ProcessedActivity).values(key=key, processed_at=utc_now())
    result: CursorResult[Any] = await session.execute(statement.on_conflict_do_nothing())  # type: ignore[assignment]
    return result.rowcount == 1


async def last_replies(session: AsyncSession, conversation: str) -> LastReplies | None:
    row = await session.get(TurnReplies, conversation, populate_existing=True)
    if row is None:
        return None
    return LastReplies(row.activity_key, json.loads(row.replies), row.awaiting_answer, row.delivered_at is not None)


async def record_replies(session: AsyncSession, conversation: str, activity: str,
                         replies: list[dict[str, Any]], *, awaiting_answer: bool) -> None:
    """The turn's replies, not yet delivered; they replace the conversation's previous ones."""
    values = {"activity_key": activity, "replies": json.dumps(replies, ensure_ascii=False),
              "awaiting_answer": awaiting_answer, "delivered_at": None, "updated_at": utc_now()}
    statement = dialect_insert(session, TurnReplies).values(conversation_key=conversation, **values)
    await session.execute(statement.on_conflict_do_update(index_elements=["conversation_key"], set_=values))


async def mark_delivered(session: AsyncSession, conversation: str, activity: str) -> None:
    await session.execute(
        update(TurnReplies)
        .where(TurnReplies.conversation_key == conversation, TurnReplies.activity_key == activity)
        .values(delivered_at=utc_now())
    )


async def forget_processed_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drops the record of activities handled before `cutoff`: Teams redelivers within minutes, not days."""
    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        delete(ProcessedActivity).where(ProcessedActivity.processed_at < cutoff))
    return result.rowcount


