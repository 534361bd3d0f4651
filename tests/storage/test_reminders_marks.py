"""storage/reminders.py `mark_sent_many`: a batch marked sent in one transaction, only what its owner holds, once;
and the batched conversation lookups the deliverer reads a batch's recipients with (storage/conversations.py).
Both backends (tests/db_fixtures.py); counts, no timing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.conversations import (
    conversation_references,
    get_personal_reference_for_user,
    personal_references_for_users,
    save_conversation_reference,
)
from storage.models import Reminder, ReminderState
from storage.reminders import ReminderSpec, claim_due, mark_done, mark_sent_many, schedule_many
from storage.users import upsert_user

Factory = async_sessionmaker[AsyncSession]
NOW = datetime(2027, 3, 1, 8, 0, tzinfo=timezone.utc)
LEASE = timedelta(minutes=2)


async def _users(session_factory: Factory, count: int) -> list[int]:
    async with session_factory.begin() as session:
        return [(await upsert_user(session, f"29:user-{number}", aad_object_id=None, name=f"User {number}",
                                   locale="sv-SE")).id for number in range(count)]


async def _schedule(session_factory: Factory, user_ids: list[int], count: int) -> None:
    async with session_factory.begin() as session:
        await schedule_many(session, [
            ReminderSpec(kind="application_deadline", subject_type="application", subject_id=number, due_at=NOW,
                         idempotency_key=f"batch-{number}", recipient_user_id=user_ids[number % len(user_ids)])
            for number in range(count)
        ])


async def _claim(session_factory: Factory, owner: str, limit: int, now: datetime = NOW) -> list[int]:
    async with session_factory.begin() as session:
        return [reminder.id for reminder in await claim_due(session, now=now, owner=owner, lease=LEASE, limit=limit)]


async def _by_state(session_factory: Factory) -> dict[tuple[ReminderState, int], int]:
    async with session_factory() as session:
        rows = await session.execute(
            select(Reminder.state, Reminder.attempts, func.count()).group_by(Reminder.state, Reminder.attempts))
        return {(state, attempts): count for state, attempts, count in rows}


async def test_a_batch_larger_than_one_statement_is_marked_sent_in_one_transaction(session_factory: Factory) -> None:
    """1 200 reminders (more than one UPDATE's chunk of ids) marked at once: each sent once, attempt counted,
    lease given back, the time recorded."""
    users = await _users(session_factory, 3)
    await _schedule(session_factory, users, 1200)
    claimed = await _claim(session_factory, "instance-a", 1200)
    assert len(claimed) == 1200
    async with session_factory.begin() as session:
        marked = await mark_sent_many(session, claimed, owner="instance-a", at=NOW + timedelta(seconds=5))
    assert marked == set(claimed)
    assert await _by_state(session_factory) == {(ReminderState.SENT, 1): 1200}
    async with session_factory() as session:
        leased = await session.scalar(select(func.count()).where(Reminder.lease_owner.is_not(None)))
        sent_at = set((await session.scalars(select(Reminder.sent_at).distinct())).all())
    assert leased == 0
    assert {moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment for moment in sent_at} == {
        NOW + timedelta(seconds=5)}


async def test_only_what_the_owner_still_holds_is_marked_and_only_once(session_factory: Factory) -> None:
    """Of a batch: some never claimed, some held by another instance, one the user marked done meanwhile, one
    unknown id. Only the owner's live ones are marked; marking again changes nothing."""
    users = await _users(session_factory, 2)
    await _schedule(session_factory, users, 10)
    mine = await _claim(session_factory, "instance-a", 4)
    theirs = await _claim(session_factory, "instance-b", 4)
    async with session_factory() as session:
        unclaimed = list((await session.scalars(
            select(Reminder.id).where(Reminder.lease_owner.is_(None)).order_by(Reminder.id))).all())
    assert len(unclaimed) == 2
    done = mine[0]
    async with session_factory.begin() as session:
        recipient = await session.scalar(select(Reminder.recipient_user_id).where(Reminder.id == done))
        assert recipient is not None
        await mark_done(session, done, user_id=recipient)

    async with session_factory.begin() as session:
        marked = await mark_sent_many(session, [*mine, *theirs, *unclaimed, 999_999], owner="instance-a", at=NOW)
    assert marked == set(mine[1:])
    async with session_factory.begin() as session:
        assert await mark_sent_many(session, mine, owner="instance-a", at=NOW) == set()  # once
        assert await mark_sent_many(session, [], owner="instance-a", at=NOW) == set()
    states = await _by_state(session_factory)
    assert states[(ReminderState.SENT, 1)] == 3
    assert states[(ReminderState.PENDING, 0)] == 6  # instance-b's four and the two unclaimed, untouched


async def test_a_lease_taken_over_after_it_ran_out_is_the_new_owners_to_mark(session_factory: Factory) -> None:
    """The first owner died before marking; its lease ran out and another claimed the batch. The dead one's
    late marks change nothing, the new owner's count, and each reminder ends sent once."""
    users = await _users(session_factory, 2)
    await _schedule(session_factory, users, 20)
    first = await _claim(session_factory, "dies-mid-batch", 20)
    again = await _claim(session_factory, "survivor", 20, now=NOW + LEASE)
    assert sorted(again) == sorted(first)
    async with session_factory.begin() as session:
        assert await mark_sent_many(session, first, owner="dies-mid-batch", at=NOW) == set()
        assert await mark_sent_many(session, again, owner="survivor", at=NOW + LEASE) == set(again)
    assert await _by_state(session_factory) == {(ReminderState.SENT, 1): 20}


async def test_a_rolled_back_batch_marks_nothing(session_factory: Factory) -> None:
    """The marks of a batch are one transaction: if it does not commit, every reminder stays claimed, to be
    claimed again when the lease runs out."""
    users = await _users(session_factory, 1)
    await _schedule(session_factory, users, 5)
    claimed = await _claim(session_factory, "instance-a", 5)
    async with session_factory() as session:
        async with session.begin():
            assert await mark_sent_many(session, claimed, owner="instance-a", at=NOW) == set(claimed)
            await session.rollback()
    assert await _by_state(session_factory) == {(ReminderState.PENDING, 0): 5}
    assert sorted(await _claim(session_factory, "instance-b", 5, now=NOW + LEASE)) == sorted(claimed)


async def test_a_batchs_conversations_are_read_in_one_go_as_one_by_one(session_factory: Factory) -> None:
    """Each user's most recently used 1:1 chat (as `get_personal_reference_for_user`), and channels by id."""
    users = await _users(session_factory, 3)
    async with session_factory.begin() as session:
        for user_id, chats in zip(users, (["a:old", "a:new"], ["a:only"], [])):
            for chat in chats:
                await save_conversation_reference(
                    session, conversation_id=f"{chat}-{user_id}", conversation_type="personal", tenant_id=None,
                    service_url="https://smba.example/", channel_id="msteams", user_id=user_id,
                    reference={"conversation": {"id": f"{chat}-{user_id}"}})
        await save_conversation_reference(
            session, conversation_id="19:channel@thread.tacv2", conversation_type="channel", tenant_id=None,
            service_url="https://smba.example/", channel_id="msteams", reference={})
    async with session_factory() as session:
        by_user = await personal_references_for_users(session, [*users, *users])
        one_by_one = {user_id: await get_personal_reference_for_user(session, user_id) for user_id in users}
        channels = await conversation_references(session, ["19:channel@thread.tacv2", "19:unknown"])
    assert {user_id: record.conversation_id for user_id, record in by_user.items()} == {
        user_id: record.conversation_id for user_id, record in one_by_one.items() if record is not None}
    assert by_user[users[0]].conversation_id == f"a:new-{users[0]}"
    assert users[2] not in by_user
    assert list(channels) == ["19:channel@thread.tacv2"]
