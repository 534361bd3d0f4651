"""The notice outbox: what Lotsen owes someone a message about, recorded in the transaction of the change.

`enqueue` adds a notice with the change that causes it (an application saved, a report submitted, returned or
approved), so both commit or neither does; `after_commit` tells the listeners (the app's outbox) that there is
something to send at once. The outbox then `claim_due`s, posts, and marks each `mark_sent`, `mark_retry` or
`mark_failed` under its lease (storage/leases.py), as the reminder scheduler does. Delivery is at least once:
an instance that dies between the post and the commit of "sent" leaves the lease to run out, and the notice is
posted again. What has not reached its recipient is listed for KS coordinators by `list_undelivered`
(and counted by `count_undelivered`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import leases
from storage.leases import finish_lease, require_aware, shortened
from storage.models import Notice, NoticeKind, NoticeState, utc_now
from storage.unit_of_work import after_commit

__all__ = [
    "Notice",
    "NoticeKind",
    "NoticeSpec",
    "NoticeState",
    "claim_due",
    "count_undelivered",
    "enqueue",
    "list_undelivered",
    "mark_failed",
    "mark_retry",
    "mark_sent",
    "notices_about",
    "on_enqueued",
]

ERROR_MAX_LENGTH = 500
_CLAIMABLE = (NoticeState.PENDING,)
# Called (without arguments) after a transaction that enqueued a notice has committed.
_listeners: list[Callable[[], None]] = []


@dataclass(frozen=True)
class NoticeSpec:
    kind: NoticeKind
    subject_type: str  # "application", "annual_report", "notice"
    subject_id: int
    recipient_user_id: int | None = None
    recipient_conversation_id: str | None = None
    card: dict[str, Any] | None = None  # {"contentType": …, "content": …}: an attachment as Teams takes it
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.recipient_user_id is None) == (self.recipient_conversation_id is None):
            raise ValueError("a notice goes to a user or to a conversation, exactly one of them")


def on_enqueued(listener: Callable[[], None]) -> Callable[[], None]:
    """Registers `listener`, called after each commit that enqueued a notice; returns a function that
    unregisters it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def _notify() -> None:
    for listener in list(_listeners):
        listener()


async def enqueue(session: AsyncSession, spec: NoticeSpec, *, due_at: datetime | None = None) -> Notice:
    """Adds the notice in the caller's transaction; due at once unless `due_at` says otherwise."""
    notice = Notice(kind=spec.kind, subject_type=spec.subject_type, subject_id=spec.subject_id,
                    recipient_user_id=spec.recipient_user_id, recipient_conversation_id=spec.recipient_conversation_id,
                    card=spec.card, details=dict(spec.details), state=NoticeState.PENDING,
                    due_at=due_at or utc_now(), attempts=0)
    session.add(notice)
    await session.flush()
    after_commit(_notify)
    return notice


async def claim_due(session: AsyncSession, *, now: datetime, owner: str, lease: timedelta,
                    limit: int) -> list[Notice]:
    """Leases up to `limit` due notices to `owner`, oldest first (`storage.leases.claim_due`); commit right after."""
    return await leases.claim_due(session, Notice, _CLAIMABLE, now=now, owner=owner, lease=lease, limit=limit)


async def mark_sent(session: AsyncSession, notice_id: int, *, owner: str, at: datetime) -> bool:
    require_aware(at, "at")
    return await finish_lease(session, Notice, notice_id, owner, _CLAIMABLE,
                              {"state": NoticeState.SENT, "sent_at": at, "last_error": None})


async def mark_retry(session: AsyncSession, notice_id: int, *, owner: str, error: str, retry_at: datetime) -> bool:
    require_aware(retry_at, "retry_at")
    return await finish_lease(session, Notice, notice_id, owner, _CLAIMABLE,
                              {"state": NoticeState.PENDING, "due_at": retry_at, "last_error": _short(error)})


async def mark_failed(session: AsyncSession, notice_id: int, *, owner: str, error: str) -> bool:
    return await finish_lease(session, Notice, notice_id, owner, _CLAIMABLE,
                              {"state": NoticeState.FAILED, "last_error": _short(error)})


# A notice that has not reached its recipient: still being tried, or given up. The follow-ups that tell a sender
# about one (`UNDELIVERED`) are left out: the notice itself is listed.
_UNDELIVERED = (Notice.state.in_((NoticeState.PENDING, NoticeState.FAILED)), Notice.kind != NoticeKind.UNDELIVERED)


async def list_undelivered(session: AsyncSession, *, limit: int = 50) -> list[Notice]:
    """Notices that have not reached their recipient (`_UNDELIVERED`), newest first."""
    statement = (
        select(Notice)
        .where(*_UNDELIVERED)
        .options(selectinload(Notice.recipient_user))
        .order_by(Notice.created_at.desc(), Notice.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(statement)).all())


async def count_undelivered(session: AsyncSession) -> int:
    """How many notices have not reached their recipient: the list shows the newest and counts the rest."""
    return await session.scalar(select(func.count()).select_from(Notice).where(*_UNDELIVERED)) or 0


async def notices_about(session: AsyncSession, subject_type: str, subject_id: int) -> list[Notice]:
    statement = (select(Notice).where(Notice.subject_type == subject_type, Notice.subject_id == subject_id)
                 .order_by(Notice.id))
    return list((await session.scalars(statement)).all())


def _short(error: str) -> str:
    """On one line: the list for KS coordinators shows it."""
    return shortened(" ".join(error.split()), ERROR_MAX_LENGTH)
