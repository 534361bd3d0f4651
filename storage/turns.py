"""The bookkeeping that makes a turn crash-consistent: activities already handled, and the last replies of a
conversation until they are known to have been delivered (see bot/turns.py for how a turn uses them)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from functools import cache, cached_property

from sqlalchemy import CursorResult, Executable, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import dialect_of, insert_for
from storage.models import ProcessedActivity, TurnReplies, utc_now

_processed = ProcessedActivity.__table__
_replies = TurnReplies.__table__


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
    stored_replies: str  # the replies' JSON, read only when they are shown again
    awaiting_answer: bool
    delivered: bool

    @cached_property
    def replies(self) -> list[dict[str, Any]]:
        # Every turn reads the last replies to know whether they arrived; almost always they did, and are not parsed.
        return json.loads(self.stored_replies)


@dataclass(frozen=True)
class _Statements:
    """Every turn runs these: built once per database, so that a turn only binds its values (building an ORM
    statement anew each time cost more than running it)."""

    claim: Executable
    last: Executable
    record: Executable
    delivered: Executable


@cache
def _statements(dialect: str) -> _Statements:
    claim = insert_for(dialect, _processed).on_conflict_do_nothing()
    record = insert_for(dialect, _replies)
    record = record.on_conflict_do_update(
        index_elements=[_replies.c.conversation_key],
        set_={name: record.excluded[name]
              for name in ("activity_key", "replies", "awaiting_answer", "delivered_at", "updated_at")})
    last = select(_replies.c.activity_key, _replies.c.replies, _replies.c.awaiting_answer,
                  _replies.c.delivered_at).where(_replies.c.conversation_key == bindparam("conversation"))
    delivered = (update(_replies)
                 .where(_replies.c.conversation_key == bindparam("conversation"),
                        _replies.c.activity_key == bindparam("activity"))
                 .values(delivered_at=bindparam("at")))
    return _Statements(claim, last, record, delivered)


async def claim_activity(session: AsyncSession, key: str) -> bool:
    """Records the activity as handled; False when it already was (a redelivery)."""
    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        _statements(dialect_of(session)).claim, {"key": key, "processed_at": utc_now()})
    return result.rowcount == 1


async def last_replies(session: AsyncSession, conversation: str) -> LastReplies | None:
    row = (await session.execute(_statements(dialect_of(session)).last, {"conversation": conversation})).first()
    if row is None:
        return None
    return LastReplies(row.activity_key, row.replies, row.awaiting_answer, row.delivered_at is not None)


async def record_replies(session: AsyncSession, conversation: str, activity: str,
                         replies: list[dict[str, Any]], *, awaiting_answer: bool) -> None:
    """The turn's replies, not yet delivered; they replace the conversation's previous ones."""
    await session.execute(_statements(dialect_of(session)).record, {
        "conversation_key": conversation, "activity_key": activity,
        "replies": json.dumps(replies, ensure_ascii=False), "awaiting_answer": awaiting_answer,
        "delivered_at": None, "updated_at": utc_now()})


async def mark_delivered(session: AsyncSession, conversation: str, activity: str) -> None:
    await mark_delivered_many(session, [(conversation, activity)])


async def mark_delivered_many(session: AsyncSession, delivered: list[tuple[str, str]]) -> None:
    """Marks the replies of each (conversation, activity) delivered, in one statement."""
    if delivered:
        at = utc_now()
        await session.execute(_statements(dialect_of(session)).delivered,
                              [{"conversation": c, "activity": a, "at": at} for c, a in delivered])


async def forget_processed_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drops the record of activities handled before `cutoff`: Teams redelivers within minutes, not days."""
    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        delete(ProcessedActivity).where(ProcessedActivity.processed_at < cutoff))
    return result.rowcount


