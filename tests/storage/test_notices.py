"""The notice outbox's storage (storage/notices.py, storage/leases.py) on SQLite and PostgreSQL: a notice commits
with the turn that adds it or not at all, its listeners hear of it only after the commit, two claimers never get
the same notice, an outcome is recorded only by whoever holds the lease, and the list for KS coordinators."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storage.models import Notice, NoticeKind, NoticeState, utc_now
from storage.notices import (
    NoticeSpec,
    claim_due,
    enqueue,
    list_undelivered,
    mark_failed,
    mark_retry,
    mark_sent,
    on_enqueued,
)
from storage.unit_of_work import TurnSessions

KS_CHANNEL = "19:ks-forvaltning@thread.tacv2"


def _spec(subject_id: int = 1, kind: NoticeKind = NoticeKind.KS_APPLICATION) -> NoticeSpec:
    return NoticeSpec(kind=kind, subject_type="application", subject_id=subject_id,
                      recipient_conversation_id=KS_CHANNEL, card={"contentType": "x", "content": {}},
                      details={"subject_name": f"Projekt {subject_id}"})


async def _count(session_factory) -> int:
    async with session_factory() as session:
        return await session.scalar(select(func.count()).select_from(Notice)) or 0


async def test_a_notice_commits_with_its_turn_and_is_announced_only_after_the_commit(session_factory):
    heard: list[int] = []
    stop_listening = on_enqueued(lambda: heard.append(1))
    try:
        sessions = TurnSessions(session_factory)
        async with sessions.serialised("conversation") as turn:
            async with turn.transaction() as session:
                await enqueue(session, _spec())
                assert heard == []  # not before the commit: the outbox would not find it yet
        assert heard == [1] and await _count(session_factory) == 1

        with pytest.raises(RuntimeError):
            async with sessions.serialised("conversation") as turn:
                async with turn.transaction() as session:
                    await enqueue(session, _spec(2))
                    raise RuntimeError("the turn failed")
        assert heard == [1] and await _count(session_factory) == 1  # rolled back with its turn, never announced
    finally:
        stop_listening()


async def test_two_claimers_never_get_the_same_notice(session_factory):
    async with session_factory.begin() as session:
        for subject in range(1, 11):
            await enqueue(session, _spec(subject))
    now = utc_now() + timedelta(seconds=1)

    async def claim(owner: str) -> list[int]:
        async with session_factory.begin() as session:
            return [notice.id for notice in await claim_due(session, now=now, owner=owner,
                                                            lease=timedelta(minutes=2), limit=6)]

    first, second = await asyncio.gather(claim("a"), claim("b"))
    assert len(first) + len(second) == 10 and not set(first) & set(second)
    async with session_factory.begin() as session:  # everything is leased now
        assert await claim_due(session, now=now, owner="c", lease=timedelta(minutes=2), limit=10) == []
    async with session_factory.begin() as session:  # until the leases run out
        again = await claim_due(session, now=now + timedelta(minutes=3), owner="c", lease=timedelta(minutes=2),
                                limit=10)
    assert len(again) == 10


async def test_outcomes_are_recorded_only_under_the_lease(session_factory):
    async with session_factory.begin() as session:
        for subject in (1, 2, 3):
            await enqueue(session, _spec(subject))
    now = utc_now() + timedelta(seconds=1)
    async with session_factory.begin() as session:
        sent, retried, failed = await claim_due(session, now=now, owner="a", lease=timedelta(minutes=2), limit=3)
    async with session_factory.begin() as session:
        assert not await mark_sent(session, sent.id, owner="someone else", at=now)
        assert await mark_sent(session, sent.id, owner="a", at=now)
        assert not await mark_sent(session, sent.id, owner="a", at=now)  # once
        assert await mark_retry(session, retried.id, owner="a", error="HTTP 503:  busy\n", retry_at=now + timedelta(minutes=1))
        assert await mark_failed(session, failed.id, owner="a", error="HTTP 403: gone")
    async with session_factory() as session:
        stored = {notice.id: notice for notice in (await session.scalars(select(Notice))).all()}
    assert (stored[sent.id].state, stored[sent.id].attempts, stored[sent.id].sent_at) == (NoticeState.SENT, 1, now)
    assert (stored[retried.id].state, stored[retried.id].last_error) == (NoticeState.PENDING, "HTTP 503: busy")
    assert stored[retried.id].due_at == now + timedelta(minutes=1) and stored[retried.id].lease_owner is None
    assert stored[failed.id].state == NoticeState.FAILED

    async with session_factory() as session:
        listed = await list_undelivered(session)
    assert [notice.id for notice in listed] == [failed.id, retried.id]  # newest first; the sent one is not there


async def test_a_notice_goes_to_a_user_or_a_conversation(session_factory):
    with pytest.raises(ValueError):
        NoticeSpec(kind=NoticeKind.REVIEW_OUTCOME, subject_type="annual_report", subject_id=1)
    with pytest.raises(ValueError):
        NoticeSpec(kind=NoticeKind.REVIEW_OUTCOME, subject_type="annual_report", subject_id=1, recipient_user_id=1,
                   recipient_conversation_id=KS_CHANNEL)
