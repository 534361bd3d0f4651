"""storage/registration_drafts.py: one half-finished registration per user, kept across restarts."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.application_data import ApplicationData, MalmoRole, Money
from storage.models import RegistrationDraft, User
from storage.registration_drafts import delete_draft, draft_data, get_draft, save_draft
from storage.users import upsert_user

Factory = async_sessionmaker[AsyncSession]

HALF_DONE = ApplicationData(
    project_name="Cykelstråk för alla – Malmö ↔ København",
    description="Säkra stråk, “gröna” korsningar och 日本語.",
    programme="interreg_oks",
    organisation_slug="miljonamnden",
    malmo_role=MalmoRole.OWNER,
    total_budget=Money.of("1200000.50", "EUR"),
    malmo_share=Money(amount_minor=450_000_000, currency="SEK"),
    call_deadline=date(2026, 3, 15),
    project_start=date(2027, 1, 1),
    aligned_with_policy=True,
)
PROGRESS = {"step": "call_deadline", "history": ["project_name", "description"], "editing": None, "n": 3}


async def _users(session_factory: Factory) -> tuple[User, User]:
    async with session_factory.begin() as session:
        return (
            await upsert_user(session, "29:asa", aad_object_id=None, name="Åsa Öberg"),
            await upsert_user(session, "29:bo", aad_object_id=None, name="Bo Ek"),
        )


async def _draft_count(session_factory: Factory) -> int:
    async with session_factory() as session:
        return await session.scalar(select(func.count()).select_from(RegistrationDraft)) or 0


async def test_a_saved_draft_comes_back_in_another_session(session_factory: Factory) -> None:
    asa, _ = await _users(session_factory)
    async with session_factory.begin() as session:
        await save_draft(session, asa, HALF_DONE, PROGRESS)
    async with session_factory() as session:
        draft = await get_draft(session, asa)
    assert draft is not None and draft.user_id == asa.id
    assert draft_data(draft) == HALF_DONE
    assert draft.progress == PROGRESS
    assert draft.data == HALF_DONE.model_dump(mode="json")
    assert draft.updated_at.utcoffset().total_seconds() == 0


async def test_saving_again_replaces_the_one_draft(session_factory: Factory) -> None:
    asa, bo = await _users(session_factory)
    async with session_factory.begin() as session:
        await save_draft(session, asa, HALF_DONE, PROGRESS)
        first = await get_draft(session, asa)
        assert first is not None
        first_id, first_updated_at = first.id, first.updated_at
    later = HALF_DONE.model_copy(update={"project_name": "Nytt namn", "call_deadline": None})
    async with session_factory.begin() as session:
        loaded = await get_draft(session, asa)
        await save_draft(session, asa, later, {"step": "review"})
        second = await get_draft(session, asa)
        assert second is loaded  # the object already in the session is read again, not left stale
        assert second is not None and second.id == first_id
        assert draft_data(second) == later and second.progress == {"step": "review"}
        assert second.updated_at >= first_updated_at
    async with session_factory.begin() as session:
        await save_draft(session, bo, ApplicationData(), {})
    assert await _draft_count(session_factory) == 2
    async with session_factory() as session:
        asa_draft, bo_draft = await get_draft(session, asa), await get_draft(session, bo)
    assert asa_draft is not None and draft_data(asa_draft).project_name == "Nytt namn"
    assert draft_data(asa_draft).call_deadline is None
    assert bo_draft is not None and draft_data(bo_draft) == ApplicationData() and bo_draft.progress == {}


async def test_delete_removes_only_that_users_draft(session_factory: Factory) -> None:
    asa, bo = await _users(session_factory)
    async with session_factory.begin() as session:
        await save_draft(session, asa, HALF_DONE, PROGRESS)
        await save_draft(session, bo, HALF_DONE, PROGRESS)
    async with session_factory.begin() as session:
        loaded = await get_draft(session, asa)
        await delete_draft(session, asa)
        assert await get_draft(session, asa) is None
        assert loaded not in session
        await delete_draft(session, asa)  # nothing left: nothing happens
    async with session_factory() as session:
        assert await get_draft(session, asa) is None
        assert await get_draft(session, bo) is not None


async def test_concurrent_saves_of_one_user_keep_one_draft(session_factory: Factory) -> None:
    asa, _ = await _users(session_factory)

    async def save(number: int) -> int:
        async with session_factory.begin() as session:
            await save_draft(session, asa, HALF_DONE, {"n": number})
            draft = await get_draft(session, asa)
            assert draft is not None
            return draft.id

    ids = await asyncio.gather(*(save(number) for number in range(6)))
    assert len(set(ids)) == 1
    assert await _draft_count(session_factory) == 1
    async with session_factory() as session:
        draft = await get_draft(session, asa)
    assert draft is not None and draft.progress["n"] in range(6)


async def test_a_deleted_user_takes_the_draft_along(session_factory: Factory) -> None:
    asa, _ = await _users(session_factory)
    async with session_factory.begin() as session:
        await save_draft(session, asa, HALF_DONE, PROGRESS)
    async with session_factory.begin() as session:
        await session.execute(text("DELETE FROM users WHERE id = :id"), {"id": asa.id})
    assert await _draft_count(session_factory) == 0


async def test_an_answer_todays_model_refuses_is_dropped_not_the_whole_draft(session_factory: Factory) -> None:
    asa, _ = await _users(session_factory)
    stored = HALF_DONE.model_dump(mode="json") | {
        "project_name": "x" * 500,  # longer than allowed today
        "malmo_role": "observer",  # a choice that no longer exists
        "field_of_an_older_version": "ignored",
    }
    async with session_factory.begin() as session:
        await save_draft(session, asa, HALF_DONE, PROGRESS)
        draft = await get_draft(session, asa)
        assert draft is not None
        draft.data = stored
    async with session_factory() as session:
        draft = await get_draft(session, asa)
    assert draft is not None
    read = draft_data(draft)
    assert read.project_name is None and read.malmo_role is None
    assert read == HALF_DONE.model_copy(update={"project_name": None, "malmo_role": None})


def test_draft_data_still_refuses_what_is_not_a_draft_at_all() -> None:
    with pytest.raises(ValidationError):
        draft_data(RegistrationDraft(data=["not", "an", "object"], progress={}))
