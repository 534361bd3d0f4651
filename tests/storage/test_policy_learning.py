"""storage/policy_learning.py: 👍/👎 on answers, questions taught by KS coordinators, clarifications."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.access import AccessDenied
from storage.models import AnswerFeedback, Clarification, TaughtQuestion, User
from storage.organisations import get_organisation
from storage.policy_learning import (
    NORMALISED_QUESTION_MAX_LENGTH,
    active_teachings,
    list_bad_answers,
    get_clarification,
    list_clarifications,
    record_clarification,
    record_clarification_choice,
    record_feedback,
    teach,
    teaching_generation,
    teaching_history,
    teaching_key,
)
from storage.questions import MAX_QUESTION_LENGTH
from storage.users import Role
from tests.support.people import make_user

Factory = async_sessionmaker[AsyncSession]
BASE = datetime(2026, 5, 4, 8, 0, tzinfo=timezone.utc)


async def _feedback(session: AsyncSession, ref: str, helpful: bool, question: str = "Vem beslutar om vänorter?",
                    topic: str | None = "partner_cities", lang: str = "sv") -> AnswerFeedback:
    return await record_feedback(session, answer_ref=ref, question=question, topic=topic, lang=lang, helpful=helpful)


async def _count(session_factory: Factory, model: type) -> int:
    async with session_factory() as session:
        return (await session.scalar(select(func.count()).select_from(model))) or 0


# --- Feedback ----------------------------------------------------------------------------------------------


async def test_a_second_press_on_the_same_card_changes_the_vote(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        first = await _feedback(session, "card-1", True)
        first_id, created = first.id, first.created_at
        assert (first.helpful, first.created_at) == (True, first.updated_at)
    async with session_factory.begin() as session:
        again = await _feedback(session, "card-1", False, question="something else", topic="eu_routine", lang="en")
        other = await _feedback(session, "card-2", True)
    assert again.id == first_id and other.id != first_id
    assert again.helpful is False
    # The card's question, topic and language are kept; only the vote and its time change.
    assert (again.question, again.topic, again.lang) == ("Vem beslutar om vänorter?", "partner_cities", "sv")
    assert again.created_at == created and again.updated_at > created
    assert again.created_at.tzinfo is not None
    assert await _count(session_factory, AnswerFeedback) == 2


async def test_a_row_already_loaded_shows_the_new_vote(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        loaded = await _feedback(session, "card-1", True)
        again = await _feedback(session, "card-1", False)
        assert again is loaded and loaded.helpful is False


async def test_two_presses_at_once_leave_one_row(session_factory: Factory) -> None:
    async def press(helpful: bool) -> int:
        async with session_factory.begin() as session:
            return (await _feedback(session, "card-1", helpful)).id

    ids = await asyncio.gather(press(True), press(False), press(False))
    assert len(set(ids)) == 1
    assert await _count(session_factory, AnswerFeedback) == 1


async def test_feedback_is_written_in_the_callers_transaction(session_factory: Factory) -> None:
    async with session_factory() as session:
        await _feedback(session, "card-1", False)
        await session.rollback()
    assert await _count(session_factory, AnswerFeedback) == 0


async def test_bad_answers_newest_first_and_only_the_latest_vote_counts(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        await _feedback(session, "old", False, question="Gammal fråga")
        await _feedback(session, "good", True, question="Bra svar")
        await _feedback(session, "new", False, question="Ny fråga", topic=None, lang="en")
        await _feedback(session, "changed", False, question="Ändrad")
    async with session_factory.begin() as session:
        await _feedback(session, "changed", True)  # pressed 👍 after all
        for hours, ref in enumerate(("old", "good", "new", "changed")):
            await session.execute(update(AnswerFeedback).where(AnswerFeedback.answer_ref == ref)
                                  .values(created_at=BASE + timedelta(hours=hours)))
    async with session_factory() as session:
        bad = await list_bad_answers(session)
        newest = await list_bad_answers(session, limit=1)
        with pytest.raises(ValueError):
            await list_bad_answers(session, limit=0)
    assert [(a.question, a.topic, a.lang) for a in bad] == [
        ("Ny fråga", None, "en"), ("Gammal fråga", "partner_cities", "sv")
    ]
    assert [a.answer_ref for a in newest] == ["new"]


async def test_refs_and_topics_are_checked_alike_on_both_databases(session_factory: Factory) -> None:
    async with session_factory() as session:
        for ref, topic, lang in (("x" * 65, "t", "sv"), ("", "t", "sv"), ("ok", "t" * 65, "sv"), ("ok", "t", "")):
            with pytest.raises(ValueError):
                await _feedback(session, ref, True, topic=topic, lang=lang)
        with pytest.raises(ValueError):
            await record_clarification(session, ref="r" * 65, question="?", offered=[], lang="sv")


# --- Teaching ----------------------------------------------------------------------------------------------


@dataclass
class Teachers:
    coordinator: User
    admin: User
    official: User


async def _teachers(session_factory: Factory) -> Teachers:
    async with session_factory.begin() as session:
        own = await get_organisation(session, "miljonamnden")
        return Teachers(
            coordinator=await make_user(session, "29:ks", "Karin KS", None, Role.KS_COORDINATOR),
            admin=await make_user(session, "29:admin", "Adam Admin", None, Role.ADMIN),
            official=await make_user(session, "29:asa", "Åsa Öberg", own),
        )


async def test_teach_forget_and_what_is_active(session_factory: Factory) -> None:
    people = await _teachers(session_factory)
    async with session_factory() as session:
        assert await teaching_generation(session) == 0
        assert await active_teachings(session) == []
        assert await teaching_history(session) == []

    generations = []

    async def step(question: str, normalised: str, topic: str | None, actor: User | None) -> TaughtQuestion:
        async with session_factory.begin() as session:
            row = await teach(session, question=question, normalised=normalised, topic=topic, actor=actor)
        async with session_factory() as session:
            generations.append(await teaching_generation(session))
        return row

    vanort = await step("Vem bestämmer om vänorter?", "vem bestammer om vanorter", "partner_cities", people.coordinator)
    natverk = await step("Får vi gå med i Eurocities?", "far vi ga med i eurocities", "network_membership",
                         people.admin)
    budget = await step("Budget?", "budget", "eu_routine", people.coordinator)
    await step("Vem bestämmer om vänorter!", "vem bestammer om vanorter", "ks_role", people.coordinator)  # re-taught
    await step("Budget?", "budget", None, None)  # forgotten, from the command line
    assert generations == sorted(generations) and len(set(generations)) == 5

    async with session_factory() as session:
        active = await active_teachings(session)
        assert await teaching_generation(session) == generations[-1]
        history = await teaching_history(session)
        latest_two = await teaching_history(session, limit=2)
    # The newest row of each normalised question decides; forgotten ones are left out; oldest first.
    assert [(row.normalised, row.topic) for row in active] == [
        ("far vi ga med i eurocities", "network_membership"), ("vem bestammer om vanorter", "ks_role")
    ]
    assert active[0].id == natverk.id and active[1].id > budget.id > vanort.id
    assert [(row.question, row.topic, row.taught_by.name if row.taught_by else None) for row in history] == [
        ("Budget?", None, None),
        ("Vem bestämmer om vänorter!", "ks_role", "Karin KS"),
        ("Budget?", "eu_routine", "Karin KS"),
        ("Får vi gå med i Eurocities?", "network_membership", "Adam Admin"),
        ("Vem bestämmer om vänorter?", "partner_cities", "Karin KS"),
    ]
    assert [row.id for row in latest_two] == [row.id for row in history[:2]]
    assert all(row.taught_at.tzinfo is not None for row in history)

    # Taught again after being forgotten: active again.
    async with session_factory.begin() as session:
        await teach(session, question="Budget", normalised="budget", topic="information_item_threshold",
                    actor=people.admin)
        assert [(row.normalised, row.topic) for row in await active_teachings(session)][-1] == (
            "budget", "information_item_threshold")


async def test_history_in_the_same_session_as_the_teaching_names_the_teacher(session_factory: Factory) -> None:
    people = await _teachers(session_factory)
    async with session_factory.begin() as session:
        row = await teach(session, question="Q", normalised="q", topic="ks_role", actor=people.coordinator)
        [entry] = await teaching_history(session)
        assert entry is row and entry.taught_by is not None and entry.taught_by.name == "Karin KS"


async def test_only_coordinators_admins_and_the_operator_teach(session_factory: Factory) -> None:
    people = await _teachers(session_factory)
    async with session_factory() as session:
        with pytest.raises(AccessDenied):
            await teach(session, question="Q", normalised="q", topic="ks_role", actor=people.official)
        with pytest.raises(ValueError):
            await teach(session, question="Q", normalised="  ", topic="ks_role", actor=None)
        assert await teaching_generation(session) == 0


async def test_a_deleted_teacher_leaves_the_teaching_without_a_name(session_factory: Factory) -> None:
    people = await _teachers(session_factory)
    async with session_factory.begin() as session:
        await teach(session, question="Q", normalised="q", topic="ks_role", actor=people.coordinator)
    async with session_factory.begin() as session:
        await session.delete(await session.get(User, people.coordinator.id))
    async with session_factory() as session:
        [entry] = await teaching_history(session)
        [active] = await active_teachings(session)
    assert (entry.taught_by_user_id, entry.taught_by, active.topic) == (None, None, "ks_role")


async def test_teachings_take_their_ids_in_commit_order(session_factory: Factory) -> None:
    """A teaching that commits later never has a lower id, so the generation an instance saw always moves."""
    async with session_factory() as first:
        earlier = await teach(first, question="A", normalised="a", topic="ks_role", actor=None)

        async def second() -> int:
            async with session_factory.begin() as session:
                return (await teach(session, question="B", normalised="b", topic="ks_role", actor=None)).id

        later = asyncio.create_task(second())
        await asyncio.sleep(0.3)
        assert not later.done()  # waits for the first teaching's transaction
        await first.commit()
        assert await asyncio.wait_for(later, 10) > earlier.id


# --- Clarifications ----------------------------------------------------------------------------------------


async def test_clarification_and_the_first_choice_wins(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        asked = await record_clarification(session, ref="c-1", question="Måste vi informera KS?",
                                           offered=("eu_routine", "ks_role"), lang="sv")
        await record_clarification(session, ref="c-2", question="Budget?", offered=["eu_routine"], lang="en")
        assert (asked.offered, asked.chosen, asked.chosen_at) == (["eu_routine", "ks_role"], None, None)
    async with session_factory.begin() as session:
        chosen = await record_clarification_choice(session, ref="c-1", chosen="eu_routine")
        assert chosen is not None and chosen.id == asked.id
        assert chosen.chosen == "eu_routine" and chosen.chosen_at is not None
        first_chosen_at = chosen.chosen_at
        again = await record_clarification_choice(session, ref="c-1", chosen="ks_role")
        assert again is chosen and again.chosen == "eu_routine" and again.chosen_at == first_chosen_at
        assert await record_clarification_choice(session, ref="unknown", chosen="ks_role") is None
    async with session_factory.begin() as session:
        await session.execute(update(Clarification).where(Clarification.ref == "c-1").values(asked_at=BASE))
    async with session_factory() as session:
        listed = await list_clarifications(session)
        newest = await list_clarifications(session, limit=1)
    assert [(c.ref, c.question, c.offered, c.chosen, c.lang) for c in listed] == [
        ("c-2", "Budget?", ["eu_routine"], None, "en"),
        ("c-1", "Måste vi informera KS?", ["eu_routine", "ks_role"], "eu_routine", "sv"),
    ]
    assert [c.ref for c in newest] == ["c-2"]


async def test_a_clarification_is_read_back_by_its_ref(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        await record_clarification(session, ref="c-1", question="Vem beslutar?", offered=["ks_role", "kf_role"],
                                   lang="sv")
    async with session_factory() as session:
        found = await get_clarification(session, "c-1")
        assert found is not None
        assert (found.question, found.offered, found.chosen) == ("Vem beslutar?", ["ks_role", "kf_role"], None)
        assert await get_clarification(session, "c-2") is None


async def test_two_choices_at_once_keep_one(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        await record_clarification(session, ref="c-1", question="?", offered=["a", "b"], lang="sv")

    async def choose(topic: str) -> str | None:
        async with session_factory.begin() as session:
            row = await record_clarification_choice(session, ref="c-1", chosen=topic)
            return row.chosen if row else None

    results = await asyncio.gather(choose("a"), choose("b"))
    assert results[0] == results[1] in ("a", "b")


# --- Long texts --------------------------------------------------------------------------------------------


async def test_long_texts_are_cut(session_factory: Factory) -> None:
    long_question = "å" * (MAX_QUESTION_LENGTH + 1000)
    long_normalised = "a" * (NORMALISED_QUESTION_MAX_LENGTH + 100)
    async with session_factory.begin() as session:
        await _feedback(session, "card-1", False, question=long_question)
        await teach(session, question=long_question, normalised=long_normalised, topic="ks_role", actor=None)
        await record_clarification(session, ref="c-1", question=long_question, offered=["ks_role"], lang="sv")
    async with session_factory() as session:
        [feedback] = await list_bad_answers(session)
        [taught] = await active_teachings(session)
        [clarification] = await list_clarifications(session)
    assert len(feedback.question) == len(taught.question) == len(clarification.question) == MAX_QUESTION_LENGTH
    assert taught.normalised == teaching_key(long_normalised) == long_normalised[:NORMALISED_QUESTION_MAX_LENGTH]
    assert teaching_key("kort fråga") == "kort fråga"
